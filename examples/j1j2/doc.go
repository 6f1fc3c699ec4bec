// Command j1j2 is vmcmpi used as a library on a spin Hamiltonian of the
// user's own: the frustrated J1–J2 Heisenberg ring
//
//	H = Σ_i S_i·S_{i+1} + J2 Σ_i S_i·S_{i+2},  L = 12, J2 = 0.5,
//
// written term by term with hamiltonian.NewSpin, AddBond and HeisenbergBond,
// in the basis of Marshall's sign rule (RotateMarshall). A restricted
// Boltzmann machine (wavefunc.NewSpinRBM, six hidden units) is trained by
// stochastic reconfiguration with exchange moves, which keep the total S^z
// at zero, and its energy is compared with exact Lanczos diagonalisation
// (exact.GroundState) of the very same operator. At J2 = 1/2, the
// Majumdar–Ghosh point, the ground states are the two products of singlets
// on alternate bonds, with E0 = −3L/8 = −4.5; each is positive in the
// rotated basis, and an RBM approaches it with one hidden unit per singlet
// whose weights ±W on the pair favour antiparallel spins.
//
//	$ go run ./examples/j1j2
//	VMC     E/N = -0.374959 ± 0.000025
//	Lanczos E/N = -0.375000  (E = -4.50000000, Sz=0 sector of dimension 924)
//	relative error 1.1e-04
//
// The test runs the same program and requires a relative error below 1e-3.
package main
