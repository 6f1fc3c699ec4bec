// Package exact diagonalises small spin-½ lattice Hamiltonians exactly, to
// validate variational energies: a matrix-free Lanczos solver on the full
// 2^N space, or on the zero-magnetisation sector when the Hamiltonian
// conserves S^z, and the closed form of the periodic transverse-field Ising
// chain. It reads any hamiltonian.Spin through the same compiled pieces
// the local energy uses, so an operator a user builds term by term is
// diagonalised exactly as it is sampled.
//
// It is a package of its own rather than part of hamiltonian because it is
// a solver with its own memory budget and imports gonum's dense
// eigensolver, while hamiltonian stays a pure description of the model.
package exact
