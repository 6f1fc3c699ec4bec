package main

// What a run needs on a cluster and only a command can do: the SLURM
// task-count check (it reads the environment) and the signals that stop
// all ranks at the same iteration (config.Job does the rest).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/config"
)

// ignoreMemoryEnv disables the memory check of Preflight.
const ignoreMemoryEnv = "VMCMPI_IGNORE_MEMORY"

// prepareRun checks the launcher (against the environment) and the memory
// the run needs on this node, then runs the configuration's Preflight
// (the output directory). Not collective;
// the caller agrees on the outcome.
func prepareRun(c comm.Comm, cfg *config.Config, resume string, force bool, getenv func(string) string) (unlock func(), err error) {
	if err := comm.CheckLauncher(c.Size(), getenv); err != nil {
		return func() {}, err
	}
	if err := comm.CheckSlurmTasks(c.Size(), getenv); err != nil {
		return func() {}, err
	}
	if getenv(ignoreMemoryEnv) == "" {
		if avail, source, ok := config.AvailableMemory(); ok {
			if err := cfg.CheckMemory(comm.LocalRanks(getenv), avail, source); err != nil {
				return func() {}, fmt.Errorf("%w (set %s=1 to try anyway)", err, ignoreMemoryEnv)
			}
		}
	}
	return cfg.Preflight(c, resume != "", force)
}

// reportError prints command name's error on stderr: rank 0 always, other
// ranks only an error of their own (one all ranks share is printed once).
func reportError(c comm.Comm, stderr io.Writer, name string, err error) {
	var re *comm.RankError
	if c.Rank() == 0 || errors.As(err, &re) {
		fmt.Fprintf(stderr, "vmcmpi %s: %v\n", name, err)
	}
}

// onWorld runs command name's fn on every rank of the world communicator
// and agrees on its error before MPI_Finalize: when one rank fails (rank 0
// writing its files, say), every rank returns an error, printed before
// Finalize, since a launcher may end the job as soon as a rank finalises.
func onWorld(name string, stderr io.Writer, fn func(c comm.Comm) error) error {
	c, err := comm.World()
	if err != nil {
		return err
	}
	if err = comm.Agree(c, fn(c)); err != nil {
		reportError(c, stderr, name, err)
		err = &reportedError{err}
	}
	c.Finalize()
	return err
}

// watchSetup ends the process with code when a stop signal arrives before
// running is called: during set-up there is nothing to checkpoint, and a
// batch system's warning must not be swallowed. Afterwards the signals
// belong to signalContext.
func watchSetup(c comm.Comm, stderr io.Writer, code int) (running func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	var started atomic.Bool
	quit := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			if started.Load() {
				return
			}
			fmt.Fprintf(stderr, "vmcmpi run: %v before the first iteration ended, so there is nothing new to checkpoint: stopping now\n", s)
			c.Abort(code)
		case <-quit:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			started.Store(true)
			signal.Stop(ch)
			close(quit)
		})
	}
}

// stopSignals are the signals that end a run cleanly with a checkpoint:
// SIGTERM (SLURM at the time limit or on preemption), SIGUSR1 (the early
// warning of sbatch --signal=USR1@secs), and Ctrl-C.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGUSR1}

// signalContext is cancelled by the first stop signal; the driver then
// agrees with the other ranks to stop after the current iteration. Tests
// replace it to stop a run at a chosen point.
var signalContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), stopSignals...)
}
