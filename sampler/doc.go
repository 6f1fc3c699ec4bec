// Package sampler draws configurations of N particles in d dimensions from
// |Ψ|² by Markov-chain Monte Carlo, through the cached single-particle moves
// of a wavefunc.State. It knows the trial wave function only through that
// interface: no Hamiltonian, no ranks, no files.
//
// Two proposals are provided:
//
//   - Metropolis (brute force): particle i is displaced by a vector drawn
//     uniformly from the cube [−L/2, L/2]^d, L the step length, and the move
//     is accepted with probability min(1, |Ψ(y)|²/|Ψ(x)|²).
//   - Importance sampling (Langevin): with drift F = 2∇_i ln|Ψ| and D = ½,
//     y = x + DΔt F(x) + ξ√(2DΔt), ξ standard normal, accepted with
//     min(1, G(y→x)|Ψ(y)|² / (G(x→y)|Ψ(x)|²)), where
//     G(x→y) = exp(−|y − x − DΔt F(x)|²/(4DΔt)). Only the moved particle's
//     coordinates enter G, since the others are unchanged. Near a node of
//     Ψ the drift diverges like 1/distance; with Settings.DriftLimit = a > 0
//     it is replaced, in both G(x→y) and G(y→x), by Umrigar, Nightingale and
//     Runge's v̄ = v·(−1 + √(1 + 2a|v|²Δt))/(a|v|²Δt), v = ∇_i ln|Ψ|, which
//     is v away from nodes and at most √(2/(aΔt)) long next to one. Without
//     it a walker that starts next to a node overshoots on every proposal,
//     is always rejected and never leaves (about one walker in forty does,
//     from independent Gaussian starts, for the 6- and 12-electron dots).
//
// Two more chains share the seeding and marshalling conventions:
// GibbsWalker alternates the conditional draws of an RBM's hidden and
// visible units (every sweep moves all particles, always accepted), and
// SpinWalker flips one spin or exchanges two antiparallel ones per move on
// a lattice.
//
// A sweep is one proposed move per particle, in particle order 0…N−1; a
// systematic scan keeps |Ψ|² stationary because each single-particle move
// does. A sample is taken every Thin sweeps; burn-in is left to the caller
// (the vmc driver runs and discards its own).
//
// Each Walker owns a math/rand/v2 PCG stream. Seed derives its two 64-bit
// seed words by hashing (seed, rank, walker) with the SplitMix64 finaliser,
// so streams of different walkers and ranks are unrelated, and the same
// (seed, rank count, walker count) reproduces every chain bit for bit. A
// Walker marshals its configuration, its PCG state and its move counters,
// which is all a checkpoint needs to continue the chain exactly.
//
// A move allocates nothing.
package sampler
