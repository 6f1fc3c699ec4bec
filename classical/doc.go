// Package classical generates equilibrium configurations of classical lattice
// spin models on the periodic L×L square lattice: the Ising model
//
//	H = −Σ_⟨ij⟩ s_i s_j,  s_i = ±1,
//
// and the q-state Potts model H = −Σ_⟨ij⟩ δ(σ_i, σ_j), σ_i ∈ {0 … q−1}, each
// bond counted once, J = k_B = 1. Both are stored as Potts values σ (for Ising
// s = 2σ − 1), so one code path serves both: the Ising model is the q = 2
// Potts model with coupling 2 per equal-neighbour bond (up to a constant).
//
// Chain updates the configuration by single-site Metropolis sweeps or by
// Wolff cluster flips (bond probability 1 − e^{−βJ}); Run measures the energy
// per site e = E/N and the order parameter m = |M|/N over a chain and turns
// them into ⟨e⟩, ⟨|m|⟩, C_v = N Var(e)/T² and χ = N Var(|m|)/T with blocking
// error bars (package stats). For the Potts model M = Σ_i exp(2πiσ_i/q).
//
// References to test against: Exact enumerates all q^N states of a small
// lattice; OnsagerEnergy and OnsagerMagnetization are the infinite-lattice
// Ising results. Configurations are written and read one per line as digits
// (WriteSamples, ReadSamples), the training data of package generative.
package classical
