package main

// What a run needs on a cluster and only a command can do: the SLURM
// task-count check (it reads the environment) and the signals that stop
// all ranks at the same iteration (config.Job does the rest).

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/vmcmpi/vmcmpi/comm"
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
	if err != nil || n == size {
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
