package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestLinearExactSpace: for H and S of an exact (P+1)-dimensional space,
// H = MᵀAM and S = MᵀM with M = diag(1, B) (a non-orthogonal basis of the
// derivative directions), the step without shift and normalisation (ξ = 1)
// is δ = B⁻¹ c/c₀, c the lowest eigenvector of A.
func TestLinearExactSpace(t *testing.T) {
	const p = 4
	n := p + 1
	rng := rand.New(rand.NewPCG(1, 2))
	A := mat.NewSymDense(n, nil)
	for i := range n {
		A.SetSym(i, i, float64(i)+1)
		for j := i + 1; j < n; j++ {
			A.SetSym(i, j, 0.2*rng.NormFloat64())
		}
	}
	M := mat.NewDense(n, n, nil)
	M.Set(0, 0, 1)
	for i := 1; i < n; i++ {
		for j := 1; j < n; j++ {
			v := 0.3 * rng.NormFloat64()
			if i == j {
				v += 1
			}
			M.Set(i, j, v)
		}
	}
	var H, S, tmp mat.Dense
	tmp.Mul(A, M)
	H.Mul(M.T(), &tmp)
	S.Mul(M.T(), M)
	var es mat.EigenSym
	es.Factorize(A, true)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	c := mat.Col(nil, 0, &vecs) // lowest eigenvalue first
	// Want δ with M (1, δ) ∝ c: δ = B⁻¹ c[1:]/c₀.
	var Binv mat.Dense
	if err := Binv.Inverse(M.Slice(1, n, 1, n)); err != nil {
		t.Fatal(err)
	}
	want := make([]float64, p)
	for k := range p {
		for m := range p {
			want[k] += Binv.At(k, m) * c[m+1] / c[0]
		}
	}
	l := &Linear{Shift: 1e-14, MinShift: 1e-14, MaxNorm: 1e6, Xi: 1}
	got := make([]float64, p)
	if err := l.Solve(got, H.RawMatrix().Data, S.RawMatrix().Data, 1, 0); err != nil {
		t.Fatal(err)
	}
	for k := range p {
		// Tolerance: the shift 1e-14 and the eigensolvers' round-off.
		if math.Abs(got[k]-want[k]) > 1e-10 {
			t.Errorf("δ_%d = %.12g, want %.12g", k, got[k], want[k])
		}
	}

	// A step longer than MaxNorm raises the shift until it fits.
	l2 := &Linear{MaxNorm: 0.01}
	if err := l2.Solve(got, H.RawMatrix().Data, S.RawMatrix().Data, 1, 0); err != nil {
		t.Fatal(err)
	}
	sd := 0.0
	for k := range p {
		for m := range p {
			sd += got[k] * S.At(k+1, m+1) * got[m]
		}
	}
	if !(math.Sqrt(sd) <= 0.01+1e-12) || l2.CurrentShift() <= 1e-3 {
		t.Errorf("|Δ|_S = %g with shift %g, want ≤ 0.01 after raising the shift", math.Sqrt(sd), l2.CurrentShift())
	}
}
