package regress

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The predictive variance of OLS and Ridge is σ² + xᵀ Cov x, with Cov the
// covariance of θ: for OLS σ²(XᵀX)⁻¹, here inverted by gonum
// independently; the Lasso has no covariance and predicts σ² alone.
func TestPredictive(t *testing.T) {
	const p = 4
	x, y := synth(200, p, []float64{1, -2, 0.5, 3}, 0.3, 11)
	s := statsOf(x, y, p)
	fit, err := OLS(s)
	if err != nil {
		t.Fatal(err)
	}
	var inv mat.Dense
	if err := inv.Inverse(mat.NewDense(p, p, append([]float64(nil), s.XtX...))); err != nil {
		t.Fatal(err)
	}
	row := []float64{1, 0.7, -1.2, 2.5}
	xv := mat.NewVecDense(p, row)
	want := fit.Sigma2 * (1 + mat.Inner(xv, &inv, xv))
	mean, v := fit.Predictive(row)
	// Both sides are a few rounding errors of a well-conditioned inverse.
	if math.Abs(v-want) > 1e-10*want || mean != fit.Predict(row) {
		t.Errorf("OLS predictive (%g, %.15g), want (%g, %.15g)", mean, v, fit.Predict(row), want)
	}
	lasso, err := Lasso(s, 0.01, Unpenalized(p, 0), nil, LassoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, v := lasso.Predictive(row); v != lasso.Sigma2 {
		t.Errorf("Lasso predictive variance %g, want σ² = %g", v, lasso.Sigma2)
	}
}

// One component gives the Gaussian interval μ ± zσ; for two components the
// mixture's distribution function is (1 ∓ level)/2 at the bounds.
func TestMixtureInterval(t *testing.T) {
	const z975 = 1.959963984540054 // Φ⁻¹(0.975)
	lo, hi := MixtureInterval(0.95, []float64{1}, []float64{3}, []float64{4})
	if math.Abs(lo-(3-2*z975)) > 1e-11 || math.Abs(hi-(3+2*z975)) > 1e-11 {
		t.Errorf("Gaussian interval [%.15g, %.15g], want 3 ∓ %.15g", lo, hi, 2*z975)
	}
	w, mu, v := []float64{0.3, 0.7}, []float64{-1, 2}, []float64{0.25, 1}
	cdf := func(x float64) float64 {
		return 0.3*0.5*math.Erfc(-(x+1)/math.Sqrt(0.5)) + 0.7*0.5*math.Erfc(-(x-2)/math.Sqrt(2))
	}
	lo, hi = MixtureInterval(0.9, w, mu, v)
	if math.Abs(cdf(lo)-0.05) > 1e-10 || math.Abs(cdf(hi)-0.95) > 1e-10 {
		t.Errorf("mixture interval [%g, %g]: CDF %g, %g, want 0.05, 0.95", lo, hi, cdf(lo), cdf(hi))
	}
}

// An Average predicts the mixture of its posteriors, each evaluated on
// its own columns of the common row.
func TestAverage(t *testing.T) {
	const p = 4
	x, y := synth(150, p, []float64{2, 1, 0, -1}, 0.5, 3)
	s := statsOf(x, y, p)
	cols := [][]int{{0, 1}, {0, 1, 3}}
	var posts []*Posterior
	for _, c := range cols {
		post, err := Bayes(s.Subset(c), BayesOptions{})
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, post)
	}
	a := &Average{Weights: []float64{0.25, 0.75}, Models: posts, Columns: cols}
	row := []float64{1, 0.5, 9, -2}
	m0, v0 := posts[0].Predict([]float64{1, 0.5})
	m1, v1 := posts[1].Predict([]float64{1, 0.5, -2})
	wantM, wantV := Mixture(a.Weights, []float64{m0, m1}, []float64{v0, v1})
	if m, v := a.Predict(row); m != wantM || v != wantV {
		t.Errorf("Average.Predict (%g, %g), want (%g, %g)", m, v, wantM, wantV)
	}
	wantLo, wantHi := MixtureInterval(0.8, a.Weights, []float64{m0, m1}, []float64{v0, v1})
	if lo, hi := a.Interval(0.8, row); lo != wantLo || hi != wantHi {
		t.Errorf("Average.Interval [%g, %g], want [%g, %g]", lo, hi, wantLo, wantHi)
	}
}
