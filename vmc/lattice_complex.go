package vmc

import (
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

var _ ComplexSystem = (*Lattice)(nil)

// complexModel is a spin model whose states are wavefunc.ComplexSpinStates.
type complexModel interface {
	Complex() bool
}

// Complex reports whether the model's amplitudes are complex (a
// wavefunc.ComplexSpinRBM): its walkers are then ComplexLatticeWalkers,
// sampled from |Ψ|² and measured with the complex local energy.
func (s *Lattice) Complex() bool {
	c, ok := s.Model.(complexModel)
	return ok && c.Complex()
}

// ComplexLatticeWalker is the LatticeWalker of a complex trial state. It
// does not offer the lattice observables' SpinMeasured (their
// off-diagonal parts would need complex ratios), so binding one is an
// error rather than a wrong number.
type ComplexLatticeWalker struct {
	W  *sampler.SpinWalker
	st wavefunc.ComplexSpinState
	h  *hamiltonian.Spin
}

var _ ComplexWalker = (*ComplexLatticeWalker)(nil)

// Sweep advances the chain by one sample interval.
func (c *ComplexLatticeWalker) Sweep() (accepted, proposed int) { return sampleInterval(c.W) }

// Measure returns Re E_L and writes Re O_k into o unless o is nil.
func (c *ComplexLatticeWalker) Measure(o []float64) float64 {
	if o != nil {
		c.st.ParamGrad(o)
	}
	return real(c.h.LocalEnergyComplex(c.st.Spins(), c.st))
}

// MeasureComplex returns Re and Im of E_L and writes Re O_k, Im O_k.
func (c *ComplexLatticeWalker) MeasureComplex(ore, oim []float64) (e, eIm float64) {
	c.st.ComplexParamGrad(ore, oim)
	el := c.h.LocalEnergyComplex(c.st.Spins(), c.st)
	return real(el), imag(el)
}

// setSamplingPower makes the chain sample |Ψ|^{2q}.
func (c *ComplexLatticeWalker) setSamplingPower(q float64) {
	c.st.(samplingPowered).SetSamplingPower(q)
}

// logAmplitude is ln|Ψ| of the current configuration.
func (c *ComplexLatticeWalker) logAmplitude() float64 { return real(c.st.ComplexLogPsi()) }

// Refresh recomputes the state's caches after the parameters changed.
func (c *ComplexLatticeWalker) Refresh() { c.W.Refresh() }

// MarshalBinary encodes the chain (configuration, counters, RNG state).
func (c *ComplexLatticeWalker) MarshalBinary() ([]byte, error) { return c.W.MarshalBinary() }

// UnmarshalBinary restores a chain encoded by MarshalBinary.
func (c *ComplexLatticeWalker) UnmarshalBinary(b []byte) error { return c.W.UnmarshalBinary(b) }
