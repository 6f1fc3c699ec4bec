package regress

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// BayesOptions tune evidence maximisation. The zero value is usable.
type BayesOptions struct {
	// Alpha and Beta fix the prior precision α and the noise precision β
	// when positive; otherwise they are chosen to maximise the evidence.
	Alpha, Beta float64
}

// Posterior is the Bayesian linear regression of Bishop, PRML §3.5:
// prior θ ~ N(0, α⁻¹I), likelihood y ~ N(Xθ, β⁻¹), posterior N(Mean, Cov)
// with Cov = (αI + βXᵀX)⁻¹ and Mean = β Cov Xᵀy. Every coefficient, an
// intercept column included, shares the prior precision α, so the features'
// units matter: the evidence compares models under that prior.
type Posterior struct {
	Alpha, Beta float64
	Mean        []float64
	Cov         []float64 // P×P row-major
	StdErr      []float64 // posterior standard deviations of θ
	Gamma       float64   // effective number of parameters Σ βe_i/(α + βe_i)
	LogEvidence float64   // ln p(y | α, β), PRML (3.86)
	RSS         float64   // ‖y − X·Mean‖² on the training rows
	N           float64
	Iterations  int // evidence evaluations of the search
}

// Bayes fits Bayesian linear regression from the statistics, maximising the
// evidence over α and β (where not fixed by opt). At the maximum the
// re-estimation equations of PRML (3.92) and (3.95) hold:
// α = γ/mᵀm, 1/β = ‖y − Xm‖²/(n − γ).
func Bayes(s *Stats, opt BayesOptions) (*Posterior, error) {
	if err := checkStats(s); err != nil {
		return nil, err
	}
	p := s.P
	sym := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			sym.SetSym(i, j, 0.5*(s.XtX[i*p+j]+s.XtX[j*p+i]))
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, true) {
		return nil, errors.New("regress: eigen-decomposition of XᵀX did not converge")
	}
	e := es.Values(nil)
	for i := range e {
		e[i] = max(e[i], 0) // round-off can make zero eigenvalues slightly negative
	}
	var v mat.Dense
	es.VectorsTo(&v)
	// Project Xᵀy on the eigenvectors once: m = β V diag(1/(α+βe)) Vᵀ Xᵀy.
	vc := make([]float64, p)
	for k := range p {
		for i := range p {
			vc[k] += v.At(i, k) * s.XtY[i]
		}
	}
	post := &Posterior{N: s.N, Mean: make([]float64, p)}
	mean := func(alpha, beta float64) {
		clear(post.Mean)
		for k := range p {
			c := beta * vc[k] / (alpha + beta*e[k])
			for i := range p {
				post.Mean[i] += v.At(i, k) * c
			}
		}
	}
	// ln p(y|α,β) up to the constant −n/2 ln 2π (PRML 3.86), from the
	// eigen-decomposition: O(p²) per evaluation.
	logEv := func(alpha, beta float64) float64 {
		mean(alpha, beta)
		l := float64(p)/2*math.Log(alpha) + s.N/2*math.Log(beta) - beta/2*s.RSS(post.Mean) - alpha/2*dot(post.Mean, post.Mean)
		for _, ek := range e {
			l -= math.Log(alpha+beta*ek) / 2
		}
		return l
	}
	emax := 0.0
	for _, ek := range e {
		emax = max(emax, ek)
	}
	if emax == 0 {
		return nil, errors.New("regress: Bayesian regression needs a non-zero design (XᵀX = 0)")
	}
	alpha, beta := opt.Alpha, opt.Beta
	switch {
	case alpha > 0 && beta > 0:
	case alpha <= 0 && beta <= 0:
		// Maximise over r = α/β with β profiled out: for fixed r the
		// posterior mean m_r does not depend on β, and the evidence is
		// largest at β = n/E(r), E(r) = ‖y − Xm_r‖² + r‖m_r‖². The
		// stationary point is that of the re-estimation equations
		// α = γ/mᵀm, β = (n − γ)/‖y − Xm‖² (PRML 3.92, 3.95), found here
		// by a bracketing search, robust where the fixed-point iteration
		// crawls (nearly collinear features).
		profile := func(t float64) float64 {
			r := math.Exp(t)
			mean(r, 1)
			en := s.RSS(post.Mean) + r*dot(post.Mean, post.Mean)
			if en <= 0 {
				return math.Inf(-1)
			}
			l := float64(p)/2*math.Log(r) - s.N/2*math.Log(en)
			for _, ek := range e {
				l -= math.Log(r+ek) / 2
			}
			return l
		}
		t, n := maximize1D(profile, math.Log(emax)-45, math.Log(emax)+10)
		post.Iterations = n
		r := math.Exp(t)
		mean(r, 1)
		en := s.RSS(post.Mean) + r*dot(post.Mean, post.Mean)
		if en <= 0 {
			return nil, errors.New("regress: evidence maximisation needs a non-zero residual")
		}
		beta = s.N / en
		alpha = r * beta
	case alpha > 0:
		t, n := maximize1D(func(t float64) float64 { return logEv(alpha, math.Exp(t)) }, -50, 50)
		beta, post.Iterations = math.Exp(t), n
	default:
		t, n := maximize1D(func(t float64) float64 { return logEv(math.Exp(t), beta) }, math.Log(beta*emax)-45, math.Log(beta*emax)+10)
		alpha, post.Iterations = math.Exp(t), n
	}
	if math.IsNaN(alpha) || math.IsNaN(beta) || alpha <= 0 || beta <= 0 || math.IsInf(alpha, 0) || math.IsInf(beta, 0) {
		return nil, fmt.Errorf("regress: evidence maximisation failed (α = %g, β = %g)", alpha, beta)
	}
	mean(alpha, beta)
	gamma := 0.0
	for _, ek := range e {
		gamma += beta * ek / (alpha + beta*ek)
	}
	post.Alpha, post.Beta, post.Gamma = alpha, beta, gamma
	post.RSS = s.RSS(post.Mean)
	post.Cov = make([]float64, p*p)
	for k := range p {
		c := 1 / (alpha + beta*e[k])
		for i := range p {
			vik := v.At(i, k) * c
			for j := range p {
				post.Cov[i*p+j] += vik * v.At(j, k)
			}
		}
	}
	post.StdErr = make([]float64, p)
	for i := range p {
		post.StdErr[i] = math.Sqrt(post.Cov[i*p+i])
	}
	// PRML (3.86): ln p(y|α,β) = M/2 ln α + N/2 ln β − E(m) − ½ ln|A| − N/2 ln 2π,
	// E(m) = β/2 ‖y − Xm‖² + α/2 mᵀm, |A| = Π(α + βe_i).
	logDetA := 0.0
	for _, ek := range e {
		logDetA += math.Log(alpha + beta*ek)
	}
	em := beta/2*post.RSS + alpha/2*dot(post.Mean, post.Mean)
	post.LogEvidence = float64(p)/2*math.Log(alpha) + s.N/2*math.Log(beta) - em - logDetA/2 - s.N/2*math.Log(2*math.Pi)
	return post, nil
}

// Predict returns the predictive mean xᵀm and variance 1/β + xᵀ Cov x
// (PRML 3.58–3.59).
func (b *Posterior) Predict(x []float64) (mean, variance float64) {
	p := len(b.Mean)
	mean = dot(b.Mean, x)
	variance = 1 / b.Beta
	for i := range p {
		variance += x[i] * dot(b.Cov[i*p:(i+1)*p], x)
	}
	return mean, variance
}

// LogPredictive is the log predictive density of held-out rows with
// statistics h, from the statistics alone. The per-row predictive variance
// 1/β + xᵀCov x is replaced by its average over the rows,
// σ̄² = 1/β + tr(Cov·XᵀX_h)/n_h, so that
// ln p = −n_h/2 ln(2πσ̄²) − RSS_h/(2σ̄²).
func (b *Posterior) LogPredictive(h *Stats) float64 {
	if h.N == 0 {
		return 0
	}
	p := len(b.Mean)
	tr := 0.0
	for i := range p {
		for j := range p {
			tr += b.Cov[i*p+j] * h.XtX[j*p+i]
		}
	}
	s2 := 1/b.Beta + tr/h.N
	return -h.N/2*math.Log(2*math.Pi*s2) - h.RSS(b.Mean)/(2*s2)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// maximize1D finds the maximum of f on [lo, hi]: a scan on 400 points,
// then golden-section search between the neighbours of the best point,
// down to a width of 1e-11. It returns the argument and the number of
// evaluations.
func maximize1D(f func(float64) float64, lo, hi float64) (float64, int) {
	const grid = 400
	h := (hi - lo) / grid
	best, fb := lo, f(lo)
	evals := 1
	for i := 1; i <= grid; i++ {
		x := lo + float64(i)*h
		if v := f(x); v > fb || math.IsNaN(fb) {
			best, fb = x, v
		}
		evals++
	}
	a, b := best-h, best+h
	const g = 0.6180339887498949 // (√5 − 1)/2
	x1, x2 := b-g*(b-a), a+g*(b-a)
	f1, f2 := f(x1), f(x2)
	evals += 2
	for b-a > 1e-11 {
		if f1 >= f2 {
			b, x2, f2 = x2, x1, f1
			x1 = b - g*(b-a)
			f1 = f(x1)
		} else {
			a, x1, f1 = x1, x2, f2
			x2 = a + g*(b-a)
			f2 = f(x2)
		}
		evals++
	}
	if f1 >= f2 && f1 > fb {
		return x1, evals
	}
	if f2 > fb {
		return x2, evals
	}
	return best, evals
}
