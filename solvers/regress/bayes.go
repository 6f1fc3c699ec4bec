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
	// when positive; otherwise they are re-estimated to maximise the
	// evidence.
	Alpha, Beta float64
	// Tol is the relative change of α and β that ends the re-estimation
	// (default 1e-12); MaxIter bounds it (default 10000).
	Tol     float64
	MaxIter int
}

// Posterior is the Bayesian linear regression of Bishop, PRML §3.5:
// prior θ ~ N(0, α⁻¹I), likelihood y ~ N(Xθ, β⁻¹), posterior N(Mean, Cov)
// with Cov = (αI + βXᵀX)⁻¹ and Mean = β Cov Xᵀy.
type Posterior struct {
	Alpha, Beta float64
	Mean        []float64
	Cov         []float64 // P×P row-major
	StdErr      []float64 // posterior standard deviations of θ
	Gamma       float64   // effective number of parameters Σ βe_i/(α + βe_i)
	LogEvidence float64   // ln p(y | α, β), PRML (3.86)
	RSS         float64   // ‖y − X·Mean‖² on the training rows
	N           float64
	Iterations  int
}

// Bayes fits Bayesian linear regression from the statistics, maximising the
// evidence over α and β by the fixed-point updates of PRML (3.92) and (3.95):
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
	// Start from the least-squares fit.
	alpha, beta := opt.Alpha, opt.Beta
	if alpha <= 0 || beta <= 0 {
		ols, err := OLS(s)
		if err != nil {
			return nil, err
		}
		mm := dot(ols.Coef, ols.Coef)
		if alpha <= 0 {
			alpha = float64(p) / math.Max(mm, math.SmallestNonzeroFloat64)
		}
		if beta <= 0 {
			beta = s.N / math.Max(ols.RSS, s.YtY*1e-30+math.SmallestNonzeroFloat64)
		}
	}
	tol := opt.Tol
	if tol <= 0 {
		tol = 1e-12
	}
	maxIter := opt.MaxIter
	if maxIter <= 0 {
		maxIter = 10000
	}
	var gamma float64
	for it := 1; ; it++ {
		mean(alpha, beta)
		gamma = 0
		for _, ek := range e {
			gamma += beta * ek / (alpha + beta*ek)
		}
		rss := s.RSS(post.Mean)
		post.Iterations = it
		if opt.Alpha > 0 && opt.Beta > 0 {
			break
		}
		na, nb := alpha, beta
		if opt.Alpha <= 0 {
			mm := dot(post.Mean, post.Mean)
			if mm == 0 {
				return nil, errors.New("regress: evidence maximisation drove the weights to zero (the target has no linear signal in these features)")
			}
			na = gamma / mm
		}
		if opt.Beta <= 0 {
			if s.N-gamma <= 0 || rss == 0 {
				return nil, fmt.Errorf("regress: evidence maximisation needs more rows than effective parameters (n = %g, γ = %g) and a non-zero residual", s.N, gamma)
			}
			nb = (s.N - gamma) / rss
		}
		done := math.Abs(na-alpha) <= tol*alpha && math.Abs(nb-beta) <= tol*beta
		alpha, beta = na, nb
		if done {
			mean(alpha, beta)
			gamma = 0
			for _, ek := range e {
				gamma += beta * ek / (alpha + beta*ek)
			}
			break
		}
		if it >= maxIter {
			return nil, fmt.Errorf("regress: evidence maximisation did not converge in %d iterations (α = %g, β = %g)", it, alpha, beta)
		}
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
