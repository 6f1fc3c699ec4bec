// Package generative trains restricted Boltzmann machines as generative
// models of classical spin configurations (Torlai and Melko, PRB 94, 165134
// (2016)) and evaluates them: binary visible units for Ising spins, or a
// one-hot (Potts) visible layer of q units per site (RBM.Q, NewPottsRBM).
//
// The model over visible v ∈ {0,1}^{n_v} and hidden h ∈ {0,1}^{n_h} is
//
//	p(v, h) = e^{a·v + b·h + vᵀWh} / Z,  p(v) = e^{−F(v)} / Z,
//	F(v) = −a·v − Σ_j ln(1 + e^{b_j + Σ_i v_i W_ij}).
//
// Training maximises the mean log-likelihood of the data by minibatch
// SGD or Adam with weight decay on W. Its gradient is a positive phase over
// the data minus a negative phase over the model,
//
//	∂⟨ln p⟩/∂W_ij = ⟨v_i p(h_j=1|v)⟩_data − ⟨v_i p(h_j=1|v)⟩_model,
//
// with the model average taken over Gibbs chains run k steps from each data
// point (CD-k) or kept between updates (persistent CD). Each rank holds a
// shard of the data and the chains it owns; both phases' sums travel in one
// reduce.Buffer through one all-reduce per minibatch, after which every rank
// takes the same optimiser step. Minibatches, CD start points, chains and
// their random streams are indexed globally, not per rank, so the rank count
// only changes the order of floating-point sums: a fixed rank count gives
// bit-identical weights, different ones statistically equivalent results.
//
// For thermodynamics the training must be run to convergence: the centred
// gradient (TrainOptions.Centered), a geometrically annealed SGD rate and
// the mean of the parameters over the last epochs (AverageFrom) get there in
// tens of thousands of updates; weight decay biases the couplings low.
// Near T_c one Gibbs step per update leaves the persistent chains behind
// the moving machine, and the fit comes out too ordered; a few steps while
// averaging (KAverage) remove that.
// Block Gibbs cannot carry a chain from one magnetisation sector of an
// ordered machine to the other, so the PCD chains and the evaluation chains
// add a global spin flip v → 1 − v accepted by its free-energy change
// (Flip); without it the sectors keep the weights of the chains' starts.
//
// Evaluation: Evaluate samples the trained model by block Gibbs chains and
// measures Ising observables with error bars (package classical); LogZ
// computes the partition function exactly for small layers and AIS estimates
// it by annealed importance sampling; LogLikelihood turns either into the
// mean log-likelihood of data.
//
// A one-hot layer keeps all of the above with the sigmoid of a visible unit
// replaced by the softmax over its site's q units: block Gibbs draws one
// state per site, the free energy and gradient keep their form, LogZ sums
// over the q^sites visible or 2^{n_h} hidden states, AIS starts from the
// independent softmax sites, and the global move relabels every site
// σ → σ + d mod q (accepted by the free-energy change) instead of flipping.
//
// IsingRBM builds an RBM with one hidden unit per site whose marginal is the
// periodic Ising model up to e^{−gate}: the exact machine exists at n_h = N,
// far from the small weights where training starts (its hidden units copy
// their spins, so block Gibbs does not mix on it).
//
// Study runs the whole pipeline over a list of temperatures from a TOML
// configuration (LoadConfig), with checkpoints after every epoch.
package generative
