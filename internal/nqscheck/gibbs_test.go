package nqscheck

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/stats"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Gibbs sampling redraws every coordinate from its conditional at each
// sweep, so for an RBM with small weights successive samples are nearly
// independent, while single-particle Metropolis and Langevin moves diffuse
// slowly. Same RBM (Ψ = √F, weights of scale 0.3), same observable |x|²,
// 2^14 samples of one sweep each: the blocking autocorrelation time of the
// Gibbs chain must be below both (measured 1.2 against 15 and 5), and all
// three must give the exact ⟨|x|²⟩ (summed over the 2^H hidden states,
// exactMeanR2) within 5 blocking error bars.
func TestGibbsDecorrelatesFaster(t *testing.T) {
	r := wavefunc.NewRBM(2, 2, 4, 0.5)
	r.Sqrt = true
	r.Randomize(0.3, rand.New(rand.NewPCG(8, 9)))
	const n = 1 << 14
	series := func(step func(), x func() []float64) []float64 {
		for range 500 {
			step()
		}
		s := make([]float64, n)
		for k := range s {
			step()
			r2 := 0.0
			for _, v := range x() {
				r2 += v * v
			}
			s[k] = r2
		}
		return s
	}
	x0 := []float64{0.1, -0.2, 0.3, 0.1}
	g, err := sampler.NewGibbs(r, x0, 1, sampler.NewSource(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	eg := stats.Blocking(series(func() { g.Sweep() }, func() []float64 { return g.State().Positions() }))
	want := exactMeanR2(r)
	if math.Abs(eg.Mean-want) > 5*eg.Error {
		t.Errorf("Gibbs <|x|²> = %.4f ± %.4f, exact %.4f", eg.Mean, eg.Error, want)
	}
	for _, set := range []sampler.Settings{
		{Kind: sampler.Metropolis, Step: 1.5}, // acceptance ≈ 0.6
		{Kind: sampler.Importance, Step: 0.3},
	} {
		w, err := sampler.New(r, x0, set, sampler.NewSource(1, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		e := stats.Blocking(series(func() { w.Sweep() }, func() []float64 { return w.State().Positions() }))
		t.Logf("%v: <|x|²> = %.4f ± %.4f, τ = %.2f; Gibbs %.4f ± %.4f, τ = %.2f", set.Kind, e.Mean, e.Error, e.Tau, eg.Mean, eg.Error, eg.Tau)
		if !(eg.Tau < e.Tau) {
			t.Errorf("Gibbs τ = %.2f not below %v τ = %.2f", eg.Tau, set.Kind, e.Tau)
		}
		if math.Abs(e.Mean-want) > 5*e.Error {
			t.Errorf("%v <|x|²> = %.4f ± %.4f, exact %.4f", set.Kind, e.Mean, e.Error, want)
		}
	}
}

// exactMeanR2 is ⟨|x|²⟩ under F(x), the RBM's visible marginal, from the
// joint P(x, h) ∝ exp(−|x−a|²/(2σ²) + b·h + x·Wh/σ²): given h, x is
// Gaussian with mean a + Wh and variance σ² per coordinate, and h has
// weight exp(b·h + (|a+Wh|² − |a|²)/(2σ²)).
func exactMeanR2(r *wavefunc.RBM) float64 {
	p := r.Params(nil)
	m, h, s2 := r.Particles()*r.Dims(), r.Hidden(), r.Sigma2()
	a, b, w := p[:m], p[m:m+h], p[m+h:]
	a2 := 0.0
	for _, v := range a {
		a2 += v * v
	}
	z, sum := 0.0, 0.0
	for mask := range 1 << h {
		bh, n2 := 0.0, 0.0
		for j := range h {
			if mask>>j&1 == 1 {
				bh += b[j]
			}
		}
		for k := range m {
			mu := a[k]
			for j := range h {
				if mask>>j&1 == 1 {
					mu += w[k*h+j]
				}
			}
			n2 += mu * mu
		}
		wt := math.Exp(bh + (n2-a2)/(2*s2))
		z += wt
		sum += wt * (float64(m)*s2 + n2)
	}
	return sum / z
}
