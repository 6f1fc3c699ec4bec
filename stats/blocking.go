package stats

import (
	"math"
	"math/bits"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// Estimate is a mean with its error bar from one or more correlated chains.
// The zero value (N == 0) means "no data".
type Estimate struct {
	N        int     // number of samples
	Mean     float64 // sample mean
	Variance float64 // unbiased sample variance of the samples (not of the mean)
	Error    float64 // standard error of the mean; NaN when N == 1
	// Tau is the integrated autocorrelation time in units of samples,
	// Error²·N/Variance: 1 for independent samples. It is 1 when the
	// variance vanishes.
	Tau float64
	// ESS is the effective sample size N/Tau (+Inf if the error vanishes
	// while the variance does not, as for a strictly alternating series).
	ESS float64
	// Level is the blocking level used: blocks of 2^Level samples. Combine
	// reports the largest level of its chains.
	Level int
}

// Confidence level of the χ² test that decides when blocks are uncorrelated.
const blockingConfidence = 0.99

// maxLevels bounds the number of blocking levels (2^64 samples).
const maxLevels = 64

var (
	chi2Once sync.Once
	chi2Q    [maxLevels + 1]float64 // chi2Q[k]: 99 % quantile of χ² with k degrees of freedom
)

func chi2Quantile(df int) float64 {
	chi2Once.Do(func() {
		for k := 1; k <= maxLevels; k++ {
			chi2Q[k] = distuv.ChiSquared{K: float64(k)}.Quantile(blockingConfidence)
		}
	})
	return chi2Q[df]
}

// levelStat holds what the level choice needs from one blocking level.
type levelStat struct {
	n   float64 // number of blocks
	ss  float64 // Σ (b_i − b̄)²
	lag float64 // Σ_{i<n−1} (b_i − b̄)(b_{i+1} − b̄)
}

// chooseLevel returns the first level j whose statistic
// M_j = Σ_{k≥j} n_k (γ_k/s_k²)² lies below the 99 % quantile of χ² with
// len(ls) − j degrees of freedom, or the last level when none does.
func chooseLevel(ls []levelStat) int {
	d := len(ls)
	var m [maxLevels]float64
	sum := 0.0
	for k := d - 1; k >= 0; k-- {
		if ls[k].ss > 0 {
			r := ls[k].lag / ls[k].ss // γ_k/s_k²: both carry the same 1/n_k
			sum += ls[k].n * r * r
		}
		m[k] = sum
	}
	for j := 0; j < d; j++ {
		if m[j] < chi2Quantile(d-j) {
			return j
		}
	}
	return d - 1
}

// finish builds the Estimate of n samples with the given mean, sum of squared
// deviations ss0 and per-level statistics.
func finish(n int, mean, ss0 float64, ls []levelStat) Estimate {
	e := Estimate{N: n, Mean: mean}
	if n < 2 {
		e.Error, e.Tau, e.ESS = math.NaN(), math.NaN(), float64(n)
		return e
	}
	e.Variance = ss0 / float64(n-1)
	j := chooseLevel(ls)
	e.Level = j
	// Unbiased variance of the block means times the block length over the
	// number of samples; see the package comment for non-powers of two.
	errVar := ls[j].ss / (ls[j].n - 1) * math.Ldexp(1, j) / float64(n)
	e.Error = math.Sqrt(errVar)
	e.Tau, e.ESS = 1, float64(n)
	if e.Variance > 0 {
		e.Tau = errVar * float64(n) / e.Variance
		e.ESS = float64(n) / e.Tau
	}
	return e
}

// Blocking estimates the mean of a correlated series and its error with the
// automated blocking method (see the package comment, also for lengths that
// are not powers of two). It does not modify x.
func Blocking(x []float64) Estimate {
	n := len(x)
	if n == 0 {
		return Estimate{}
	}
	d := bits.Len(uint(n)) - 1 // levels with at least two blocks
	ls := make([]levelStat, d)
	buf := append([]float64(nil), x...)
	mean, ss0 := 0.0, 0.0
	for k, m := 0, n; ; k++ {
		b := buf[:m]
		mu := 0.0
		for _, v := range b {
			mu += v
		}
		mu /= float64(m)
		var ss, lag, prev float64
		for i, v := range b {
			dv := v - mu
			ss += dv * dv
			if i > 0 {
				lag += prev * dv
			}
			prev = dv
		}
		if k == 0 {
			mean, ss0 = mu, ss
		}
		if k >= d {
			break
		}
		ls[k] = levelStat{n: float64(m), ss: ss, lag: lag}
		m /= 2
		for i := 0; i < m; i++ {
			buf[i] = (buf[2*i] + buf[2*i+1]) / 2
		}
	}
	return finish(n, mean, ss0, ls)
}

// Combine merges estimates of independent chains (walkers, ranks) of the same
// quantity: the pooled mean, the pooled sample variance (within plus between
// chains), and the variance of the mean Σ n_c² Error_c² / N². Chains with
// N == 0 are skipped.
func Combine(chains []Estimate) Estimate {
	var n int
	ref := math.NaN() // a chain mean, to sum small differences
	for _, c := range chains {
		if c.N > 0 {
			if n == 0 {
				ref = c.Mean
			}
			n += c.N
		}
	}
	if n == 0 {
		return Estimate{}
	}
	N := float64(n)
	var dmean, errVar float64
	level := 0
	for _, c := range chains {
		if c.N == 0 {
			continue
		}
		w := float64(c.N)
		dmean += w * (c.Mean - ref)
		errVar += w * w * c.Error * c.Error
		level = max(level, c.Level)
	}
	mean := ref + dmean/N
	errVar /= N * N
	e := Estimate{N: n, Mean: mean, Error: math.Sqrt(errVar), Level: level}
	if n < 2 {
		e.Tau, e.ESS = math.NaN(), N
		return e
	}
	ss := 0.0
	for _, c := range chains {
		if c.N == 0 {
			continue
		}
		dm := c.Mean - mean
		ss += float64(c.N-1)*c.Variance + float64(c.N)*dm*dm
	}
	e.Variance = ss / (N - 1)
	e.Tau, e.ESS = 1, N
	if e.Variance > 0 {
		e.Tau = errVar * N / e.Variance
		e.ESS = N / e.Tau
	}
	return e
}

// CombineSums gives the mean and its standard error of independent chains
// from Σ n_c, Σ n_c·mean_c and Σ n_c²·var(mean_c), the three numbers that
// travel through an all-reduce (see Blocker.Summary). Both are NaN when
// sumN is 0.
func CombineSums(sumN, sumNMean, sumN2Var float64) (mean, err float64) {
	if sumN == 0 {
		return math.NaN(), math.NaN()
	}
	return sumNMean / sumN, math.Sqrt(sumN2Var) / sumN
}
