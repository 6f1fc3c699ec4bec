package regress

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
)

// synth makes n rows with an intercept column and p−1 Gaussian features of
// different scales, y = Xθ + noise·ε.
func synth(n, p int, theta []float64, noise float64, seed uint64) (x, y []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x = make([]float64, n*p)
	y = make([]float64, n)
	for i := range n {
		row := x[i*p : (i+1)*p]
		row[0] = 1
		for j := 1; j < p; j++ {
			row[j] = rng.NormFloat64() * float64(j) * 3
		}
		y[i] = noise * rng.NormFloat64()
		for j := range p {
			y[i] += row[j] * theta[j]
		}
	}
	return x, y
}

func statsOf(x, y []float64, p int) *Stats {
	s := NewStats(p)
	for i := range y {
		s.Add(x[i*p:(i+1)*p], y[i])
	}
	return s
}

// qrSolve is the independent reference: least squares by Householder QR on
// the full design matrix (rows of sqrt(nλw_j) e_j appended for Ridge).
func qrSolve(t *testing.T, x, y []float64, p int, lambda float64, w []float64) []float64 {
	t.Helper()
	n := len(y)
	extra := 0
	if lambda > 0 {
		extra = p
	}
	a := mat.NewDense(n+extra, p, nil)
	b := mat.NewDense(n+extra, 1, nil)
	for i := range n {
		for j := range p {
			a.Set(i, j, x[i*p+j])
		}
		b.Set(i, 0, y[i])
	}
	for j := range extra {
		a.Set(n+j, j, math.Sqrt(float64(n)*lambda*w[j]))
	}
	var qr mat.QR
	qr.Factorize(a)
	var sol mat.Dense
	if err := qr.SolveTo(&sol, false, b); err != nil {
		t.Fatal(err)
	}
	out := make([]float64, p)
	for j := range p {
		out[j] = sol.At(j, 0)
	}
	return out
}

// residualSS is Σ_i (y_i − x_i·θ)² over the rows of x (row-major, p
// columns).
func residualSS(x, y []float64, p int, theta []float64) float64 {
	s := 0.0
	for i := range y {
		d := y[i]
		for j := range p {
			d -= x[i*p+j] * theta[j]
		}
		s += d * d
	}
	return s
}

func relDiff(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	return num / den
}

func TestOLSRidgeMatchQR(t *testing.T) {
	const p = 6
	theta := []float64{2, -1, 0.5, 0, 3, -0.25}
	x, y := synth(2000, p, theta, 0.3, 7)
	s := statsOf(x, y, p)
	w := Unpenalized(p, 0)
	for _, lam := range []float64{0, 1e-3, 0.1, 10} {
		var f *Fit
		var err error
		if lam == 0 {
			f, err = OLS(s)
		} else {
			f, err = Ridge(s, lam, w)
		}
		if err != nil {
			t.Fatal(err)
		}
		ref := qrSolve(t, x, y, p, lam, w)
		// 1e-8: the acceptance bound; normal equations lose cond(X)²·ε ≈ 1e-14 here.
		if d := relDiff(f.Coef, ref); d > 1e-8 || f.RankDeficient {
			t.Errorf("λ=%g: coefficients %v, QR %v (rel diff %g, deficient %v)", lam, f.Coef, ref, d, f.RankDeficient)
		}
	}
	// The truth is recovered within a few standard errors (5σ: a false
	// alarm has probability ~1e-6 per coefficient).
	f, _ := OLS(s)
	for j := range p {
		if math.Abs(f.Coef[j]-theta[j]) > 5*f.StdErr[j] {
			t.Errorf("θ_%d = %g ± %g, true %g", j, f.Coef[j], f.StdErr[j], theta[j])
		}
	}
}

// The OLS covariance equals σ²(XᵀX)⁻¹ computed from QR's R: (RᵀR)⁻¹.
func TestOLSStdErr(t *testing.T) {
	const p = 3
	x, y := synth(300, p, []float64{1, 2, 3}, 1, 3)
	f, err := OLS(statsOf(x, y, p))
	if err != nil {
		t.Fatal(err)
	}
	a := mat.NewDense(300, p, x)
	var qr mat.QR
	qr.Factorize(a)
	var r mat.Dense
	qr.RTo(&r)
	var rinv mat.Dense
	if err := rinv.Inverse(r.Slice(0, p, 0, p)); err != nil {
		t.Fatal(err)
	}
	var cov mat.Dense
	cov.Mul(&rinv, rinv.T())
	ref := qrSolve(t, x, y, p, 0, nil)
	rss := residualSS(x, y, p, ref)
	s2 := rss / float64(300-p)
	for j := range p {
		want := math.Sqrt(s2 * cov.At(j, j))
		if math.Abs(f.StdErr[j]-want) > 1e-8*want {
			t.Errorf("stderr %d: %g, want %g", j, f.StdErr[j], want)
		}
	}
}

func TestRankDeficient(t *testing.T) {
	const p = 4
	x, y := synth(200, p, []float64{1, 2, 3, 4}, 0.1, 5)
	// Column 3 duplicates column 1: XᵀX is singular.
	for i := range 200 {
		x[i*p+3] = x[i*p+1]
	}
	f, err := OLS(statsOf(x, y, p))
	if err != nil {
		t.Fatal(err)
	}
	if !f.RankDeficient || f.Rank != 3 {
		t.Fatalf("rank %d deficient %v, want rank 3 reported", f.Rank, f.RankDeficient)
	}
	// The minimum-norm solution splits the duplicated weight evenly and
	// fits as well as the full-rank model without the duplicate.
	xr := make([]float64, 200*3)
	for i := range 200 {
		copy(xr[i*3:], x[i*p:i*p+3])
	}
	ref := qrSolve(t, xr, y, 3, 0, nil)
	want := []float64{ref[0], ref[1] / 2, ref[2], ref[1] / 2}
	if d := relDiff(f.Coef, want); d > 1e-8 {
		t.Errorf("minimum-norm coefficients %v, want %v", f.Coef, want)
	}
}

func TestLassoKKTAndSupport(t *testing.T) {
	const p, n = 12, 3000
	theta := make([]float64, p)
	theta[0], theta[2], theta[5], theta[9] = 1, 2, -1.5, 0.8 // intercept + sparse support {2, 5, 9}
	x, y := synth(n, p, theta, 0.5, 11)
	s := statsOf(x, y, p)
	w := Unpenalized(p, 0)
	lmax, err := LambdaMax(s, w)
	if err != nil {
		t.Fatal(err)
	}
	lams := LambdaGrid(lmax, 1e-4, 30)
	fits, err := LassoPath(s, lams, w, LassoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fits {
		// Converged to 1e-12 relative moves: the KKT residual is of that
		// order; 1e-6 of λ leaves room for the conditioning of XᵀX.
		if v := KKT(s, lams[i], w, f.Coef); v > 1e-6 {
			t.Errorf("λ=%g: KKT violation %g·λ", lams[i], v)
		}
	}
	for j := 1; j < p; j++ {
		if fits[0].Coef[j] != 0 {
			t.Errorf("at λ_max coefficient %d = %g, want 0", j, fits[0].Coef[j])
		}
	}
	// Just below λ_max something enters.
	if f, _ := Lasso(s, 0.99*lmax, w, nil, LassoOptions{}); nonzero(f.Coef[1:]) == 0 {
		t.Error("nothing entered just below λ_max")
	}
	// With RMS-scaled weights, the noise part of the gradient is about
	// 2σ·sqrt(2 ln p/n) ≈ 0.04; three times that recovers exactly the true
	// support, whose gradients at zero are ≥ 2·rms·|θ| ≈ 20.
	ws := ScaledPenalty(s, 0)
	f, err := Lasso(s, 0.12, ws, nil, LassoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v := KKT(s, 0.12, ws, f.Coef); v > 1e-6 {
		t.Errorf("scaled weights: KKT violation %g·λ", v)
	}
	for j := 1; j < p; j++ {
		if (f.Coef[j] != 0) != (theta[j] != 0) {
			t.Errorf("support: θ_%d = %g, true %g", j, f.Coef[j], theta[j])
		}
	}
	// λ → 0 gives least squares.
	f0, _ := Lasso(s, 0, w, nil, LassoOptions{})
	ols, _ := OLS(s)
	if d := relDiff(f0.Coef, ols.Coef); d > 1e-9 {
		t.Errorf("lasso λ=0 %v vs OLS %v", f0.Coef, ols.Coef)
	}
}

func nonzero(x []float64) int {
	c := 0
	for _, v := range x {
		if v != 0 {
			c++
		}
	}
	return c
}

// Toy: y_i = θ x_i + noise, one parameter. The evidence
// ∫ Π_i N(y_i | θx_i, 1/β) N(θ | 0, 1/α) dθ is integrated numerically
// (Simpson's rule on ±15 posterior sd, where the integrand is below e⁻¹¹⁰).
func TestLogEvidenceIntegral(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 12
	xs := make([]float64, n)
	ys := make([]float64, n)
	s := NewStats(1)
	for i := range n {
		xs[i] = rng.NormFloat64()
		ys[i] = 0.7*xs[i] + 0.4*rng.NormFloat64()
		s.Add(xs[i:i+1], ys[i])
	}
	for _, ab := range [][2]float64{{2, 5}, {0.1, 30}, {0, 0}} {
		post, err := Bayes(s, BayesOptions{Alpha: ab[0], Beta: ab[1]})
		if err != nil {
			t.Fatal(err)
		}
		alpha, beta := post.Alpha, post.Beta
		logf := func(th float64) float64 {
			l := 0.5*math.Log(alpha/(2*math.Pi)) - 0.5*alpha*th*th
			for i := range n {
				d := ys[i] - th*xs[i]
				l += 0.5*math.Log(beta/(2*math.Pi)) - 0.5*beta*d*d
			}
			return l
		}
		m, sd := post.Mean[0], post.StdErr[0]
		top := logf(m)
		const k = 4000
		h := 30 * sd / k
		sum := 0.0
		for i := 0; i <= k; i++ {
			wgt := 2.0
			if i == 0 || i == k {
				wgt = 1
			} else if i%2 == 1 {
				wgt = 4
			}
			sum += wgt * math.Exp(logf(m-15*sd+float64(i)*h)-top)
		}
		num := top + math.Log(sum*h/3)
		// Simpson with 4000 panels on a Gaussian integrand: error ~1e-14.
		if math.Abs(num-post.LogEvidence) > 1e-10 {
			t.Errorf("α=%g β=%g: log evidence %.12g, numerical %.12g", alpha, beta, post.LogEvidence, num)
		}
	}
	// At the re-estimated α, β the evidence is stationary.
	post, _ := Bayes(s, BayesOptions{})
	for _, d := range [][2]float64{{1.01, 1}, {0.99, 1}, {1, 1.01}, {1, 0.99}} {
		q, _ := Bayes(s, BayesOptions{Alpha: post.Alpha * d[0], Beta: post.Beta * d[1]})
		if q.LogEvidence > post.LogEvidence+1e-12 {
			t.Errorf("evidence at α×%g β×%g is %g > maximum %g", d[0], d[1], q.LogEvidence, post.LogEvidence)
		}
	}
}

// Posterior mean and predictive variance against a direct dense solve.
func TestBayesPosterior(t *testing.T) {
	const p = 3
	x, y := synth(100, p, []float64{0.5, -1, 2}, 0.7, 9)
	s := statsOf(x, y, p)
	post, err := Bayes(s, BayesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Mean = (α/β I + XᵀX)⁻¹ Xᵀy: Ridge with nλ = α/β.
	w := Unpenalized(p)
	ref := qrSolve(t, x, y, p, post.Alpha/post.Beta/100, w)
	if d := relDiff(post.Mean, ref); d > 1e-9 {
		t.Errorf("posterior mean %v, ridge-equivalent %v", post.Mean, ref)
	}
	a := mat.NewSymDense(p, nil)
	for i := range p {
		for j := range p {
			v := post.Beta * s.XtX[i*p+j]
			if i == j {
				v += post.Alpha
			}
			a.SetSym(i, j, v)
		}
	}
	var ch mat.Cholesky
	ch.Factorize(a)
	xv := mat.NewVecDense(p, []float64{1, 2, -1})
	var sol mat.VecDense
	_ = ch.SolveVecTo(&sol, xv)
	want := 1/post.Beta + mat.Dot(xv, &sol)
	_, got := post.Predict(xv.RawVector().Data)
	if math.Abs(got-want) > 1e-12*want {
		t.Errorf("predictive variance %g, want %g", got, want)
	}
	if post.Gamma <= 0 || post.Gamma > p {
		t.Errorf("γ = %g outside (0, %d]", post.Gamma, p)
	}
	// At the maximum the re-estimation equations of PRML (3.92), (3.95)
	// hold. The search locates ln(α/β) to ~1e-7 (the evidence is flat to
	// second order there), so they hold to ~1e-6.
	a2 := post.Gamma / dot(post.Mean, post.Mean)
	b2 := (post.N - post.Gamma) / post.RSS
	if math.Abs(a2/post.Alpha-1) > 1e-5 || math.Abs(b2/post.Beta-1) > 1e-5 {
		t.Errorf("re-estimation: α %g vs γ/mᵀm %g, β %g vs (n−γ)/RSS %g", post.Alpha, a2, post.Beta, b2)
	}
}

func TestMixture(t *testing.T) {
	w := Weights([]float64{-1000, -1001, math.Inf(-1)})
	e := math.Exp(-1)
	if math.Abs(w[0]-1/(1+e)) > 1e-15 || math.Abs(w[1]-e/(1+e)) > 1e-15 || w[2] != 0 {
		t.Fatalf("weights %v", w)
	}
	mu := []float64{1, 3}
	v := []float64{0.5, 2}
	ww := []float64{0.25, 0.75}
	m, vv := Mixture(ww, mu, v)
	wantM := 0.25*1 + 0.75*3
	wantV := 0.25*(0.5+1) + 0.75*(2+9) - wantM*wantM
	if math.Abs(m-wantM) > 1e-15 || math.Abs(vv-wantV) > 1e-14 {
		t.Fatalf("mixture %g %g, want %g %g", m, vv, wantM, wantV)
	}
	// The quantile of a one-component mixture is the Gaussian quantile
	// (97.5%: 1.959963984540054 sd).
	q := MixtureQuantile(0.975, []float64{1}, []float64{2}, []float64{4})
	if math.Abs(q-(2+2*1.959963984540054)) > 1e-9 {
		t.Errorf("quantile %g", q)
	}
}

// fold statistics of synthetic rows spread over the ranks of c by Owner.
func foldedOn(c comm.Comm, x, y []float64, p int, l Layout) (*Folded, error) {
	buf := reduce.New()
	acc := NewAccumulator(buf, "cv", l)
	for i := range y {
		if l.Owner(i, c.Size()) == c.Rank() {
			acc.Add(i, x[i*p:(i+1)*p], y[i])
		}
	}
	if err := buf.AllReduce(c); err != nil {
		return nil, err
	}
	return acc.Result(), nil
}

func TestAccumulatorMatchesStats(t *testing.T) {
	const p = 4
	x, y := synth(500, p, []float64{1, 2, 3, 4}, 1, 2)
	f, err := foldedOn(comm.NewSerial(), x, y, p, Layout{P: p, Folds: 5, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	direct := statsOf(x, y, p)
	if f.Total.N != 500 || math.Abs(f.Total.YtY-direct.YtY) > 1e-12*direct.YtY || relDiff(f.Total.XtX, direct.XtX) > 1e-12 || relDiff(f.Total.XtY, direct.XtY) > 1e-12 {
		t.Fatalf("total statistics differ from a direct sum")
	}
	// Folds partition the rows; no fold is empty or holds them all.
	n := 0.0
	for k, s := range f.Folds {
		if s.N < 50 || s.N > 150 {
			t.Errorf("fold %d has %g of 500 rows", k, s.N)
		}
		n += s.N
	}
	if n != 500 {
		t.Errorf("folds hold %g rows", n)
	}
}

type rankResult struct {
	ridge, lasso   *CV
	weights, pseud []float64
	boot           *Bootstrapped
}

// same compares to 1e-12 relative (the required bound; in practice the
// values are bit-identical).
func same(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12*math.Max(math.Abs(a[i]), math.Abs(b[i])) {
			return false
		}
	}
	return true
}

func (a *rankResult) equal(b *rankResult) bool {
	for _, pair := range [][2]*CV{{a.ridge, b.ridge}, {a.lasso, b.lasso}} {
		x, y := pair[0], pair[1]
		if !same(x.Score, y.Score) || !same(x.SE, y.SE) || x.Chosen != y.Chosen || x.Lambda() != y.Lambda() {
			return false
		}
		for i := range x.FoldMSE {
			if !same(x.FoldMSE[i], y.FoldMSE[i]) {
				return false
			}
		}
	}
	return same(a.weights, b.weights) && same(a.pseud, b.pseud) && same(a.boot.StdErr, b.boot.StdErr)
}

// Every CV score, chosen λ, BMA weight and bootstrap error is the same for
// 1, 2 and 3 in-process ranks.
func TestRankIndependence(t *testing.T) {
	const p = 5
	x, y := synth(1000, p, []float64{1, 0.5, 0, -0.2, 0.1}, 1, 21)
	l := Layout{P: p, Folds: 5, Seed: 4}
	run := func(c comm.Comm) (*rankResult, error) {
		f, err := foldedOn(c, x, y, p, l)
		if err != nil {
			return nil, err
		}
		r := &rankResult{}
		w := Unpenalized(p, 0)
		if r.ridge, err = CrossValidate(f, LambdaGrid(1, 1e-4, 9), RidgeFitter(w), CVOptions{OneSE: true}); err != nil {
			return nil, err
		}
		if r.lasso, err = CrossValidate(f, LambdaGrid(1, 1e-4, 9), LassoFitter(w, LassoOptions{}), CVOptions{}); err != nil {
			return nil, err
		}
		var ev, el []float64
		for _, m := range [][]int{{0, 1}, {0, 1, 2}, {0, 1, 3, 4}, {0, 1, 2, 3, 4}} {
			sub := f.Subset(m)
			post, err := Bayes(sub.Total, BayesOptions{})
			if err != nil {
				return nil, err
			}
			elpd, _, err := CVLogPredictive(sub, BayesOptions{})
			if err != nil {
				return nil, err
			}
			ev = append(ev, post.LogEvidence)
			el = append(el, elpd)
		}
		r.weights, r.pseud = Weights(ev), Weights(el)
		r.boot, err = Bootstrap(f, 50, 8, func(s *Stats) ([]float64, error) {
			g, err := OLS(s)
			if err != nil {
				return nil, err
			}
			return g.Coef, nil
		})
		return r, err
	}
	var results [4]*rankResult
	for _, size := range []int{1, 2, 3} {
		rs := make([]*rankResult, size)
		err := comm.RunLocal(size, func(c comm.Comm) error {
			r, err := run(c)
			rs[c.Rank()] = r
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs[1:] {
			if !r.equal(rs[0]) {
				t.Fatalf("%d ranks: ranks disagree", size)
			}
		}
		results[size] = rs[0]
	}
	a := results[1]
	// The test is only meaningful when the weights are not all 0 or 1.
	if a.weights[0] > 0.999999 || a.pseud[0] > 0.999999 {
		t.Logf("weights %v %v", a.weights, a.pseud)
	}
	for size := 2; size <= 3; size++ {
		b := results[size]
		if !a.equal(b) {
			t.Errorf("%d ranks differ from 1 rank:\nridge %v / %v\nlasso %v / %v\nweights %v / %v\npseudo %v / %v",
				size, a.ridge.Score, b.ridge.Score, a.lasso.Score, b.lasso.Score, a.weights, b.weights, a.pseud, b.pseud)
		}
	}
}
