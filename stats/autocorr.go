package stats

import (
	"math/bits"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Autocorrelation returns the normalised autocorrelation function of x for
// lags 0…maxLag (clipped to len(x) − 1):
//
//	ρ(t) = Σ_{i<n−t} (x_i − x̄)(x_{i+t} − x̄) / Σ_i (x_i − x̄)²,
//
// the usual estimator with the 1/n normalisation at every lag, which keeps
// ρ positive semi-definite. It costs O(n log n) by FFT. A series with no
// spread has no measurable correlation: ρ = 1, 0, 0, …. Empty input gives nil.
func Autocorrelation(x []float64, maxLag int) []float64 {
	n := len(x)
	if n == 0 || maxLag < 0 {
		return nil
	}
	maxLag = min(maxLag, n-1)
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	// Zero-padding to at least 2n turns the FFT's circular correlation into
	// the linear one.
	m := 1 << bits.Len(uint(2*n-1))
	seq := make([]float64, m)
	for i, v := range x {
		seq[i] = v - mean
	}
	fft := fourier.NewFFT(m)
	c := fft.Coefficients(nil, seq)
	for i, z := range c {
		c[i] = complex(real(z)*real(z)+imag(z)*imag(z), 0)
	}
	acf := fft.Sequence(seq, c)
	rho := make([]float64, maxLag+1)
	rho[0] = 1
	if acf[0] <= 0 {
		return rho
	}
	for t := 1; t <= maxLag; t++ {
		rho[t] = acf[t] / acf[0]
	}
	return rho
}

// IntegratedTime estimates the integrated autocorrelation time
// τ = 1 + 2 Σ_{t≥1} ρ(t) (in samples; 1 for independent samples, the
// convention of Estimate.Tau) with Sokal's automatic window: the sum runs to
// the smallest W with W ≥ 5 τ(W). When no window up to n/2 qualifies, the
// series is too short for its correlation time; the estimate at W = n/2 is
// returned with ok false.
func IntegratedTime(x []float64) (tau float64, window int, ok bool) {
	const c = 5
	n := len(x)
	if n < 4 {
		return 1, 0, false
	}
	rho := Autocorrelation(x, n/2)
	tau = 1
	for w := 1; w < len(rho); w++ {
		tau += 2 * rho[w]
		if float64(w) >= c*tau {
			return tau, w, true
		}
	}
	return tau, len(rho) - 1, false
}
