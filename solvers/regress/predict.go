package regress

// Predictive returns the predictive mean xᵀθ and variance σ² + xᵀ Cov x of a
// new row x; for the Lasso, which has no covariance, the variance is σ²
// alone.
func (f *Fit) Predictive(x []float64) (mean, variance float64) {
	variance = f.Sigma2
	if f.Cov != nil {
		p := len(x)
		for i := range p {
			for j := range p {
				variance += x[i] * f.Cov[i*p+j] * x[j]
			}
		}
	}
	return f.Predict(x), variance
}

// MixtureInterval returns the central interval holding probability level
// of a Gaussian mixture (weights w, means mu, variances v): its
// (1−level)/2 and (1+level)/2 quantiles. One component with weight 1 gives
// the Gaussian interval.
func MixtureInterval(level float64, w, mu, v []float64) (lo, hi float64) {
	return MixtureQuantile((1-level)/2, w, mu, v), MixtureQuantile((1+level)/2, w, mu, v)
}

// Average is a Bayesian model average: model k is the posterior Models[k]
// over the columns Columns[k] of a common design row, with weight
// Weights[k] (from Weights of the log evidences or of cross-validated log
// predictive densities).
type Average struct {
	Weights []float64
	Models  []*Posterior
	Columns [][]int
}

// Components returns the predictive means and variances of every model
// for the design row x.
func (a *Average) Components(x []float64) (mu, v []float64) {
	mu, v = make([]float64, len(a.Models)), make([]float64, len(a.Models))
	xs := make([]float64, len(x))
	for k, m := range a.Models {
		for i, j := range a.Columns[k] {
			xs[i] = x[j]
		}
		mu[k], v[k] = m.Predict(xs[:len(a.Columns[k])])
	}
	return mu, v
}

// Predict returns the mean and variance of the predictive mixture at x.
func (a *Average) Predict(x []float64) (mean, variance float64) {
	mu, v := a.Components(x)
	return Mixture(a.Weights, mu, v)
}

// Interval returns the central predictive interval of probability level at
// x: the quantiles of the mixture, not of a Gaussian of its variance.
func (a *Average) Interval(level float64, x []float64) (lo, hi float64) {
	mu, v := a.Components(x)
	return MixtureInterval(level, a.Weights, mu, v)
}
