//go:build !mpi

package comm

import "errors"

// MPIBuilt reports whether this binary contains the MPI backend.
const MPIBuilt = false

// MPIImplementation names the MPI library this binary was built against,
// "" without MPI.
const MPIImplementation = ""

func newMPI() (Comm, error) {
	return nil, errors.New("comm: built without MPI")
}
