package sampler

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// GibbsModel is a trial wave function whose |Ψ|² is the visible marginal
// of a joint distribution with tractable conditionals, as the
// Gaussian-binary RBM in its Ψ = √F variant (wavefunc.RBM with Sqrt set).
type GibbsModel interface {
	wavefunc.Model
	// Hidden is the number of hidden units.
	Hidden() int
	// GibbsHidden draws the hidden units h given the visible x.
	GibbsHidden(x, h []float64, rng *rand.Rand)
	// GibbsVisible draws the visible x given the hidden units h.
	GibbsVisible(h, x []float64, rng *rand.Rand)
	// GibbsValid reports why the joint's visible marginal is not |Ψ|², or
	// nil when it is.
	GibbsValid() error
}

// GibbsWalker is a Markov chain that alternates the two conditional draws
// h ~ P(h|x) and x ~ P(x|h) of an RBM. Every sweep moves all particles at
// once and is always accepted; successive configurations are far less
// correlated than those of single-particle Metropolis moves when the
// weights are small. It has the same methods as Walker, so a driver can
// hold either behind one interface.
type GibbsWalker struct {
	model  GibbsModel
	state  wavefunc.State
	burnIn int
	thin   int
	src    *rand.PCG
	rng    *rand.Rand
	n, d   int

	h, x []float64

	accepted, proposed uint64
}

// NewGibbs returns a Gibbs chain at configuration x (copied) that discards
// burnIn sweeps in Thermalize and samples every thin sweeps (0 means 1).
func NewGibbs(m GibbsModel, x []float64, burnIn, thin int, src *rand.PCG) (*GibbsWalker, error) {
	if err := m.GibbsValid(); err != nil {
		return nil, fmt.Errorf("sampler: gibbs: %w", err)
	}
	if burnIn < 0 || thin < 0 {
		return nil, fmt.Errorf("sampler: gibbs: burn-in %d and thin %d must not be negative", burnIn, thin)
	}
	n, d := m.Particles(), m.Dims()
	if len(x) != n*d {
		return nil, fmt.Errorf("sampler: configuration has %d values, want N·d = %d", len(x), n*d)
	}
	s := m.NewState(x)
	if lp := s.LogPsi(); math.IsNaN(lp) || math.IsInf(lp, 0) {
		return nil, fmt.Errorf("sampler: ln|Ψ| = %g at the initial configuration", lp)
	}
	return &GibbsWalker{
		model: m, state: s, burnIn: burnIn, thin: thin, src: src, rng: rand.New(src), n: n, d: d,
		h: make([]float64, m.Hidden()), x: make([]float64, n*d),
	}, nil
}

// State is the walker's wave-function state at its current configuration.
func (w *GibbsWalker) State() wavefunc.State { return w.state }

// Rand is the walker's random number generator.
func (w *GibbsWalker) Rand() *rand.Rand { return w.rng }

// Counts returns the accepted and proposed single-particle updates since
// the last ResetCounts (equal: Gibbs draws are never rejected).
func (w *GibbsWalker) Counts() (accepted, proposed uint64) { return w.accepted, w.proposed }

// ResetCounts zeroes the move counters.
func (w *GibbsWalker) ResetCounts() { w.accepted, w.proposed = 0, 0 }

// Sweep draws h given x, then a new x given h, and moves the state there
// particle by particle (Propose + Accept keeps its caches consistent at
// O(N·d·H), the cost of the draws themselves). It returns N.
func (w *GibbsWalker) Sweep() int {
	w.model.GibbsHidden(w.state.Positions(), w.h, w.rng)
	w.model.GibbsVisible(w.h, w.x, w.rng)
	d := w.d
	for i := range w.n {
		w.state.Propose(i, w.x[i*d:(i+1)*d])
		w.state.Accept()
	}
	w.accepted += uint64(w.n)
	w.proposed += uint64(w.n)
	return w.n
}

// Sample advances the chain by thin sweeps (at least one).
func (w *GibbsWalker) Sample() {
	for range max(w.thin, 1) {
		w.Sweep()
	}
}

// Thermalize runs the burn-in sweeps and then resets the move counters.
func (w *GibbsWalker) Thermalize() {
	for range w.burnIn {
		w.Sweep()
	}
	w.ResetCounts()
}

// Refresh recomputes the state's caches after the parameters changed.
func (w *GibbsWalker) Refresh() { w.state.Refresh() }

const gibbsMagic = "VMCG"

// MarshalBinary encodes the configuration, the move counters and the PCG
// state; the hidden units are redrawn from x at every sweep, so they are
// not part of the chain's state.
func (w *GibbsWalker) MarshalBinary() ([]byte, error) {
	return marshalContinuous(gibbsMagic, w.state.Positions(), w.accepted, w.proposed, w.src)
}

// UnmarshalBinary restores a chain written by MarshalBinary for a model of
// the same shape.
func (w *GibbsWalker) UnmarshalBinary(b []byte) error {
	s, acc, prop, src, err := unmarshalContinuous(b, gibbsMagic, "Gibbs walker", w.model, w.n*w.d)
	if err != nil {
		return err
	}
	*w.src = *src
	w.state = s
	w.accepted, w.proposed = acc, prop
	return nil
}
