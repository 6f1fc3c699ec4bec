//go:build mpi

package comm

/*
#include <stddef.h>
#include <signal.h>
#include <mpi.h>

// MPI handles are opaque: addresses of link-time globals behind macros in
// Open MPI, integer constants in the MPICH family. Go never names their
// types; these getters hand them to the wrappers below, so the same code
// compiles against both (mpi_flags*.go pick the library). Go never
// holds MPI_IN_PLACE, whose value (void*)1 is not a valid Go pointer.
static MPI_Comm vmc_world(void) { return MPI_COMM_WORLD; }
static MPI_Datatype vmc_double(void) { return MPI_DOUBLE; }
static void *vmc_in_place(void) { return MPI_IN_PLACE; }
static MPI_Op vmc_op(int op) {
	switch (op) {
	case 1: return MPI_MAX;
	case 2: return MPI_MIN;
	}
	return MPI_SUM;
}

// Signals. The Go runtime installed its handlers before main; MPI_Init may
// replace some. MPICH installs a SIGUSR1 handler without SA_ONSTACK that
// calls the previous (Go's) handler as a one-argument function: a SIGUSR1
// (SLURM's warning, our stop signal) landing on a thread that runs Go code
// then kills the process ("non-Go code set up signal handler without
// SA_ONSTACK flag"), and Go would read garbage siginfo even on the right
// stack. Open MPI replaces SIGSEGV, turning a Go nil-pointer panic into a
// C backtrace. So after MPI_Init the stop signals and the fault signals go
// back to Go (our stop signals are ours by contract; faults in Go code are
// the runtime's to report); any other foreign handler gets the SA_ONSTACK
// flag that Go requires of non-Go handlers.
static struct sigaction vmc_go_action[NSIG];
static int vmc_go_owns(int s) {
	switch (s) {
	case SIGINT: case SIGTERM: case SIGUSR1: case SIGUSR2: case SIGHUP:
	case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL:
		return 1;
	}
	return 0;
}
static void vmc_save_signals(void) {
	for (int s = 1; s < NSIG; s++) {
		if (sigaction(s, NULL, &vmc_go_action[s]) != 0) vmc_go_action[s].sa_handler = SIG_ERR;
	}
}
static void vmc_restore_signals(void) {
	for (int s = 1; s < NSIG; s++) {
		struct sigaction now;
		if (vmc_go_action[s].sa_handler == SIG_ERR || sigaction(s, NULL, &now) != 0) continue;
		if (now.sa_handler == vmc_go_action[s].sa_handler) continue;
		if (vmc_go_owns(s)) {
			sigaction(s, &vmc_go_action[s], NULL);
		} else if (now.sa_handler != SIG_DFL && now.sa_handler != SIG_IGN && !(now.sa_flags & SA_ONSTACK)) {
			now.sa_flags |= SA_ONSTACK;
			sigaction(s, &now, NULL);
		}
	}
}
// vmc_signal_state reports, for the tests, whether signal s has the handler
// Go installed and whether its handler (if any) runs on the signal stack.
static int vmc_signal_state(int s, int *go_handler, int *onstack) {
	struct sigaction now;
	if (s <= 0 || s >= NSIG || sigaction(s, NULL, &now) != 0) return -1;
	*go_handler = vmc_go_action[s].sa_handler != SIG_ERR && now.sa_handler == vmc_go_action[s].sa_handler;
	*onstack = now.sa_handler == SIG_DFL || now.sa_handler == SIG_IGN || (now.sa_flags & SA_ONSTACK) != 0;
	return 0;
}

static int vmc_init(int *provided) {
	int done = 0;
	int rc = MPI_Initialized(&done);
	if (rc != MPI_SUCCESS) return rc;
	if (done) return MPI_Query_thread(provided);
	vmc_save_signals();
	rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
	vmc_restore_signals();
	return rc;
}
static int vmc_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static int vmc_errors_return(void) {
	return MPI_Comm_set_errhandler(vmc_world(), MPI_ERRORS_RETURN);
}
static int vmc_rank_size(int *rank, int *size) {
	int rc = MPI_Comm_rank(vmc_world(), rank);
	if (rc != MPI_SUCCESS) return rc;
	return MPI_Comm_size(vmc_world(), size);
}
static int vmc_allreduce(double *buf, int n, int op) {
	return MPI_Allreduce(vmc_in_place(), buf, n, vmc_double(), vmc_op(op), vmc_world());
}
static int vmc_allgather(double *send, int n, double *recv) {
	return MPI_Allgather(send, n, vmc_double(), recv, n, vmc_double(), vmc_world());
}
static int vmc_bcast(double *buf, int n, int root) {
	return MPI_Bcast(buf, n, vmc_double(), root, vmc_world());
}
// vmc_gather gathers n doubles per rank into recv on root, rank r's block
// starting at recv + r*stride. stride > n happens for one chunk of a gather
// whose full length exceeds an int: the receive type is then n contiguous
// doubles resized to an extent of stride doubles.
static int vmc_gather(double *send, int n, double *recv, long long stride, int root) {
	if (stride == n) {
		return MPI_Gather(send, n, vmc_double(), recv, n, vmc_double(), root, vmc_world());
	}
	MPI_Datatype block, strided;
	int rc = MPI_Type_contiguous(n, vmc_double(), &block);
	if (rc != MPI_SUCCESS) return rc;
	rc = MPI_Type_create_resized(block, 0, (MPI_Aint)(stride * (long long)sizeof(double)), &strided);
	if (rc != MPI_SUCCESS) { MPI_Type_free(&block); return rc; }
	rc = MPI_Type_commit(&strided);
	if (rc == MPI_SUCCESS) {
		rc = MPI_Gather(send, n, vmc_double(), recv, 1, strided, root, vmc_world());
	}
	MPI_Type_free(&strided);
	MPI_Type_free(&block);
	return rc;
}
static int vmc_barrier(void) { return MPI_Barrier(vmc_world()); }
static int vmc_abort(int code) { return MPI_Abort(vmc_world(), code); }
static int vmc_finalize(void) {
	int done = 0;
	int rc = MPI_Finalized(&done);
	if (rc != MPI_SUCCESS || done) return rc;
	return MPI_Finalize();
}
static int vmc_error_string(int code, char *buf, int *len) {
	return MPI_Error_string(code, buf, len);
}
*/
import "C"

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// MPIBuilt reports whether this binary contains the MPI backend.
const MPIBuilt = true

// maxCount is the largest element count passed to one MPI call (MPI counts
// are C ints); longer buffers go in chunks. Tests lower it to exercise the
// chunking with small buffers.
var maxCount = math.MaxInt32

// Collective identifiers for the agreement step; any distinct values do.
const (
	callAllReduce = 1 + iota
	callBcast
	callGather
	callBarrier
)

var callNames = [...]string{callAllReduce: "AllReduce", callBcast: "Bcast", callGather: "Gather", callBarrier: "Barrier"}

// mpiComm is MPI_COMM_WORLD. MPI is initialised with
// MPI_THREAD_SERIALIZED: any goroutine, hence any OS thread, may call, one at
// a time, which mu guarantees.
type mpiComm struct {
	mu         sync.Mutex
	rank, size int
	finalized  bool
	// check holds the agreement vector, kept here so that a collective
	// allocates nothing.
	check [7]float64
	// calls counts the MPI collectives made, agreement steps included
	// (read by the tests, which check what each Comm call costs).
	calls int
}

var _ UncheckedAllReducer = (*mpiComm)(nil)

var (
	worldOnce sync.Once
	world     *mpiComm
	worldErr  error
	// initThread runs MPI_Init_thread and MPI_Finalize on one locked OS
	// thread: the standard asks that the thread which initialised MPI also
	// finalises it, and goroutines otherwise move between threads.
	initThread chan func()
)

func newMPI() (Comm, error) {
	worldOnce.Do(func() { world, worldErr = initMPI() })
	if worldErr != nil {
		return nil, worldErr
	}
	return world, nil
}

// onInitThread runs f on the OS thread that initialised MPI.
func onInitThread(f func()) {
	done := make(chan struct{})
	initThread <- func() { f(); close(done) }
	<-done
}

func initMPI() (*mpiComm, error) {
	initThread = make(chan func())
	go func() {
		runtime.LockOSThread() // never unlocked: this thread stays MPI's main thread
		for f := range initThread {
			f()
		}
	}()
	c := &mpiComm{rank: -1}
	var rc C.int
	var provided C.int
	onInitThread(func() { rc = C.vmc_init(&provided) })
	if rc != C.MPI_SUCCESS {
		return nil, c.err("Init", "MPI_Init_thread", rc)
	}
	if provided < C.vmc_thread_serialized() {
		return nil, &Error{Rank: -1, Call: "Init", Err: fmt.Errorf("MPI provides thread level %d, below MPI_THREAD_SERIALIZED", int(provided))}
	}
	if rc := C.vmc_errors_return(); rc != C.MPI_SUCCESS {
		return nil, c.err("Init", "MPI_Comm_set_errhandler", rc)
	}
	var rank, size C.int
	if rc := C.vmc_rank_size(&rank, &size); rc != C.MPI_SUCCESS {
		return nil, c.err("Init", "MPI_Comm_rank/size", rc)
	}
	c.rank, c.size = int(rank), int(size)
	return c, nil
}

// err turns an MPI return code into a *Error naming the rank, the Comm call
// and the MPI function, with MPI's own description.
func (c *mpiComm) err(call, fn string, rc C.int) error {
	if rc == C.MPI_SUCCESS {
		return nil
	}
	var buf [C.MPI_MAX_ERROR_STRING]C.char
	var n C.int
	msg := "unknown error"
	if C.vmc_error_string(rc, &buf[0], &n) == C.MPI_SUCCESS && n > 0 {
		msg = C.GoStringN(&buf[0], n)
	}
	return &Error{Rank: c.rank, Call: call, Err: fmt.Errorf("%s: %s (MPI error %d)", fn, msg, int(rc))}
}

// signalState reports whether signal sig has the handler the Go runtime
// installed and whether its handler, if any, runs on the signal stack (see
// vmc_restore_signals).
func signalState(sig int) (goHandler, onStack bool, err error) {
	var g, o C.int
	if C.vmc_signal_state(C.int(sig), &g, &o) != 0 {
		return false, false, fmt.Errorf("sigaction(%d) failed", sig)
	}
	return g != 0, o != 0, nil
}

func (c *mpiComm) Rank() int { return c.rank }
func (c *mpiComm) Size() int { return c.size }

func ptr(s []float64) *C.double { return (*C.double)(unsafe.Pointer(unsafe.SliceData(s))) }

// agree makes the ranks compare, before a collective, which call they are
// in, their buffer length and their root or operation, with one MAX
// all-reduce of [id, n, arg, −id, −n, −arg, bad]. A mismatch would otherwise
// be undefined behaviour (a wrong sum, a read past a buffer or a hang); here
// every rank learns of it and returns an error. bad marks arguments that are
// wrong on this rank only (a root's receive buffer), so that all ranks back
// out together. The cost is one small all-reduce per collective.
func (c *mpiComm) agree(id, n, arg int, bad bool) error {
	call := callNames[id]
	if c.finalized {
		return &Error{Rank: c.rank, Call: call, Err: fmt.Errorf("called after Finalize")}
	}
	v := &c.check
	fid, fn, farg := float64(id), float64(n), float64(arg)
	*v = [7]float64{fid, fn, farg, -fid, -fn, -farg, 0}
	if bad {
		v[6] = float64(c.rank + 1)
	}
	c.calls++
	if rc := C.vmc_allreduce(ptr(v[:]), 7, C.int(Max)); rc != C.MPI_SUCCESS {
		return c.err(call, "MPI_Allreduce (argument check)", rc)
	}
	if v[0] == fid && -v[3] == fid && v[1] == fn && -v[4] == fn && v[2] == farg && -v[5] == farg {
		if v[6] != 0 && !bad {
			return &Error{Rank: c.rank, Call: call, Err: fmt.Errorf("invalid arguments on rank %d", int(v[6])-1)}
		}
		return nil
	}
	// The ranks disagree; all of them know it and gather everybody's triple
	// to name the first rank that differs from this one.
	mine := []float64{fid, fn, farg}
	all := make([]float64, 3*c.size)
	c.calls++
	if rc := C.vmc_allgather(ptr(mine), 3, ptr(all)); rc != C.MPI_SUCCESS {
		return c.err(call, "MPI_Allgather (argument check)", rc)
	}
	for r := 0; r < c.size; r++ {
		o := all[3*r : 3*r+3]
		if o[0] == fid && o[1] == fn && o[2] == farg {
			continue
		}
		return &Error{Rank: c.rank, Call: call, Err: fmt.Errorf("%s here, %s on rank %d", describe(id, n, arg), describe(int(o[0]), int(o[1]), int(o[2])), r)}
	}
	return &Error{Rank: c.rank, Call: call, Err: fmt.Errorf("ranks disagree on the call")}
}

func describe(id, n, arg int) string {
	name := fmt.Sprintf("call %d", id)
	if id > 0 && id < len(callNames) {
		name = callNames[id]
	}
	switch id {
	case callAllReduce:
		return fmt.Sprintf("%s(%v) of %d values", name, Op(arg), n)
	case callBcast, callGather:
		return fmt.Sprintf("%s of %d values from root %d", name, n, arg)
	}
	return name
}

// AllReduce combines buf across ranks in place (MPI_IN_PLACE).
func (c *mpiComm) AllReduce(buf []float64, op Op) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.agree(callAllReduce, len(buf), int(op), false); err != nil {
		return err
	}
	if err := checkOp(c, op); err != nil {
		return err
	}
	return c.allReduce(buf, op)
}

// AllReduceUnchecked is AllReduce without the agreement step: one
// MPI_Allreduce. The caller guarantees equal lengths on all ranks (see
// UncheckedAllReducer).
func (c *mpiComm) AllReduceUnchecked(buf []float64, op Op) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finalized {
		return &Error{Rank: c.rank, Call: "AllReduce", Err: fmt.Errorf("called after Finalize")}
	}
	if err := checkOp(c, op); err != nil {
		return err
	}
	return c.allReduce(buf, op)
}

// allReduce is AllReduce without the checks, in chunks of at most maxCount
// values.
func (c *mpiComm) allReduce(buf []float64, op Op) error {
	for off := 0; off < len(buf); off += maxCount {
		k := min(maxCount, len(buf)-off)
		c.calls++
		if rc := C.vmc_allreduce(ptr(buf[off:]), C.int(k), C.int(op)); rc != C.MPI_SUCCESS {
			return c.err("AllReduce", "MPI_Allreduce", rc)
		}
	}
	return nil
}

func (c *mpiComm) Bcast(buf []float64, root int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.agree(callBcast, len(buf), root, false); err != nil {
		return err
	}
	if err := checkRoot(c, "Bcast", root); err != nil {
		return err
	}
	return c.bcast(buf, root)
}

// bcast is Bcast without the checks, in chunks of at most maxCount values.
func (c *mpiComm) bcast(buf []float64, root int) error {
	for off := 0; off < len(buf); off += maxCount {
		k := min(maxCount, len(buf)-off)
		c.calls++
		if rc := C.vmc_bcast(ptr(buf[off:]), C.int(k), C.int(root)); rc != C.MPI_SUCCESS {
			return c.err("Bcast", "MPI_Bcast", rc)
		}
	}
	return nil
}

func (c *mpiComm) Gather(send, recv []float64, root int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(send)
	badRecv := c.rank == root && len(recv) != c.size*n
	if err := c.agree(callGather, n, root, badRecv); err != nil {
		return err
	}
	if err := checkRoot(c, "Gather", root); err != nil {
		return err
	}
	if badRecv {
		return &Error{Rank: c.rank, Call: "Gather", Err: fmt.Errorf("recv has %d elements, want %d", len(recv), c.size*n)}
	}
	for off := 0; off < n; off += maxCount {
		k := min(maxCount, n-off)
		var rp *C.double // only the root receives
		if c.rank == root {
			rp = ptr(recv[off:])
		}
		c.calls++
		if rc := C.vmc_gather(ptr(send[off:]), C.int(k), rp, C.longlong(n), C.int(root)); rc != C.MPI_SUCCESS {
			return c.err("Gather", "MPI_Gather", rc)
		}
	}
	return nil
}

func (c *mpiComm) Barrier() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.agree(callBarrier, 0, 0, false); err != nil {
		return err
	}
	c.calls++
	return c.err("Barrier", "MPI_Barrier", C.vmc_barrier())
}

// Abort ends every rank of the job through MPI_Abort and does not return.
// It waits only briefly for a collective in flight on another goroutine: a
// rank that aborts is usually one whose peers will never complete it.
func (c *mpiComm) Abort(code int) {
	for i := 0; i < 100 && !c.mu.TryLock(); i++ {
		time.Sleep(time.Millisecond)
	}
	if !c.finalized {
		C.vmc_abort(C.int(code))
	}
	os.Exit(code) // MPI_Abort failed, or MPI is gone: at least end this rank
}

// Finalize shuts MPI down; later calls return nil, later collectives an
// error.
func (c *mpiComm) Finalize() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finalized {
		return nil
	}
	c.finalized = true
	var rc C.int
	onInitThread(func() { rc = C.vmc_finalize() })
	return c.err("Finalize", "MPI_Finalize", rc)
}
