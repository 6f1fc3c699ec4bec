package stats

import (
	"fmt"
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
	Variance float64 // unbiased sample variance within the chains (not of the mean)
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
	// Chains is the number of independent chains pooled.
	Chains int
	// RHat is the split-R̂ of the chains (see the package comment): close to
	// 1 when every chain samples the same distribution, NaN when the
	// chains are too short to be split.
	RHat float64
	// Short reports a series too short for its error bar to be trusted:
	// fewer than ShortTaus·Tau samples per chain, or no blocking level at
	// which the blocks are uncorrelated.
	Short bool
}

// ShortTaus is the number of autocorrelation times per chain below which
// an Estimate is Short: with fewer, the error bar is measurably too small
// (by ~10 % at 25 τ, see the package comment).
const ShortTaus = 50

// Warning is a sentence explaining why the estimate is Short, or "".
func (e Estimate) Warning() string {
	if !e.Short {
		return ""
	}
	perChain := float64(e.N) / float64(max(e.Chains, 1))
	return fmt.Sprintf("series too short for a trustworthy error bar: %.0f samples per chain, need at least %d τ = %.0f (τ = %.3g); the error may be underestimated",
		perChain, ShortTaus, ShortTaus*e.Tau, e.Tau)
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

// levelStat holds what the level choice needs from one blocking level,
// summed over the chains that have at least two blocks there.
type levelStat struct {
	n      float64 // number of blocks
	ss     float64 // Σ (b_i − b̄)², each chain about its own mean
	lag    float64 // Σ_{i<n−1} (b_i − b̄)(b_{i+1} − b̄) within each chain
	chains float64 // chains contributing
}

// chooseLevel returns the first level j whose statistic
// M_j = Σ_{k≥j} n_k (γ_k/s_k²)² lies below the 99 % quantile of χ² with
// len(ls) − j degrees of freedom, or the last level with ok false when
// none does.
func chooseLevel(ls []levelStat) (j int, ok bool) {
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
			return j, true
		}
	}
	return d - 1, false
}

// finish builds the Estimate of n samples in chains chains with the given
// mean, per-level statistics (level 0 the samples themselves) and
// between-chain sum of squares ssb = Σ_c n_c (mean_c − mean)².
func finish(n int, mean float64, ls []levelStat, ssb float64) Estimate {
	e := Estimate{N: n, Mean: mean, RHat: math.NaN()}
	if n < 2 || len(ls) == 0 {
		e.Error, e.Tau, e.ESS = math.NaN(), math.NaN(), float64(n)
		if len(ls) == 0 {
			e.Short = n > 0
		}
		return e
	}
	e.Chains = int(ls[0].chains)
	e.Variance = ls[0].ss / (ls[0].n - ls[0].chains)
	j, ok := chooseLevel(ls)
	e.Level = j
	l := ls[j]
	// Unbiased variance of the block means times the block length over the
	// number of samples, times the lag-1 correction (package comment).
	errVar := l.ss / (l.n - l.chains) * math.Ldexp(1, j) / float64(n)
	if l.ss > 0 {
		errVar *= 1 + 2*max(l.lag/l.ss+l.chains/l.n, 0)
	}
	e.Error = math.Sqrt(errVar)
	e.Tau, e.ESS = 1, float64(n)
	if e.Variance > 0 {
		e.Tau = errVar * float64(n) / e.Variance
		e.ESS = float64(n) / e.Tau
	}
	e.Short = !ok || float64(n)/ls[0].chains < ShortTaus*e.Tau
	e.RHat = splitRHat(ls, ssb)
	return e
}

// splitRHat is the split-R̂ of Gelman et al. with the chains cut into the
// blocks of the highest level that every chain reaches (2 or 3 segments per
// chain, of 2^s samples each):
//
//	R̂² = ((B−1)/B · W + V)/W,
//
// W the variance within segments, V the variance of the segment means
// about the grand mean, B the segment length. Segment sums come from the
// blocking levels: Σ within = Σ_0 − B·Σ_s, and the segments' spread about
// the grand mean is Σ_s + ssb/B, exact when the segments cover the chains.
func splitRHat(ls []levelStat, ssb float64) float64 {
	s := 0
	for s+1 < len(ls) && ls[s+1].chains == ls[0].chains {
		s++
	}
	if s == 0 {
		return math.NaN()
	}
	B := math.Ldexp(1, s)
	m := ls[s].n
	w := max(ls[0].ss-B*ls[s].ss, 0) / (ls[0].n - m)
	v := (ls[s].ss + ssb/B) / (m - 1)
	if w == 0 {
		if v == 0 {
			return 1
		}
		return math.Inf(1)
	}
	return math.Sqrt(((B-1)/B*w + v) / w)
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
	mean := 0.0
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
			mean = mu
		}
		if k >= d {
			break
		}
		ls[k] = levelStat{n: float64(m), ss: ss, lag: lag, chains: 1}
		m /= 2
		for i := 0; i < m; i++ {
			buf[i] = (buf[2*i] + buf[2*i+1]) / 2
		}
	}
	return finish(n, mean, ls, 0)
}

// Combine merges estimates of independent chains (walkers, ranks) of the same
// quantity: the pooled mean, the pooled sample variance (within plus between
// chains), and the variance of the mean Σ n_c² Error_c² / N². Chains with
// N == 0 are skipped. When the chains' Blockers are at hand, pooling their
// levels (AddSums, FromSums) gives a better error bar: the level choice
// and the variance at that level then see every chain's blocks.
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
	e := Estimate{N: n, Mean: mean, Error: math.Sqrt(errVar), Level: level, RHat: math.NaN()}
	for _, c := range chains {
		if c.N == 0 {
			continue
		}
		e.Chains += max(c.Chains, 1)
		e.Short = e.Short || c.Short
	}
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
