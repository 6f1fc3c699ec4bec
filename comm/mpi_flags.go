//go:build mpi && !mpich

package comm

// The compiler and linker flags of the MPI implementation live in a file
// of their own per implementation, chosen by build tag, so that the binding
// (mpi.go) is the same for all of them. This one is Open MPI, the default
// of -tags mpi; pkg-config's ompi-c gives what `mpicc -showme` does.

// #cgo pkg-config: ompi-c
import "C"

// MPIImplementation names the MPI library this binary was built against.
const MPIImplementation = "Open MPI"
