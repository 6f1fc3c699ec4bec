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
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/config"
	"github.com/vmcmpi/vmcmpi/output"
)

// ignoreNtasksEnv disables checkSlurmTasks.
const ignoreNtasksEnv = "VMCMPI_IGNORE_SLURM_NTASKS"

// checkSlurmTasks refuses a run whose MPI size differs from SLURM_NTASKS:
// a launcher without a working MPI plugin (srun --mpi=none, or pmi2 with
// Debian's Open MPI) starts N processes that each believe they are rank 0
// of 1, and would run the whole computation N times over.
func checkSlurmTasks(size int, getenv func(string) string) error {
	nt := getenv("SLURM_NTASKS")
	if nt == "" || getenv(ignoreNtasksEnv) != "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(nt))
	if err != nil || n < 1 {
		// A value that cannot be read must not skip the check.
		return fmt.Errorf("SLURM_NTASKS=%q is not a task count, so this run cannot tell whether its %d rank(s) are all the tasks; "+
			"fix the job script, or set %s=1 to run anyway", nt, size, ignoreNtasksEnv)
	}
	if n == size {
		return nil
	}
	build := "built without MPI: a serial binary always has 1 rank; use bin/vmcmpi-mpi from make build-mpi"
	if comm.MPIBuilt {
		build = "built with MPI"
	}
	return fmt.Errorf("MPI reports %d rank(s) but SLURM_NTASKS=%d: the tasks did not join one MPI job, "+
		"so each would repeat the whole run alone. Launch with `srun --mpi=pmix` (Debian's Open MPI has PMIx but no PMI2; "+
		"`srun --mpi=list` shows the plugins) or with `mpirun` inside the allocation. This binary is %s. "+
		"Set %s=1 to run anyway", size, n, build, ignoreNtasksEnv)
}

// checkLauncher refuses a run whose rank count differs from the one its
// launcher announced (Open MPI's OMPI_COMM_WORLD_SIZE, MPICH's PMI_SIZE),
// or a serial copy started as a PMIx rank other than 0: a binary built
// without MPI under mpirun runs N identical single-rank jobs into one
// directory.
func checkLauncher(size int, getenv func(string) string) error {
	fix := "this binary was built with MPI, but it did not join the launcher's job (another MPI implementation's mpirun?)"
	if !comm.MPIBuilt {
		fix = "this binary was built without MPI and always has 1 rank: build bin/vmcmpi-mpi with `make build-mpi` and launch that"
	}
	for _, v := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"} {
		s := getenv(v)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("%s=%q is not a rank count; is this a broken launcher environment?", v, s)
		}
		if n != size {
			return fmt.Errorf("the launcher started %d processes (%s=%d) but this one sees %d rank(s), so each would repeat the whole run alone: %s", n, v, n, size, fix)
		}
	}
	if r := strings.TrimSpace(getenv("PMIX_RANK")); size == 1 && r != "" && r != "0" {
		return fmt.Errorf("started as PMIx rank %s but this process sees 1 rank, so it would repeat the whole run alone: %s", r, fix)
	}
	return nil
}

// ignoreMemoryEnv disables the memory check of prepareRun.
const ignoreMemoryEnv = "VMCMPI_IGNORE_MEMORY"

// outputFiles are the files a run writes into its directory.
var outputFiles = []string{"result.json", "history.csv", "parameters.json", "density.csv", "observables.json", checkpoint.FileName}

// prepareRun checks, before any work, what would otherwise fail after
// it: the launcher, the memory the run needs on this node, and on rank 0
// the output directory (locked for the run's lifetime, writable, and not
// holding an earlier run's checkpoint unless resuming or forced). Not
// collective; the caller agrees on the outcome.
func prepareRun(c comm.Comm, cfg *config.Config, resume string, force bool, getenv func(string) string) (unlock func(), err error) {
	unlock = func() {}
	if err := checkLauncher(c.Size(), getenv); err != nil {
		return unlock, err
	}
	if err := checkSlurmTasks(c.Size(), getenv); err != nil {
		return unlock, err
	}
	if getenv(ignoreMemoryEnv) == "" {
		if avail, source, ok := config.AvailableMemory(); ok {
			if err := cfg.CheckMemory(localRanks(getenv), avail, source); err != nil {
				return unlock, fmt.Errorf("%w (set %s=1 to try anyway)", err, ignoreMemoryEnv)
			}
		}
	}
	if c.Rank() != 0 {
		return unlock, nil
	}
	dir := cfg.Output.Dir
	unlock, err = output.Lock(dir)
	if err != nil {
		return func() {}, err
	}
	cp := filepath.Join(dir, checkpoint.FileName)
	if _, serr := os.Lstat(cp); serr == nil && resume == "" && !force {
		err = fmt.Errorf("%s holds the checkpoint of an earlier run: continue it with -resume %s, "+
			"or start afresh with -force (replacing it) or another -out", dir, dir)
	} else {
		err = output.ProbeDir(dir, outputFiles...)
	}
	if err != nil {
		unlock()
		return func() {}, err
	}
	return unlock, nil
}

// localRanks is the number of ranks on this node, as the launcher tells
// (1 when it does not).
func localRanks(getenv func(string) string) int {
	for _, v := range []string{"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"} {
		if n, err := strconv.Atoi(getenv(v)); err == nil && n > 0 {
			return n
		}
	}
	return 1
}

// rankError is an error of some ranks only, reported by the rank that had it.
type rankError struct {
	rank int
	err  error
}

func (e *rankError) Error() string { return fmt.Sprintf("rank %d: %v", e.rank, e.err) }
func (e *rankError) Unwrap() error { return e.err }

// agree is collective: when any rank has an error, every rank returns
// one, its own or one naming the ranks that failed, so that no rank goes
// on into a collective the failed ones will never join.
func agree(c comm.Comm, err error) error {
	failed := make([]float64, c.Size())
	if err != nil {
		failed[c.Rank()] = 1
	}
	if aerr := c.AllReduce(failed, comm.Max); aerr != nil {
		return errors.Join(err, aerr)
	}
	var ranks []int
	for r, f := range failed {
		if f > 0 {
			ranks = append(ranks, r)
		}
	}
	switch {
	case len(ranks) == 0:
		return nil
	case err != nil && len(ranks) == c.Size():
		return err // all ranks failed, the same way as far as they know
	case err != nil:
		return &rankError{rank: c.Rank(), err: err}
	}
	return fmt.Errorf("stopped because rank(s) %v failed (their message is above)", ranks)
}

// reportError prints a run's error on stderr: rank 0 always, other ranks
// only an error of their own (one all ranks share is printed once).
func reportError(c comm.Comm, stderr io.Writer, err error) {
	var re *rankError
	if c.Rank() == 0 || errors.As(err, &re) {
		fmt.Fprintf(stderr, "vmcmpi run: %v\n", err)
	}
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
