// Package comm is the message-passing layer of vmcmpi: a small Comm
// interface with three backends.
//
//   - Serial: one rank, no cgo; the default build and single-rank test mode.
//   - Local: n in-process ranks on goroutines, for deterministic tests of
//     multi-rank logic without MPI.
//   - MPI: a thin cgo binding, compiled only with the build tag "mpi" and
//     used when the process was started by mpirun, mpiexec or srun. It
//     links Open MPI by default and the MPICH family (MPICH, Intel MPI,
//     Cray MPICH, MVAPICH) with the tags "mpi,mpich".
//
// World picks the backend for the running process. All collectives are
// blocking and operate in place on []float64, which is all the reduce layer
// and the drivers need.
package comm
