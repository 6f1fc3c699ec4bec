//go:build mpi

package comm

// The compiler and linker flags of the MPI implementation live in this file
// alone, so that another implementation can be added by build tag without
// touching the binding. pkg-config's ompi-c gives what `mpicc -showme` does.

// #cgo pkg-config: ompi-c
import "C"
