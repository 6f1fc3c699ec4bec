// Package hamiltonian describes vmcmpi's Hamiltonians; it never imports
// wavefunc, sampler or the driver.
//
// Particles in continuous space: the driver takes any Continuous (N, d,
// V(x), starting configurations, an exact energy when known). Particles
// composes one External potential (its value and a width to start walkers
// from) with Pair interactions v(r) (a hard core declared by Core), so a
// user's trap or interaction is a type with two methods passed to
// NewParticles. The built-in systems (harmonic or elliptical trap,
// Coulomb, hard spheres) are Harmonic, Elliptical, Coulomb and HardSphere,
// assembled from a Trap description by NewTrap with their exact energies.
// The kinetic energy enters the local energy through ∇ln Ψ and ∇²ln Ψ,
// which the driver takes from the wave function and passes on as numbers
// (LocalEnergy).
//
// Spins on a lattice: Spin is a real spin-½ operator written as a sum of
// one- and two-site matrices on any sites (AddSite, AddBond; FieldX,
// IsingBond, HeisenbergBond, XXZBond, … build the usual ones), compiled
// into diagonal and off-diagonal pieces, in the spirit of NetKet's local
// operators. The local energy asks the wave function only for amplitude
// ratios (Ratioer), and package exact diagonalises the same pieces, so a
// user's operator is checked against Lanczos for free. NewTFIM,
// NewHeisenberg and NewJ1J2 (next-nearest bonds from
// Lattice.NextNearest) build the command's models on a Lattice;
// LocalEnergyComplex serves trial states with phases (ComplexRatioer),
// and Lattice.Symmetries lists the space group for symmetric networks.
//
// Units are Hartree atomic units (ħ = m = e = 1). Coordinates are flat:
// particle i occupies x[i*D : (i+1)*D].
package hamiltonian
