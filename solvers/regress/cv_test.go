package regress

import (
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

// The per-fold scores computed from statistics alone equal a brute-force
// cross-validation on the rows: fit by QR on the rows outside fold k,
// average the squared residuals on fold k.
func TestCVMatchesRows(t *testing.T) {
	const p, n = 4, 600
	x, y := synth(n, p, []float64{1, -2, 0.5, 0.25}, 0.8, 13)
	l := Layout{P: p, Folds: 4, Seed: 77}
	f, err := foldedOn(comm.NewSerial(), x, y, p, l)
	if err != nil {
		t.Fatal(err)
	}
	lams := []float64{0.3, 0.01, 0}
	w := Unpenalized(p, 0)
	cv, err := CrossValidate(f, lams, RidgeFitter(w), CVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, lam := range lams {
		var sse, cnt float64
		for k := range l.Folds {
			var xt, yt, xh, yh []float64
			for r := range n {
				if l.Fold(r) == k {
					xh, yh = append(xh, x[r*p:(r+1)*p]...), append(yh, y[r])
				} else {
					xt, yt = append(xt, x[r*p:(r+1)*p]...), append(yt, y[r])
				}
			}
			theta := qrSolve(t, xt, yt, p, lam, w)
			s := residualSS(xh, yh, p, theta)
			// 1e-9: the statistics' RSS cancels yᵀy against θᵀXᵀy; here
			// yᵀy/RSS ≈ 10², leaving ~1e-13 of 1e-16 round-off.
			if got, want := cv.FoldMSE[i][k], s/float64(len(yh)); math.Abs(got-want) > 1e-9*want {
				t.Errorf("λ=%g fold %d: MSE %.15g from statistics, %.15g from rows", lam, k, got, want)
			}
			sse += s
			cnt += float64(len(yh))
		}
		if math.Abs(cv.Score[i]-sse/cnt) > 1e-9*cv.Score[i] {
			t.Errorf("λ=%g: pooled score %g, rows %g", lam, cv.Score[i], sse/cnt)
		}
	}
}

// The one-standard-error rule picks the largest λ within one SE of the
// best score; without it the best λ is chosen.
func TestOneSE(t *testing.T) {
	const p = 6
	theta := []float64{0.5, 1, 0.3, 0, 0, 0.1}
	x, y := synth(400, p, theta, 2, 17)
	f, err := foldedOn(comm.NewSerial(), x, y, p, Layout{P: p, Folds: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	lams := LambdaGrid(10, 1e-5, 25)
	w := Unpenalized(p, 0)
	best, err := CrossValidate(f, lams, RidgeFitter(w), CVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	one, err := CrossValidate(f, lams, RidgeFitter(w), CVOptions{OneSE: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range lams {
		if best.Score[i] < best.Score[best.Chosen] {
			t.Fatalf("chosen score %g is not the least (%g at λ=%g)", best.Score[best.Chosen], best.Score[i], lams[i])
		}
	}
	limit := best.Score[best.Best] + best.SE[best.Best]
	if one.Lambda() < best.Lambda() || one.Score[one.Chosen] > limit {
		t.Fatalf("one-SE λ %g (score %g) vs best λ %g (limit %g)", one.Lambda(), one.Score[one.Chosen], best.Lambda(), limit)
	}
	for i, l := range lams {
		if l > one.Lambda() && one.Score[i] <= limit {
			t.Errorf("λ=%g is larger and within one SE, but %g was chosen", l, one.Lambda())
		}
	}
}

// The cell bootstrap's standard errors agree with the analytic OLS ones
// on homoscedastic data: with 400 replicates the bootstrap sd carries
// ~1/√800 ≈ 4% noise, and resampling ~320 cells rather than rows adds
// a little; 20% is a safe bound that a wrong formula (e.g. √(cells) off)
// would miss by far.
func TestBootstrapStdErr(t *testing.T) {
	const p = 3
	x, y := synth(5000, p, []float64{1, 2, -1}, 1, 23)
	f, err := foldedOn(comm.NewSerial(), x, y, p, Layout{P: p, Folds: 5, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	ols, err := OLS(f.Total)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bootstrap(f, 400, 1, func(s *Stats) ([]float64, error) {
		g, err := OLS(s)
		if err != nil {
			return nil, err
		}
		return g.Coef, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for j := range p {
		if r := b.StdErr[j] / ols.StdErr[j]; r < 0.8 || r > 1.2 {
			t.Errorf("θ_%d: bootstrap se %g, analytic %g", j, b.StdErr[j], ols.StdErr[j])
		}
	}
}
