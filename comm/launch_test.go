package comm

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckSlurmTasks(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		size int
		env  func(string) string
		ok   bool
	}{
		{1, env(), true},                     // not under SLURM
		{4, env("SLURM_NTASKS", "4"), true},  // srun --mpi=pmix or mpirun in the allocation
		{1, env("SLURM_NTASKS", "4"), false}, // srun --mpi=none: 4 lonely rank-0s
		{2, env("SLURM_NTASKS", "4"), false}, // mpirun -np 2 inside a 4-task job
		{1, env("SLURM_NTASKS", "4", IgnoreNtasksEnv, "1"), true},
		// An unreadable or overflowing count must not skip the check.
		{1, env("SLURM_NTASKS", "garbage"), false},
		{1, env("SLURM_NTASKS", "99999999999999999999"), false},
		{1, env("SLURM_NTASKS", "0"), false},
	} {
		err := CheckSlurmTasks(c.size, c.env)
		if (err == nil) != c.ok {
			t.Errorf("size %d, SLURM_NTASKS=%q: err = %v", c.size, c.env("SLURM_NTASKS"), err)
		}
		if err != nil && c.env("SLURM_NTASKS") == "4" && (!strings.Contains(err.Error(), "--mpi=pmix") || !strings.Contains(err.Error(), "SLURM_NTASKS=4")) {
			t.Errorf("message does not explain the plugin: %v", err)
		}
	}
}

func TestCheckLauncher(t *testing.T) {
	// A serial build is told to use the MPI build; an MPI build (the MPI
	// suite runs this test with -tags mpi) that did not join the launcher's
	// job, that another MPI's mpirun started it.
	serialUnderMPI := "make build-mpi"
	if MPIBuilt {
		serialUnderMPI = "did not join the launcher's job"
	}
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		size int
		env  func(string) string
		want string // "" when accepted
	}{
		{1, env(), ""},
		{1, env("OMPI_COMM_WORLD_SIZE", "1"), ""},
		{2, env("OMPI_COMM_WORLD_SIZE", "2", "PMIX_RANK", "1"), ""},
		{1, env("OMPI_COMM_WORLD_SIZE", "2"), serialUnderMPI}, // the serial binary under mpirun -np 2
		{1, env("PMI_SIZE", "4"), "repeat the whole run"},     // MPICH's hydra
		{1, env("PMIX_RANK", "3"), "PMIx rank 3"},
		{1, env("OMPI_COMM_WORLD_SIZE", "x"), "not a rank count"},
		{1, env("PMI_SIZE", "99999999999999999999"), "not a rank count"},
	} {
		err := CheckLauncher(c.size, c.env)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("size %d: refused: %v", c.size, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("size %d: err = %v, want it to mention %q", c.size, err, c.want)
		}
	}
}

// An error on one rank reaches every rank at the next agreement: the
// failed rank keeps its message, the others name it, none hangs.
func TestAgreeAcrossRanks(t *testing.T) {
	errs := make([]error, 3)
	err := RunLocal(3, func(c Comm) error {
		var own error
		if c.Rank() == 1 {
			own = errors.New("disk full")
		}
		errs[c.Rank()] = Agree(c, own)
		// A second agreement without errors passes on every rank.
		if e := Agree(c, nil); e != nil {
			return e
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *RankError
	if !errors.As(errs[1], &re) || !strings.Contains(errs[1].Error(), "rank 1: disk full") {
		t.Errorf("failed rank: %v", errs[1])
	}
	for _, r := range []int{0, 2} {
		if errs[r] == nil || !strings.Contains(errs[r].Error(), "rank(s) [1] failed") {
			t.Errorf("rank %d: %v", r, errs[r])
		}
	}
}
