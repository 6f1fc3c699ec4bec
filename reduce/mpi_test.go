//go:build mpi

package reduce_test

import (
	"testing"

	"github.com/vmcmpi/vmcmpi/internal/mpitest"
)

// Under `go test -tags mpi -exec "mpirun -np N"` these run on N MPI ranks
// with the checks the in-process tests use.

func TestMain(m *testing.M) { mpitest.Main(m) }

func TestMPISectionsSummed(t *testing.T) {
	if err := fillAndSum(mpitest.World()); err != nil {
		t.Error(err)
	}
}

func TestMPILayoutMismatch(t *testing.T) {
	w := mpitest.World()
	if w.Size() < 2 {
		t.Skip("needs two ranks")
	}
	for _, byName := range []bool{false, true} {
		if err := layoutMismatch(w, byName); err != nil {
			t.Errorf("differing by name=%v: %v", byName, err)
		}
	}
}

func TestMPIOutOfStep(t *testing.T) {
	w := mpitest.World()
	if w.Size() < 2 {
		t.Skip("needs two ranks")
	}
	if err := outOfStep(w); err != nil {
		t.Error(err)
	}
}
