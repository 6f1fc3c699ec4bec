//go:build mpi

package comm_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/internal/mpitest"
)

// Under `go test -tags mpi -exec "mpirun -np N"` every test below runs on
// all N ranks; without mpirun on one (an MPI singleton). Every rank must make
// the same collective calls in the same order, so the tests report with
// t.Errorf and only stop (t.Fatal) on a collective's error, which all ranks
// see together.

func TestMain(m *testing.M) { mpitest.Main(m) }

func TestMPIWorld(t *testing.T) {
	w := mpitest.World()
	again, err := comm.New(comm.BackendMPI)
	if err != nil {
		t.Fatal(err)
	}
	if again != w {
		t.Errorf("second New(mpi) returned another communicator")
	}
	if comm.LaunchedByMPI() {
		if got, err := comm.World(); err != nil || got != w {
			t.Errorf("World() = %v, %v; want the MPI world", got, err)
		}
	}
	if w.Size() < 1 || w.Rank() < 0 || w.Rank() >= w.Size() {
		t.Errorf("rank %d of size %d", w.Rank(), w.Size())
	}
}

// TestMPIAllReduceClosedForms: rank r contributes (r+1)·(i+1) at index i,
// so the sum is (i+1)·n(n+1)/2, the max (i+1)·n and the min i+1. All values
// are small integers, exact in float64 whatever the summation order.
func TestMPIAllReduceClosedForms(t *testing.T) {
	allReduceClosedForms(t, mpitest.World(), 10)
}

// TestMPIChunked runs the collectives with a chunk size of 3, the path taken
// by buffers longer than MaxInt32 values.
func TestMPIChunked(t *testing.T) {
	defer comm.SetMaxCount(3)()
	w := mpitest.World()
	allReduceClosedForms(t, w, 10)
	bcastBitIdentical(t, w, 11, w.Size()-1)
	gatherInOrder(t, w, 7, 0)
}

func allReduceClosedForms(t *testing.T, w comm.Comm, n int) {
	t.Helper()
	size, r := float64(w.Size()), float64(w.Rank())
	for _, op := range []comm.Op{comm.Sum, comm.Max, comm.Min} {
		buf := make([]float64, n)
		for i := range buf {
			buf[i] = (r + 1) * float64(i+1)
		}
		if err := w.AllReduce(buf, op); err != nil {
			t.Fatal(err)
		}
		for i, got := range buf {
			want := float64(i+1) * map[comm.Op]float64{comm.Sum: size * (size + 1) / 2, comm.Max: size, comm.Min: 1}[op]
			if got != want {
				t.Errorf("rank %d: %v: buf[%d] = %g, want %g", w.Rank(), op, i, got, want)
			}
		}
	}
}

// params are parameters as an optimiser leaves them, with the values whose
// bits a conversion would most likely change.
func params(n int) []float64 {
	rng := rand.New(rand.NewPCG(7, 11))
	p := make([]float64, n)
	for i := range p {
		p[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
	}
	special := []float64{math.Copysign(0, -1), math.SmallestNonzeroFloat64, math.MaxFloat64, math.Inf(-1), math.Float64frombits(0x7ff8dead0000beef)}
	copy(p, special)
	return p
}

func bcastBitIdentical(t *testing.T, w comm.Comm, n, root int) {
	t.Helper()
	want := params(n)
	buf := make([]float64, n)
	if w.Rank() == root {
		copy(buf, want)
	} else {
		for i := range buf {
			buf[i] = float64(-w.Rank())
		}
	}
	if err := w.Bcast(buf, root); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		if math.Float64bits(buf[i]) != math.Float64bits(want[i]) {
			t.Errorf("rank %d: Bcast from %d: [%d] bits %#x, want %#x", w.Rank(), root, i, math.Float64bits(buf[i]), math.Float64bits(want[i]))
		}
	}
}

func TestMPIBcastBitIdentical(t *testing.T) {
	w := mpitest.World()
	for root := range w.Size() {
		bcastBitIdentical(t, w, 1000, root)
	}
}

func gatherInOrder(t *testing.T, w comm.Comm, n, root int) {
	t.Helper()
	send := make([]float64, n)
	for i := range send {
		send[i] = float64(w.Rank()*1000 + i)
	}
	var recv []float64
	if w.Rank() == root {
		recv = make([]float64, n*w.Size())
	}
	if err := w.Gather(send, recv, root); err != nil {
		t.Fatal(err)
	}
	if w.Rank() != root {
		return
	}
	for r := range w.Size() {
		for i := range n {
			if got, want := recv[r*n+i], float64(r*1000+i); got != want {
				t.Errorf("Gather to %d: recv[%d] = %g, want %g", root, r*n+i, got, want)
			}
		}
	}
}

func TestMPIGather(t *testing.T) {
	w := mpitest.World()
	for root := range w.Size() {
		gatherInOrder(t, w, 5, root)
	}
}

func TestMPIEmpty(t *testing.T) {
	w := mpitest.World()
	if err := w.AllReduce(nil, comm.Sum); err != nil {
		t.Error(err)
	}
	if err := w.Bcast([]float64{}, 0); err != nil {
		t.Error(err)
	}
	if err := w.Gather(nil, []float64{}, 0); err != nil {
		t.Error(err)
	}
	if err := w.Barrier(); err != nil {
		t.Error(err)
	}
}

// wantRankError checks that err is a *comm.Error of this rank for call
// whose message contains all of parts.
func wantRankError(t *testing.T, w comm.Comm, err error, call string, parts ...string) {
	t.Helper()
	var ce *comm.Error
	if !errors.As(err, &ce) {
		t.Errorf("rank %d: %s: got %v, want a *comm.Error", w.Rank(), call, err)
		return
	}
	if ce.Rank != w.Rank() || ce.Call != call {
		t.Errorf("rank %d: error names rank %d, call %q; want %d, %q", w.Rank(), ce.Rank, ce.Call, w.Rank(), call)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("rank %d: error %q does not mention %q", w.Rank(), err, p)
		}
	}
}

// TestMPIMismatch: disagreeing ranks get an error naming a rank, never a
// wrong result or a hang, and the communicator stays usable afterwards.
func TestMPIMismatch(t *testing.T) {
	w := mpitest.World()
	if w.Size() < 2 {
		t.Skip("needs two ranks")
	}
	other := "rank 1"
	if w.Rank() != 0 {
		other = "rank 0"
	}

	n := 4
	if w.Rank() == 0 {
		n = 5
	}
	wantRankError(t, w, w.AllReduce(make([]float64, n), comm.Sum), "AllReduce", other, "values")
	wantRankError(t, w, w.Bcast(make([]float64, n), 0), "Bcast", other)

	// Different calls at the same time.
	var err error
	if w.Rank() == 0 {
		err = w.Bcast(make([]float64, 4), 0)
		wantRankError(t, w, err, "Bcast", other, "AllReduce")
	} else {
		err = w.AllReduce(make([]float64, 4), comm.Sum)
		wantRankError(t, w, err, "AllReduce", other, "Bcast")
	}

	// A root with a receive buffer of the wrong size: all ranks back out.
	var recv []float64
	if w.Rank() == 0 {
		recv = make([]float64, 3)
	}
	err = w.Gather([]float64{1, 2}, recv, 0)
	if w.Rank() == 0 {
		wantRankError(t, w, err, "Gather", "recv has 3 elements")
	} else {
		wantRankError(t, w, err, "Gather", "invalid arguments on rank 0")
	}

	// Root outside the group, the same on all ranks.
	wantRankError(t, w, w.Bcast(make([]float64, 2), w.Size()), "Bcast", "root")

	allReduceClosedForms(t, w, 3)
}

// TestMPIErrorString: an error that MPI itself reports (MPI_ERRORS_RETURN)
// comes back as a *comm.Error with MPI's description.
func TestMPIErrorString(t *testing.T) {
	w := mpitest.World()
	err := comm.RawBcast(w, make([]float64, 2), w.Size()+5)
	wantRankError(t, w, err, "Bcast", "MPI_Bcast", "MPI error")
	if err != nil && w.Rank() == 0 {
		t.Logf("MPI said: %v", err)
	}
}
