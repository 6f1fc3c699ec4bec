// Package stats turns correlated Monte Carlo series into honest error bars.
//
// Samples from one Markov chain are correlated, so the naive σ/√n underestimates
// the error of the mean. The blocking method (Flyvbjerg and Petersen, J. Chem.
// Phys. 91, 461 (1989)) repeatedly averages neighbouring pairs of samples; once
// the blocks are longer than the correlation time their variance divided by
// their number is the variance of the mean. The level at which to stop is
// chosen automatically with the test of M. Jonsson, Phys. Rev. E 98, 043304
// (2018): at level k (n_k blocks, variance s_k², lag-1 autocovariance γ_k) the
// statistic
//
//	M_j = Σ_{k=j}^{d−1} n_k (γ_k/s_k²)²
//
// is χ²-distributed with d − j degrees of freedom when the blocks from level j
// on are uncorrelated; the first level j with M_j below the 99 % quantile is
// used (the last level when none is). The test stops as soon as the
// remaining correlation between blocks is no longer detectable, so the error
// keeps a small downward bias of the order of its own statistical
// uncertainty (a few per cent for 10⁵–10⁶ samples of a chain with τ ≈ 20).
//
// Blocking works on a stored series; Blocker does the same as a stream with
// O(log n) memory and no allocation per sample, and can be checkpointed with
// MarshalBinary. Independent chains (walkers, ranks) are combined with Combine,
// or through three sums with CombineSums when they travel through an
// all-reduce. Autocorrelation and IntegratedTime (Sokal's windowed sum)
// give the autocorrelation function and an independent estimate of τ for
// diagnostics and plots.
//
// # Series whose length is not a power of two
//
// Level k is made of the ⌊n/2^k⌋ complete blocks of 2^k consecutive samples; a
// trailing incomplete block is left out of that level only. The mean is always
// the mean of all n samples, the lower levels see (almost) all of them, and the
// stream needs no advance knowledge of n. The levels used are those with at
// least two blocks, d = ⌊log₂ n⌋ of them. The variance of the mean at the
// chosen level j is σ̂_j²·2^j/n, with σ̂_j² the unbiased variance of the block
// means; for n = 2^d this is the textbook s_j²/(n_j − 1).
package stats
