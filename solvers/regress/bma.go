package regress

import (
	"math"
)

// Weights turns log scores into normalised weights, exp(l_k − max l)/Σ:
// evidence (+ log prior) gives BMA weights, cross-validated log predictive
// density gives pseudo-BMA weights. Entries of −Inf get weight zero.
func Weights(logScores []float64) []float64 {
	w := make([]float64, len(logScores))
	top := math.Inf(-1)
	for _, l := range logScores {
		top = max(top, l)
	}
	if math.IsInf(top, -1) {
		return w
	}
	sum := 0.0
	for i, l := range logScores {
		w[i] = math.Exp(l - top)
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// Mixture is the model-averaged prediction: a mixture of the models'
// predictive distributions with weights w, means mu and variances v. Its
// mean is Σ w_k μ_k and its variance Σ w_k (v_k + μ_k²) − mean², computed
// as Σ w_k (v_k + (μ_k − mean)²) to avoid cancellation.
func Mixture(w, mu, v []float64) (mean, variance float64) {
	for k := range w {
		mean += w[k] * mu[k]
	}
	for k := range w {
		d := mu[k] - mean
		variance += w[k] * (v[k] + d*d)
	}
	return mean, variance
}

// MixtureQuantile returns the q-quantile of a Gaussian mixture by
// bisection on its distribution function.
func MixtureQuantile(q float64, w, mu, v []float64) float64 {
	mean, variance := Mixture(w, mu, v)
	sd := math.Sqrt(variance)
	lo, hi := mean-20*sd, mean+20*sd
	cdf := func(x float64) float64 {
		c := 0.0
		for k := range w {
			if w[k] == 0 {
				continue
			}
			c += w[k] * 0.5 * math.Erfc(-(x-mu[k])/math.Sqrt(2*v[k]))
		}
		return c
	}
	for range 200 {
		mid := 0.5 * (lo + hi)
		if cdf(mid) < q {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-12*math.Max(1, math.Abs(mid)) {
			break
		}
	}
	return 0.5 * (lo + hi)
}
