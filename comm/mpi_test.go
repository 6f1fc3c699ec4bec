//go:build mpi

package comm_test

import (
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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
	// N singletons instead of one job of N ranks would pass every other
	// test; the launcher says how many ranks it started (Open MPI's in
	// OMPI_COMM_WORLD_SIZE, MPICH's Hydra in PMI_SIZE).
	for _, v := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"} {
		if s, ok := os.LookupEnv(v); ok && s != strconv.Itoa(w.Size()) {
			t.Errorf("the launcher started %s=%s ranks, MPI_Comm_size says %d", v, s, w.Size())
		}
	}
	if comm.MPIImplementation == "" {
		t.Errorf("MPIImplementation is empty in an MPI build")
	}
}

// TestMPIAllReduceClosedForms: rank r contributes (r+1)·(i+1) at index i,
// so the sum is (i+1)·n(n+1)/2, the max (i+1)·n and the min i+1. All values
// are small integers, exact in float64 whatever the summation order.
func TestMPIAllReduceClosedForms(t *testing.T) {
	noErr(t, allReduceClosedForms(mpitest.World(), 10))
}

// TestMPIUnchecked: the same sums without the agreement step.
func TestMPIUnchecked(t *testing.T) {
	noErr(t, allReduceClosedForms(unchecked{mpitest.World()}, 10))
	defer comm.SetMaxCount(3)()
	noErr(t, allReduceClosedForms(unchecked{mpitest.World()}, 10))
}

// TestMPICallCost pins what each Comm call costs in MPI collectives, the
// model of internal/mpitest.Counting: a checked call is two (the agreement
// all-reduce and the call), AllReduceUnchecked one.
func TestMPICallCost(t *testing.T) {
	w := mpitest.World()
	buf := make([]float64, 4)
	for _, tc := range []struct {
		name string
		call func() error
		want int
	}{
		{"AllReduce", func() error { return w.AllReduce(buf, comm.Sum) }, 2},
		{"AllReduceUnchecked", func() error { return w.(comm.UncheckedAllReducer).AllReduceUnchecked(buf, comm.Sum) }, 1},
		{"Bcast", func() error { return w.Bcast(buf, 0) }, 2},
		{"Gather", func() error { return w.Gather(buf[:1], make([]float64, w.Size()), 0) }, 2},
		{"Barrier", w.Barrier, 2},
	} {
		before := comm.MPICalls(w)
		if err := tc.call(); err != nil {
			t.Fatal(err)
		}
		if got := comm.MPICalls(w) - before; got != tc.want {
			t.Errorf("%s: %d MPI collectives, want %d", tc.name, got, tc.want)
		}
	}
}

// TestMPIChunked runs the collectives with a chunk size of 3, the path taken
// by buffers longer than MaxInt32 values.
func TestMPIChunked(t *testing.T) {
	defer comm.SetMaxCount(3)()
	w := mpitest.World()
	noErr(t, allReduceClosedForms(w, 10))
	noErr(t, bcastBitIdentical(w, 11, w.Size()-1))
	noErr(t, gatherInOrder(w, 7, 0))
	noErr(t, gatherInOrder(w, 7, w.Size()-1))
}

func TestMPIBcastBitIdentical(t *testing.T) {
	w := mpitest.World()
	for root := range w.Size() {
		noErr(t, bcastBitIdentical(w, 1000, root))
	}
}

func TestMPIGather(t *testing.T) {
	w := mpitest.World()
	for root := range w.Size() {
		noErr(t, gatherInOrder(w, 5, root))
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

	noErr(t, allReduceClosedForms(w, 3))
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

// TestMPISignalsStayGo: after MPI_Init the stop and fault signals still
// have the Go runtime's handlers and no handler runs off the signal stack.
// MPICH installs a SIGUSR1 handler that, left alone, crashes a Go process
// receiving SLURM's warning while a goroutine runs.
func TestMPISignalsStayGo(t *testing.T) {
	mpitest.World()
	for sig := 1; sig < 65; sig++ {
		if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
			continue
		}
		goH, onStack, err := comm.SignalState(sig)
		if err != nil {
			continue // not a signal on this system
		}
		if !onStack {
			t.Errorf("signal %d (%v): handler without SA_ONSTACK after MPI_Init", sig, syscall.Signal(sig))
		}
		switch syscall.Signal(sig) {
		case syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP,
			syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGILL:
			if !goH {
				t.Errorf("signal %d (%v): MPI_Init replaced the Go runtime's handler", sig, syscall.Signal(sig))
			}
		}
	}
}

// TestMPISignalWhileBusy sends SIGUSR1 to this process many times while
// goroutines compute, the situation of a SLURM warning mid-run: every
// signal must arrive through os/signal and none may kill the process.
func TestMPISignalWhileBusy(t *testing.T) {
	mpitest.World()
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	defer signal.Stop(ch)
	var stop atomic.Bool
	var wg sync.WaitGroup
	sink := make([]float64, 2)
	for g := range sink {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := 1.0
			for !stop.Load() {
				for i := 0; i < 1000; i++ {
					x = x*1.0000001 + 1e-9
				}
			}
			sink[g] = x
		}()
	}
	const n = 100
	got := 0
	for i := 0; i < n; i++ {
		if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
			got++
		case <-time.After(10 * time.Second):
			t.Errorf("signal %d of %d not delivered within 10 s", i+1, n)
			i = n
		}
	}
	stop.Store(true)
	wg.Wait()
	if got != n {
		t.Errorf("%d of %d SIGUSR1 delivered", got, n)
	}
}
