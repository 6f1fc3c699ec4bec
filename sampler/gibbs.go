package sampler

import (
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
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
// hold either behind one interface; its counters count single-particle
// updates, accepted and proposed alike (Gibbs draws are never rejected).
type GibbsWalker struct {
	chain
	gibbs GibbsModel
	thin  int

	h, x []float64
}

// NewGibbs returns a Gibbs chain at configuration x (copied) that samples
// every thin sweeps (0 means 1).
func NewGibbs(m GibbsModel, x []float64, thin int, src *rand.PCG) (*GibbsWalker, error) {
	if err := m.GibbsValid(); err != nil {
		return nil, fmt.Errorf("sampler: gibbs: %w", err)
	}
	if thin < 0 {
		return nil, fmt.Errorf("sampler: gibbs: thin %d must not be negative", thin)
	}
	c, err := newChain(m, x, src)
	if err != nil {
		return nil, err
	}
	var ar cacheline.Arena[float64]
	w := cacheline.New[GibbsWalker]()
	*w = GibbsWalker{chain: c, gibbs: m, thin: thin, h: ar.Make(m.Hidden()), x: ar.Make(c.n * c.d)}
	return w, nil
}

// Sweep draws h given x, then a new x given h, and moves the state there
// particle by particle (Propose + Accept keeps its caches consistent at
// O(N·d·H), the cost of the draws themselves). It returns N.
func (w *GibbsWalker) Sweep() int {
	w.gibbs.GibbsHidden(w.state.Positions(), w.h, w.rng)
	w.gibbs.GibbsVisible(w.h, w.x, w.rng)
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

const gibbsMagic = "VMCG"

// MarshalBinary encodes the configuration, the move counters and the PCG
// state; the hidden units are redrawn from x at every sweep, so they are
// not part of the chain's state.
func (w *GibbsWalker) MarshalBinary() ([]byte, error) { return w.marshal(gibbsMagic) }

// UnmarshalBinary restores a chain written by MarshalBinary for a model of
// the same shape.
func (w *GibbsWalker) UnmarshalBinary(b []byte) error {
	return w.unmarshal(b, gibbsMagic, "Gibbs walker")
}
