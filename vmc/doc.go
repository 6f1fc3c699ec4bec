// Package vmc is the variational Monte Carlo driver. It is generic over a
// Walker (one Markov chain that can measure the local energy and the
// logarithmic parameter derivatives O_k) and a System (the parameters and a
// walker factory), so continuous-space particles and spin lattices share it.
//
// One optimisation iteration on every rank:
//
//  1. the rank's walkers run on goroutines (at most Workers at a time); each
//     draws Samples samples (Walker.Sweep then Walker.Measure) and keeps its
//     own sums: E_L moments (Welford), a streaming blocking accumulator,
//     Σ O_k, Σ (E_L−K) O_k and, for stochastic reconfiguration, Σ O_k O_l
//     (dense path) or its diagonal and the samples' O vectors themselves
//     (matrix-free path, Options.SRSolver);
//  2. the walkers' sums are merged in walker order into one reduce.Buffer
//     (the energy moments about the shift K = previous iteration's mean,
//     identical on all ranks) together with the acceptance counts, a
//     NaN flag per rank, the stop flag and a hash of the parameters, and
//     summed with ONE all-reduce (a single MPI collective: the buffers'
//     layouts are verified once, in New; see package reduce);
//  3. every rank computes the same energy, error bar, variance and gradient
//     G_k = 2(⟨E_L O_k⟩ − ⟨E_L⟩⟨O_k⟩) and takes the same update step
//     (SR first solves (S + ε)δ = G/2), so parameters stay identical without
//     communication; should the hashes differ (drift), all ranks take rank
//     0's parameters by a broadcast. The matrix-free SR path instead runs
//     conjugate gradient on every rank, each product S·v = ⟨Õ (Õ·v)⟩
//     (Õ = O − ⟨O⟩) formed from the kept O vectors and summed with one
//     all-reduce of P doubles; above a thousand parameters this is cheaper
//     than the dense P²/2 products per sample and the all-reduce of P²
//     doubles.
//
// Complex trial states (ComplexSystem, ComplexWalker; complex.go) use the
// same sums: the gradient 2 Re⟨O_k*(E_L − ⟨E_L⟩)⟩ and the SR matrix
// Re(⟨O_k* O_l⟩ − ⟨O_k⟩*⟨O_l⟩) are sums of real covariances of Re O and
// Im O, so only Σ Im O_k and Σ Im E_L join the buffer. For small lattices,
// Enumeration replaces sampling by exact sums over a magnetisation sector
// (up to a symmetry group), for deterministic tests.
//
// After the iterations, a production run with frozen parameters measures
// the energy and the Options.Observables (extra per-sample quantities such
// as the RadialDensity, with blocking error bars where they ask for them);
// each walker's chain gets a blocking error bar, and the chains of all
// walkers and ranks are combined through production's own reduce buffer
// (Σ n, Σ n·mean, Σ n²·var(mean)) in one all-reduce at the end. Production
// runs in chunks of Chunk samples per walker, gathered into rounds of
// about 0.1 s; one small all-reduce after each round agrees on the stop
// flag, non-finite energies and the next round's length, and the last one
// also gives the production mean, by which the final moments are shifted.
//
// Burn-in: BurnIn Sweep calls per walker before the first iteration and
// again before production (the last updates may have moved the
// distribution).
//
// Stopping: cancelling the context or a true Options.Stop on any rank sets
// a flag that travels in the iteration's reduce buffer, so all ranks stop
// at the same iteration boundary and return ErrStopped; Snapshot then
// captures everything a checkpoint needs and Restore continues bit for
// bit. The sampling loops (burn-in, iterations, production rounds) see a
// cancelled context within a few sweeps: the ranks then discard the
// unfinished iteration or round and rewind their walkers to its start, so
// a stop never waits for a long iteration to end.
package vmc
