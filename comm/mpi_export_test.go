//go:build mpi

package comm

// SetMaxCount lowers the chunk size of MPI calls so that small buffers take
// the path of counts above MaxInt32; the returned function restores it.
func SetMaxCount(n int) (restore func()) {
	old := maxCount
	maxCount = n
	return func() { maxCount = old }
}

// RawBcast calls MPI_Bcast without the backend's own argument checks, so
// that MPI itself reports the error.
func RawBcast(c Comm, buf []float64, root int) error {
	m := c.(*mpiComm)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bcast(buf, root)
}

// MPICalls is the number of MPI collectives c made so far, agreement steps
// included.
func MPICalls(c Comm) int {
	m := c.(*mpiComm)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls
}

// SignalState reports whether signal sig has the Go runtime's handler and
// whether its handler, if any, runs on the signal stack.
var SignalState = signalState
