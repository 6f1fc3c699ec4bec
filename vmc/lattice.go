package vmc

import (
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Lattice is the System of spins on a lattice: a spin operator (TFIM,
// Heisenberg or any hamiltonian.Spin built term by term), a spin wave
// function (a spin RBM or any wavefunc.SpinModel) and the spin sampler's
// settings. Walkers start from a random configuration drawn from their own
// stream: any for single flips, one with zero magnetisation (N/2 up spins)
// for exchange moves.
type Lattice struct {
	H       *hamiltonian.Spin
	Model   wavefunc.SpinModel
	Sampler sampler.SpinSettings
	// Reference is the exact ground-state energy when HasReference; the
	// caller sets it (from package exact) when the system is small enough.
	Reference    float64
	HasReference bool
}

var _ System = (*Lattice)(nil)

// NewLattice checks that the pieces fit together. Exchange moves conserve
// the magnetisation and sample the Σ s_i = 0 sector only, so they need an
// even number of sites and a Hamiltonian that conserves S^z (the
// Heisenberg model, not the TFIM).
func NewLattice(h *hamiltonian.Spin, m wavefunc.SpinModel, set sampler.SpinSettings) (*Lattice, error) {
	if m.Sites() != h.N {
		return nil, fmt.Errorf("vmc: spin wave function over %d sites for %v with %d sites", m.Sites(), h, h.N)
	}
	if err := set.Validate(); err != nil {
		return nil, err
	}
	if set.Move == sampler.Exchange {
		if !h.ConservesSz() {
			return nil, fmt.Errorf("vmc: exchange moves conserve the magnetisation, but %v does not (use flip moves)", h)
		}
		if h.N%2 != 0 {
			return nil, fmt.Errorf("vmc: exchange moves sample the zero-magnetisation sector, which %v with an odd number of sites (%d) does not have (use an even length or flip moves)", h, h.N)
		}
	}
	return &Lattice{H: h, Model: m, Sampler: set}, nil
}

// NumParams is the number of the model's parameters.
func (s *Lattice) NumParams() int { return s.Model.NumParams() }

// Params copies the model's parameters into dst (allocated when nil).
func (s *Lattice) Params(dst []float64) []float64 { return s.Model.Params(dst) }

// SetParams replaces the model's parameters.
func (s *Lattice) SetParams(p []float64) { s.Model.SetParams(p) }

// Exact is the Reference energy, when HasReference.
func (s *Lattice) Exact() (float64, bool) { return s.Reference, s.HasReference }

// Sites is the number of lattice sites (result.json and the energy-per-site
// plot use it).
func (s *Lattice) Sites() int { return s.H.N }

// NewWalker draws the walker's starting configuration from its own stream
// and continues that stream in the sampler.
func (s *Lattice) NewWalker(rank, index int, seed uint64) (Walker, error) {
	src := sampler.NewSource(seed, rank, index)
	rng := rand.New(src)
	n := s.H.N
	spins := make([]int8, n)
	if s.Sampler.Move == sampler.Exchange {
		for k, i := range rng.Perm(n) {
			spins[i] = -1
			if k < n/2 {
				spins[i] = 1
			}
		}
	} else {
		for i := range spins {
			spins[i] = int8(2*rng.IntN(2) - 1)
		}
	}
	st := s.Model.NewState(spins)
	w, err := sampler.NewSpinWalker(st, s.Sampler, src)
	if err != nil {
		return nil, err
	}
	if cst, ok := st.(wavefunc.ComplexSpinState); ok {
		cw := cacheline.New[ComplexLatticeWalker]()
		*cw = ComplexLatticeWalker{W: w, st: cst, h: s.H}
		return cw, nil
	}
	lw := cacheline.New[LatticeWalker]()
	*lw = LatticeWalker{W: w, st: st, ratios: st, h: s.H}
	return lw, nil
}

// LatticeWalker adapts a sampler.SpinWalker to the driver: a Sweep is one
// sample interval (Thin sweeps of N moves), Measure the local energy from
// the Hamiltonian's connected configurations and the state's ratios.
type LatticeWalker struct {
	W  *sampler.SpinWalker
	st wavefunc.SpinState
	// ratios is st as the Hamiltonian's interface, converted once rather
	// than at every measurement.
	ratios hamiltonian.Ratioer
	h      *hamiltonian.Spin
}

// Sweep advances the chain by one sample interval.
func (c *LatticeWalker) Sweep() (accepted, proposed int) { return sampleInterval(c.W) }

// Measure returns the local energy and writes O_k into o unless o is nil.
func (c *LatticeWalker) Measure(o []float64) float64 {
	if o != nil {
		c.st.ParamGrad(o)
	}
	return c.h.LocalEnergy(c.st.Spins(), c.ratios)
}

// Refresh recomputes the state's caches after the parameters changed.
func (c *LatticeWalker) Refresh() { c.W.Refresh() }

// MarshalBinary encodes the chain (configuration, counters, RNG state).
func (c *LatticeWalker) MarshalBinary() ([]byte, error) { return c.W.MarshalBinary() }

// UnmarshalBinary restores a chain encoded by MarshalBinary.
func (c *LatticeWalker) UnmarshalBinary(b []byte) error { return c.W.UnmarshalBinary(b) }
