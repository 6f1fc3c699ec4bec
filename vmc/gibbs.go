package vmc

import (
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/sampler"
)

// GibbsContinuous is the System of particles in continuous space whose
// trial function is an RBM sampled by Gibbs chains (sampler.GibbsWalker):
// the RBM's Ψ = √F variant, alternately drawing the hidden and the
// visible units. Thin is the number of Gibbs sweeps per sample (0 means 1).
type GibbsContinuous struct {
	H     hamiltonian.Continuous
	Model sampler.GibbsModel
	Thin  int
}

var _ System = (*GibbsContinuous)(nil)

// NewGibbsContinuous checks that the pieces fit together.
func NewGibbsContinuous(h hamiltonian.Continuous, m sampler.GibbsModel, thin int) (*GibbsContinuous, error) {
	if err := checkFit(h, m); err != nil {
		return nil, err
	}
	if err := m.GibbsValid(); err != nil {
		return nil, fmt.Errorf("vmc: gibbs sampling: %w", err)
	}
	if thin < 0 {
		return nil, fmt.Errorf("vmc: gibbs sampling: thin %d must not be negative", thin)
	}
	return &GibbsContinuous{H: h, Model: m, Thin: thin}, nil
}

// NumParams is the number of the model's parameters.
func (s *GibbsContinuous) NumParams() int { return s.Model.NumParams() }

// Params copies the model's parameters into dst (allocated when nil).
func (s *GibbsContinuous) Params(dst []float64) []float64 { return s.Model.Params(dst) }

// SetParams replaces the model's parameters.
func (s *GibbsContinuous) SetParams(p []float64) { s.Model.SetParams(p) }

// Exact is the Hamiltonian's exact ground-state energy, when known.
func (s *GibbsContinuous) Exact() (float64, bool) { return s.H.Exact() }

// NewWalker draws a starting configuration from the walker's own stream;
// the driver's burn-in (Sweep calls) thermalises it.
func (s *GibbsContinuous) NewWalker(rank, index int, seed uint64) (Walker, error) {
	src := sampler.NewSource(seed, rank, index)
	x := make([]float64, s.H.Particles()*s.H.Dims())
	if err := s.H.InitialPositions(x, rand.New(src)); err != nil {
		return nil, err
	}
	w, err := sampler.NewGibbs(s.Model, x, s.Thin, src)
	if err != nil {
		return nil, err
	}
	gw := cacheline.New[GibbsWalker]()
	*gw = GibbsWalker{W: w, h: s.H, grad: cacheline.Make[float64](len(x))}
	return gw, nil
}

// GibbsWalker adapts a sampler.GibbsWalker to the driver.
type GibbsWalker struct {
	W     *sampler.GibbsWalker
	h     hamiltonian.Continuous
	grad  []float64
	parts EnergyParts // of the last Measure
}

// Sweep advances the chain by one sample interval.
func (g *GibbsWalker) Sweep() (accepted, proposed int) { return sampleInterval(g.W) }

// Measure returns the local energy and writes O_k into o unless o is nil.
func (g *GibbsWalker) Measure(o []float64) float64 {
	return measureContinuous(g.h, g.W.State(), g.grad, o, &g.parts)
}

// Refresh recomputes the state's caches after the parameters changed.
func (g *GibbsWalker) Refresh() { g.W.Refresh() }

// MarshalBinary encodes the chain (configuration, counters, RNG state).
func (g *GibbsWalker) MarshalBinary() ([]byte, error) { return g.W.MarshalBinary() }

// UnmarshalBinary restores a chain encoded by MarshalBinary.
func (g *GibbsWalker) UnmarshalBinary(b []byte) error { return g.W.UnmarshalBinary(b) }
