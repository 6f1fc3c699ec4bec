//go:build !mpi

package comm

import "errors"

// MPIBuilt reports whether this binary contains the MPI backend.
const MPIBuilt = false

func newMPI() (Comm, error) {
	return nil, errors.New("comm: built without MPI")
}
