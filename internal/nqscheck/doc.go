// Package nqscheck holds the physics validations and benchmarks of the
// neural-network trial functions (RBM, feed-forward network, Padé–Jastrow)
// run end to end: wave function, sampler, Hamiltonian and the VMC driver
// together, compared with exact energies. It has no exported API; its
// tests are the content.
package nqscheck
