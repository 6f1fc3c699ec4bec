//go:build mpi && mpich

package comm

// The MPICH family (MPICH, Intel MPI, Cray MPICH, MVAPICH share its ABI):
// build with -tags mpi,mpich. pkg-config's mpich gives what `mpicc.mpich
// -show` does. MPICH's handles are ints where Open MPI's are pointers;
// mpi.go never names a handle type in Go, only through C getters, so the
// binding compiles unchanged against either.

// #cgo pkg-config: mpich
import "C"

// MPIImplementation names the MPI library this binary was built against.
const MPIImplementation = "MPICH"
