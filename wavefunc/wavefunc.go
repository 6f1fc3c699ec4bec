// Package wavefunc holds the trial wave functions of vmcmpi: pure,
// parametrised functions ln|Ψ(x; θ)| of a configuration, with their
// derivatives with respect to coordinates and parameters, and a per-walker
// cached State that makes a single-particle move cheap.
//
// Coordinates are flat: particle i occupies x[i*d : (i+1)*d]. For electrons
// the first ⌈N/2⌉ particles are spin-up and the rest spin-down.
//
// The package knows nothing of ranks, sampling or files, and it does not
// import the Hamiltonian: the driver passes ∇ln Ψ and ∇²ln Ψ on as numbers.
//
// A new Model is written against State's contract and checked with
// package wavefunc/wavecheck: its derivatives against finite differences,
// its cached moves against fresh States, and its walker step for
// allocations.
package wavefunc

// Model is a trial wave function for N particles in d dimensions with a
// flat vector of variational parameters. A Model's parameters are shared by
// all walkers' States, which only read them; SetParams must not run while
// States are in use, and States must be Refreshed after it.
type Model interface {
	// Particles is N.
	Particles() int
	// Dims is d.
	Dims() int
	// NumParams is the number of variational parameters.
	NumParams() int
	// Params copies the parameters into dst (allocated when nil) and
	// returns it.
	Params(dst []float64) []float64
	// SetParams replaces the parameters; it panics on a length mismatch.
	SetParams(p []float64)
	// NewState returns a walker state at configuration x (N·d values,
	// copied).
	NewState(x []float64) State
}

// State is one walker's configuration together with the cached quantities
// of Ψ at it. A single-particle move is Propose followed by Accept or
// Reject; Propose costs O(d) for a product of one-body factors and O(d·H)
// for an RBM, never a full recomputation. A State is used by one goroutine,
// while other walkers' States run on other cores: this package's NewState
// methods place the State and every slice it writes in cache lines of its
// own (internal/cacheline), since a line shared with another walker's
// memory makes two cores invalidate each other's copy at every move.
type State interface {
	// Positions is the current configuration (read-only view, N·d values).
	Positions() []float64
	// LogPsi is ln|Ψ| at the current configuration.
	LogPsi() float64
	// Propose computes ln|Ψ(x')| − ln|Ψ(x)| for x' = x with particle i
	// moved to pos (d values), or −Inf when Ψ(x') = 0. It does not change
	// the configuration; the proposal is pending until Accept or Reject.
	Propose(i int, pos []float64) float64
	// Accept makes the pending proposal the current configuration.
	Accept()
	// Reject discards the pending proposal.
	Reject()
	// GradI writes ∇_i ln|Ψ| (d values) at the current configuration.
	GradI(i int, dst []float64)
	// ProposedGradI writes ∇_i ln|Ψ| at the pending proposal, for the
	// reverse move of importance sampling.
	ProposedGradI(dst []float64)
	// Derivs writes the full gradient ∇ln|Ψ| (N·d values) into grad and
	// returns the Laplacian Σ_k ∂²ln|Ψ|/∂x_k².
	Derivs(grad []float64) (lap float64)
	// ParamGrad writes O_k = ∂ln|Ψ|/∂θ_k (NumParams values) into dst.
	ParamGrad(dst []float64)
	// Refresh recomputes every cached quantity from the positions and the
	// model's current parameters (after SetParams, and periodically to
	// bound round-off).
	Refresh()
}
