package vmc

import (
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Continuous is the System of particles in continuous space: a Hamiltonian
// that supplies the potential (a built-in trap from hamiltonian.NewTrap, a
// user's potential composed by hamiltonian.NewParticles, or any
// hamiltonian.Continuous), a trial wave function and the sampler settings.
// Walkers start from the Hamiltonian's InitialPositions drawn from their
// own stream, then continue that stream in the sampler.
type Continuous struct {
	H       hamiltonian.Continuous
	Model   wavefunc.Model
	Sampler sampler.Settings
}

var _ System = (*Continuous)(nil)

// NewContinuous checks that the pieces fit together.
func NewContinuous(h hamiltonian.Continuous, m wavefunc.Model, set sampler.Settings) (*Continuous, error) {
	if err := checkFit(h, m); err != nil {
		return nil, err
	}
	if err := set.Validate(); err != nil {
		return nil, err
	}
	return &Continuous{H: h, Model: m, Sampler: set}, nil
}

// checkFit checks that m has h's particles and dimensions.
func checkFit(h hamiltonian.Continuous, m wavefunc.Model) error {
	if h == nil {
		return fmt.Errorf("vmc: no Hamiltonian")
	}
	if m.Particles() != h.Particles() || m.Dims() != h.Dims() {
		return fmt.Errorf("vmc: wave function of %d particles in %d dimensions for a system of %d in %d",
			m.Particles(), m.Dims(), h.Particles(), h.Dims())
	}
	return nil
}

// NumParams is the number of the model's parameters.
func (s *Continuous) NumParams() int { return s.Model.NumParams() }

// Params copies the model's parameters into dst (allocated when nil).
func (s *Continuous) Params(dst []float64) []float64 { return s.Model.Params(dst) }

// SetParams replaces the model's parameters.
func (s *Continuous) SetParams(p []float64) { s.Model.SetParams(p) }

// Exact is the Hamiltonian's exact ground-state energy, when known.
func (s *Continuous) Exact() (float64, bool) { return s.H.Exact() }

// NewWalker draws a starting configuration (non-overlapping hard cores,
// finite ln Ψ) from the walker's own stream.
func (s *Continuous) NewWalker(rank, index int, seed uint64) (Walker, error) {
	src := sampler.NewSource(seed, rank, index)
	rng := rand.New(src)
	x := make([]float64, s.H.Particles()*s.H.Dims())
	if err := s.H.InitialPositions(x, rng); err != nil {
		return nil, err
	}
	w, err := sampler.New(s.Model, x, s.Sampler, src)
	if err != nil {
		return nil, err
	}
	cw := cacheline.New[ContinuousWalker]()
	*cw = ContinuousWalker{W: w, h: s.H, grad: cacheline.Make[float64](len(x))}
	return cw, nil
}

// ContinuousWalker adapts a sampler.Walker to the driver: a Sweep is one
// sample interval (Thin sweeps of N single-particle moves), Measure the
// local energy from ∇ln Ψ and ∇²ln Ψ.
type ContinuousWalker struct {
	W     *sampler.Walker
	h     hamiltonian.Continuous
	grad  []float64
	parts EnergyParts // of the last Measure
}

// Sweep advances the chain by one sample interval.
func (c *ContinuousWalker) Sweep() (accepted, proposed int) { return sampleInterval(c.W) }

// Measure returns the local energy and writes O_k into o unless o is nil.
func (c *ContinuousWalker) Measure(o []float64) float64 {
	return measureContinuous(c.h, c.W.State(), c.grad, o, &c.parts)
}

// Refresh recomputes the state's caches after the parameters changed.
func (c *ContinuousWalker) Refresh() { c.W.Refresh() }

// MarshalBinary encodes the chain (configuration, counters, RNG state).
func (c *ContinuousWalker) MarshalBinary() ([]byte, error) { return c.W.MarshalBinary() }

// UnmarshalBinary restores a chain encoded by MarshalBinary.
func (c *ContinuousWalker) UnmarshalBinary(b []byte) error { return c.W.UnmarshalBinary(b) }

// chain is a sampler chain that counts its moves; sampler.Walker,
// sampler.GibbsWalker and sampler.SpinWalker are chains.
type chain interface {
	Counts() (accepted, proposed uint64)
	Sample()
}

// sampleInterval advances ch by one sample interval and returns the moves
// accepted and proposed in it.
func sampleInterval(ch chain) (accepted, proposed int) {
	a0, p0 := ch.Counts()
	ch.Sample()
	a1, p1 := ch.Counts()
	return int(a1 - a0), int(p1 - p0)
}

// measureContinuous returns the local energy of st from ∇ln Ψ and ∇²ln Ψ
// (grad is scratch of N·d values), writes O_k into o unless o is nil and
// keeps the energy's pieces in parts for the observables. The arithmetic
// is hamiltonian.LocalEnergy's, in the same order.
func measureContinuous(h hamiltonian.Continuous, st wavefunc.State, grad, o []float64, parts *EnergyParts) float64 {
	lap := st.Derivs(grad)
	if o != nil {
		st.ParamGrad(o)
	}
	g2 := 0.0
	for _, g := range grad {
		g2 += g * g
	}
	v := h.Potential(st.Positions())
	*parts = EnergyParts{Laplacian: lap, Grad2: g2, Potential: v}
	return -0.5*(lap+g2) + v
}
