package comm

// Checks of how a run was launched. They take the environment as getenv
// (os.Getenv in the command) so that only the command reads it.

import (
	"fmt"
	"strconv"
	"strings"
)

// IgnoreNtasksEnv disables CheckSlurmTasks.
const IgnoreNtasksEnv = "VMCMPI_IGNORE_SLURM_NTASKS"

// CheckSlurmTasks refuses a run whose MPI size differs from SLURM_NTASKS:
// a launcher without a working MPI plugin (srun --mpi=none, or pmi2 with
// Debian's Open MPI) starts N processes that each believe they are rank 0
// of 1, and would run the whole computation N times over.
func CheckSlurmTasks(size int, getenv func(string) string) error {
	nt := getenv("SLURM_NTASKS")
	if nt == "" || getenv(IgnoreNtasksEnv) != "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(nt))
	if err != nil || n < 1 {
		// A value that cannot be read must not skip the check.
		return fmt.Errorf("SLURM_NTASKS=%q is not a task count, so this run cannot tell whether its %d rank(s) are all the tasks; "+
			"fix the job script, or set %s=1 to run anyway", nt, size, IgnoreNtasksEnv)
	}
	if n == size {
		return nil
	}
	build := "built without MPI: a serial binary always has 1 rank; use bin/vmcmpi-mpi from make build-mpi"
	if MPIBuilt {
		build = "built with MPI"
	}
	return fmt.Errorf("MPI reports %d rank(s) but SLURM_NTASKS=%d: the tasks did not join one MPI job, "+
		"so each would repeat the whole run alone. Launch with `srun --mpi=pmix` (Debian's Open MPI has PMIx but no PMI2; "+
		"`srun --mpi=list` shows the plugins) or with `mpirun` inside the allocation. This binary is %s. "+
		"Set %s=1 to run anyway", size, n, build, IgnoreNtasksEnv)
}

// CheckLauncher refuses a run whose rank count differs from the one its
// launcher announced (Open MPI's OMPI_COMM_WORLD_SIZE, MPICH's PMI_SIZE),
// or a serial copy started as a PMIx rank other than 0: a binary built
// without MPI under mpirun runs N identical single-rank jobs into one
// directory.
func CheckLauncher(size int, getenv func(string) string) error {
	fix := "this binary was built with MPI, but it did not join the launcher's job (another MPI implementation's mpirun?)"
	if !MPIBuilt {
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

// LocalRanks is the number of ranks on this node, as the launcher tells
// (1 when it does not).
func LocalRanks(getenv func(string) string) int {
	for _, v := range []string{"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"} {
		if n, err := strconv.Atoi(getenv(v)); err == nil && n > 0 {
			return n
		}
	}
	return 1
}
