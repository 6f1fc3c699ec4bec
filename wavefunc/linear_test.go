package wavefunc

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kinetic is ∇²ln|Ψ| + |∇ln|Ψ||² of a fresh state of m at x.
func kinetic(m Model, x []float64) float64 {
	g := make([]float64, len(x))
	lap := m.NewState(x).Derivs(g)
	for _, v := range g {
		lap += v * v
	}
	return lap
}

// TestKineticParamDerivs compares K_k with central differences of
// ∇²ln|Ψ| + |∇ln|Ψ||² in each parameter (h = 1e-5: truncation h²·K”' and
// rounding 1e-16·|K|/h both far below the tolerance 1e-6 relative).
func TestKineticParamDerivs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rbm := NewRBM(3, 2, 3, 0.8)
	rbm.Randomize(0.3, rng)
	sq := NewRBM(2, 2, 2, 0.5)
	sq.Randomize(0.3, rng)
	sq.Sqrt = true
	models := map[string]Model{
		"gaussian3d×pade": NewProduct(NewGaussian(3, 3, 0.4, 1.7), NewPade(3, 3, 0.6)),
		"rbm×pade":        NewProduct(rbm, NewPade(3, 2, 0.4)),
		"rbm-sqrt":        sq,
	}
	for name, m := range models {
		x := make([]float64, m.Particles()*m.Dims())
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		st := m.NewState(x)
		if !HasKineticParamDerivs(st) {
			t.Fatalf("%s: no kinetic derivatives", name)
		}
		g := make([]float64, len(x))
		st.Derivs(g)
		got := make([]float64, m.NumParams())
		st.(KineticParamDeriver).KineticParamDerivs(g, got)
		p := m.Params(nil)
		const h = 1e-5
		for k := range p {
			q := append([]float64(nil), p...)
			q[k] = p[k] + h
			m.SetParams(q)
			up := kinetic(m, x)
			q[k] = p[k] - h
			m.SetParams(q)
			dn := kinetic(m, x)
			m.SetParams(p)
			want := (up - dn) / (2 * h)
			if e := math.Abs(got[k]-want) / math.Max(1, math.Abs(want)); !(e < 1e-6) {
				t.Errorf("%s: K_%d = %g, finite difference %g", name, k, got[k], want)
			}
		}
	}
}
