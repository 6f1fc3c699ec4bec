// Package hamiltonian holds the potential and interaction terms of vmcmpi's
// Hamiltonians. For particles in continuous space, Continuous describes a
// harmonic (isotropic or elliptical) trap with optional Coulomb or
// hard-sphere interactions; the kinetic energy enters the local energy
// through ∇ln Ψ and ∇²ln Ψ, which the driver takes from the wave function
// and passes on as numbers, so this package never imports wavefunc.
//
// Units are Hartree atomic units (ħ = m = e = 1). Coordinates are flat:
// particle i occupies x[i*D : (i+1)*D].
package hamiltonian
