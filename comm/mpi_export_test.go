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

// RawAllReduce is AllReduce without the agreement step, to measure its cost.
func RawAllReduce(c Comm, buf []float64, op Op) error {
	m := c.(*mpiComm)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.allReduce(buf, op)
}
