package comm

import (
	"fmt"
	"os"
)

// Op is a reduction operation for AllReduce.
type Op int

// Reduction operations.
const (
	Sum Op = iota
	Max
	Min
)

func (o Op) String() string {
	switch o {
	case Sum:
		return "sum"
	case Max:
		return "max"
	case Min:
		return "min"
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Comm is a communicator over a fixed group of ranks.
//
// Every collective must be called by all ranks in the same order with
// buffers of the same length; the backends check lengths where they can and
// report a mismatch as an error naming the rank and the call.
type Comm interface {
	// Rank is this process's index in [0, Size).
	Rank() int
	// Size is the number of ranks.
	Size() int
	// AllReduce combines buf element-wise across ranks with op, in place.
	AllReduce(buf []float64, op Op) error
	// Bcast copies root's buf into every rank's buf.
	Bcast(buf []float64, root int) error
	// Gather concatenates every rank's send (all of equal length) into recv
	// on root, in rank order; recv must have Size()*len(send) elements on
	// root and is ignored elsewhere.
	Gather(send, recv []float64, root int) error
	// Barrier blocks until all ranks have reached it.
	Barrier() error
	// Abort terminates all ranks with the exit code. It does not return
	// for the MPI and serial backends.
	Abort(code int)
	// Finalize releases the communicator; no call may follow it.
	Finalize() error
}

// UncheckedAllReducer is implemented by backends whose AllReduce first
// makes the ranks agree on the call, its length and operation (the MPI
// backend spends a second collective on it). AllReduceUnchecked skips that
// step: the caller must know that every rank makes the same call with a
// buffer of the same length, as package reduce does after verifying a
// buffer's layout, and must detect a mismatch of the contents itself.
// Calling it with differing lengths is undefined behaviour under MPI.
type UncheckedAllReducer interface {
	AllReduceUnchecked(buf []float64, op Op) error
}

// Error is a failed collective, naming the rank and the call.
type Error struct {
	Rank int
	Call string
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("comm: rank %d: %s: %v", e.Rank, e.Call, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Backend names a communicator implementation for New.
const (
	BackendAuto   = "auto"
	BackendSerial = "serial"
	BackendMPI    = "mpi"
)

// New returns the communicator named by backend: "serial", "mpi" (only in
// binaries built with -tags mpi) or "auto"/"" (as World).
func New(backend string) (Comm, error) {
	switch backend {
	case "", BackendAuto:
		return World()
	case BackendSerial:
		return NewSerial(), nil
	case BackendMPI:
		if !MPIBuilt {
			return nil, fmt.Errorf("comm: backend %q requested, but this binary was built without MPI (rebuild with: make build-mpi)", backend)
		}
		return newMPI()
	}
	return nil, fmt.Errorf("comm: unknown backend %q (want %q, %q or %q)", backend, BackendAuto, BackendSerial, BackendMPI)
}

// World returns the MPI communicator when the binary was built with MPI and
// the process was launched by an MPI starter (mpirun, mpiexec, srun);
// otherwise a single serial rank.
func World() (Comm, error) {
	if MPIBuilt && LaunchedByMPI() {
		return newMPI()
	}
	return NewSerial(), nil
}

// LaunchedByMPI reports whether the environment shows an MPI or SLURM step
// launcher (Open MPI, PMIx, MPICH/Hydra or srun).
func LaunchedByMPI() bool {
	for _, v := range []string{"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS", "SLURM_STEP_ID"} {
		if _, ok := os.LookupEnv(v); ok {
			return true
		}
	}
	return false
}

func checkRoot(c Comm, call string, root int) error {
	if root < 0 || root >= c.Size() {
		return &Error{Rank: c.Rank(), Call: call, Err: fmt.Errorf("root %d outside [0, %d)", root, c.Size())}
	}
	return nil
}

func checkOp(c Comm, op Op) error {
	if op != Sum && op != Max && op != Min {
		return &Error{Rank: c.Rank(), Call: "AllReduce", Err: fmt.Errorf("unknown reduction %v", op)}
	}
	return nil
}
