package hamiltonian

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// phases is a trial state given by a table of complex amplitudes over all
// 2^N configurations (bit i of the index set for s_i = −1).
type phases struct {
	amp []complex128
	s   []int8
}

func (p *phases) index(i, j int) int {
	x := 0
	for k, v := range p.s {
		if (v < 0) != (k == i || k == j) {
			x |= 1 << k
		}
	}
	return x
}

func (p *phases) ComplexRatio(i, j int) complex128 {
	return p.amp[p.index(i, j)] / p.amp[p.index(-1, -1)]
}

// partReal is the real or imaginary part of p's ratios, as a Ratioer.
type partReal struct {
	p  *phases
	im bool
}

func (r partReal) Ratio(i, j int) float64 {
	z := r.p.ComplexRatio(i, j)
	if r.im {
		return imag(z)
	}
	return real(z)
}

// E_L is linear in the ratios: the complex local energy is the real one
// of the real parts plus i times the off-diagonal part of the imaginary
// ones. Exact up to the order of additions: tolerance 1e-13.
func TestLocalEnergyComplexLinear(t *testing.T) {
	lat, _ := NewLattice(Square, 3, false)
	h, err := NewJ1J2(lat, 1, 0.6, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddSite(4, FieldX(0.3)); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	p := &phases{amp: make([]complex128, 1<<h.N), s: make([]int8, h.N)}
	for k := range p.amp {
		p.amp[k] = cmplx.Rect(0.5+rng.Float64(), 2*math.Pi*rng.Float64())
	}
	for range 20 {
		for i := range p.s {
			p.s[i] = int8(2*rng.IntN(2) - 1)
		}
		got := h.LocalEnergyComplex(p.s, p)
		re := h.LocalEnergy(p.s, partReal{p, false})
		im := h.LocalEnergy(p.s, partReal{p, true}) - h.Diagonal(p.s)
		if cmplx.Abs(got-complex(re, im)) > 1e-13*math.Max(1, cmplx.Abs(got)) {
			t.Fatalf("E_L = %v, from the parts %v", got, complex(re, im))
		}
	}
}
