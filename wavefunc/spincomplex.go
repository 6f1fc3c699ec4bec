package wavefunc

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
)

// ComplexSpinState is a SpinState whose amplitude Ψ is complex, so that a
// sign (phase) structure the Hamiltonian's basis does not remove can be
// represented. Its SpinState methods describe the modulus: LogPsi and
// LogRatio are ln|Ψ| and ln|Ψ'/Ψ| (sampling from |Ψ|² needs nothing
// else), Ratio is |Ψ'/Ψ| and ParamGrad writes Re O_k = ∂ln|Ψ|/∂θ_k.
// The local energy and the gradient use the complex methods.
type ComplexSpinState interface {
	SpinState
	// ComplexRatio is Ψ(s')/Ψ(s) for s' = s with spin i (and spin j, when
	// j ≥ 0) flipped.
	ComplexRatio(i, j int) complex128
	// ComplexLogPsi is ln Ψ, its imaginary part the phase (any branch).
	ComplexLogPsi() complex128
	// ComplexParamGrad writes Re O_k and Im O_k, O_k = ∂ln Ψ/∂θ_k for the
	// real parameters θ_k (NumParams values each).
	ComplexParamGrad(re, im []float64)
}

var _ SpinModel = (*ComplexSpinRBM)(nil)

// ComplexSpinRBM is the spin RBM of SpinRBM with complex a, b and W,
//
//	ln Ψ(s) = Σ_i a_i s_i + Σ_j ln 2cosh θ_j,  θ_j = b_j + Σ_i W_ij s_i,
//
// (Carleo and Troyer's form for states with signs). ln Ψ is holomorphic
// in the complex parameters z = x + iy, so for the real parameters the
// optimiser sees, O_x = ∂ln Ψ/∂z and O_y = i ∂ln Ψ/∂z.
//
// Parameters, flat and real: the real parts of the M independent complex
// parameters (a, b, W in SpinRBM's order, or a, b_f, w_f when symmetric),
// then their imaginary parts: 2M values.
type ComplexSpinRBM struct {
	n, h int
	re   []float64 // the real parameter vector, 2M values
	// Expanded complex a (N), b (H), W (N×H, row i holds W_i·).
	z []complex128
	// e^{2W_ij} and e^{−2W_ij}: a flip of s_i multiplies cosh θ_j by
	// P_j e^{−2s_iW_ij} + M_j e^{2s_iW_ij} with P_j = 1/(1+e^{−2θ_j}),
	// M_j = 1 − P_j, as for SpinRBM.
	ep, em []complex128
	// The group of a symmetric RBM and its number of features.
	perm     [][]int
	features int
}

// NewComplexSpinRBM returns a complex RBM over n spins with the given
// number of hidden units, all parameters zero (Ψ = 2^H, a constant). It
// panics on non-positive sizes.
func NewComplexSpinRBM(n, hidden int) *ComplexSpinRBM {
	if n <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("wavefunc: NewComplexSpinRBM(n=%d, hidden=%d): sizes must be positive", n, hidden))
	}
	m := &ComplexSpinRBM{n: n, h: hidden, z: make([]complex128, n+hidden+n*hidden),
		ep: make([]complex128, n*hidden), em: make([]complex128, n*hidden)}
	m.re = make([]float64, 2*len(m.z))
	m.SetParams(m.re)
	return m
}

// NewSymmetricComplexSpinRBM returns a complex RBM whose parameters are
// shared across a group of site permutations exactly as for
// NewSymmetricSpinRBM: 1 + F + F·N independent complex parameters. Ψ is
// invariant under the group, so it describes states of zero momentum
// (the ground states of the periodic lattices used here). It panics if an
// element is not a permutation of n sites.
func NewSymmetricComplexSpinRBM(n, features int, perms [][]int) *ComplexSpinRBM {
	if features <= 0 || len(perms) == 0 {
		panic(fmt.Sprintf("wavefunc: NewSymmetricComplexSpinRBM(features=%d, %d permutations): need at least one of each", features, len(perms)))
	}
	if err := checkPermutations(n, perms); err != nil {
		panic(fmt.Sprintf("wavefunc: NewSymmetricComplexSpinRBM: %v", err))
	}
	m := NewComplexSpinRBM(n, features*len(perms))
	m.perm, m.features = perms, features
	m.re = make([]float64, 2*(1+features+features*n))
	m.SetParams(m.re)
	return m
}

// Sites is N.
func (m *ComplexSpinRBM) Sites() int { return m.n }

// Hidden is H.
func (m *ComplexSpinRBM) Hidden() int { return m.h }

// Symmetric reports whether the parameters are shared across a group.
func (m *ComplexSpinRBM) Symmetric() bool { return m.perm != nil }

// NumParams is 2M: the real and imaginary parts of M complex parameters.
func (m *ComplexSpinRBM) NumParams() int { return len(m.re) }

// Params copies the parameters into dst (allocated when nil).
func (m *ComplexSpinRBM) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(m.re))
	}
	if len(dst) != len(m.re) {
		panic(fmt.Sprintf("wavefunc: ComplexSpinRBM.Params: len(dst) = %d, want %d", len(dst), len(m.re)))
	}
	copy(dst, m.re)
	return dst
}

// SetParams replaces the parameters; States must be Refreshed after it.
func (m *ComplexSpinRBM) SetParams(p []float64) {
	if len(p) != len(m.re) {
		panic(fmt.Sprintf("wavefunc: ComplexSpinRBM.SetParams: %d values, want %d", len(p), len(m.re)))
	}
	copy(m.re, p)
	half := len(p) / 2
	at := func(k int) complex128 { return complex(p[k], p[half+k]) }
	if m.perm == nil {
		for k := range m.z {
			m.z[k] = at(k)
		}
	} else {
		ng, nf := len(m.perm), m.features
		a, b, w := m.a(), m.b(), m.w()
		for i := range a {
			a[i] = at(0)
		}
		for f := range nf {
			for g, perm := range m.perm {
				j := f*ng + g
				b[j] = at(1 + f)
				for k, site := range perm {
					w[site*m.h+j] = at(1 + nf + f*m.n + k)
				}
			}
		}
	}
	for k, w := range m.w() {
		m.ep[k] = cmplx.Exp(2 * w)
		m.em[k] = cmplx.Exp(-2 * w)
	}
}

// Randomize draws every real parameter (real and imaginary parts alike)
// from a normal distribution of standard deviation scale.
func (m *ComplexSpinRBM) Randomize(scale float64, rng *rand.Rand) {
	p := make([]float64, m.NumParams())
	for k := range p {
		p[k] = scale * rng.NormFloat64()
	}
	m.SetParams(p)
}

func (m *ComplexSpinRBM) a() []complex128 { return m.z[:m.n] }
func (m *ComplexSpinRBM) b() []complex128 { return m.z[m.n : m.n+m.h] }
func (m *ComplexSpinRBM) w() []complex128 { return m.z[m.n+m.h:] }

// logCosh2C is ln(2cosh x) for complex x without overflow: the branch of
// the logarithm is immaterial, only e^{ln Ψ} and Re ln Ψ are used.
func logCosh2C(x complex128) complex128 {
	if real(x) < 0 {
		x = -x
	}
	return x + cmplx.Log(1+cmplx.Exp(-2*x))
}

// LogPsi evaluates ln Ψ(s) from scratch, in O(N·H).
func (m *ComplexSpinRBM) LogPsi(s []int8) complex128 {
	if len(s) != m.n {
		panic(fmt.Sprintf("wavefunc: ComplexSpinRBM.LogPsi: %d spins, want %d", len(s), m.n))
	}
	a, b, w := m.a(), m.b(), m.w()
	var l complex128
	for i, si := range s {
		l += a[i] * complex(float64(si), 0)
	}
	for j := range m.h {
		t := b[j]
		for i, si := range s {
			t += w[i*m.h+j] * complex(float64(si), 0)
		}
		l += logCosh2C(t)
	}
	return l
}

// isBad reports a NaN or infinite part.
func isBad(z complex128) bool {
	return math.IsNaN(real(z)) || math.IsNaN(imag(z)) || math.IsInf(real(z), 0) || math.IsInf(imag(z), 0)
}

// Complex reports that the states are ComplexSpinStates (the lattice
// driver's complex path keys on it).
func (m *ComplexSpinRBM) Complex() bool { return true }
