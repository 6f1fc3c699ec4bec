package stats

import (
	"math"
	"math/bits"
)

// Independent chains (walkers, ranks) are pooled level by level: at every
// blocking level their block counts, sums of squares and lag-1 sums add up,
// so that the level choice and the variance at the chosen level see every
// chain's blocks. The sums travel as one flat slice through an all-reduce:
//
//	[0] Σ n_c   [1] Σ n_c·mean_c   [2] Σ n_c·(mean_c − K)²
//	then for level k = 0, 1, …, at 3 + 4k:
//	Σ n_{c,k}   Σ ss_{c,k}   Σ lag_{c,k}   chains with ≥ 2 blocks at level k
//
// with K a shift common to all chains (any value near the mean, for the
// between-chain spread without cancellation).

const (
	sumsHeader   = 3
	sumsPerLevel = 4
)

// SumsLen is the length of the pooled sums for chains of at most maxN
// samples each (levels of a longer chain beyond it are left out).
func SumsLen(maxN int) int {
	return sumsHeader + sumsPerLevel*max(bits.Len(uint(max(maxN, 0)))-1, 0)
}

// AddSums adds this chain's sums into dst (laid out as described above,
// length from SumsLen), with shift K. It allocates nothing and leaves
// dst alone when the chain is empty.
func (b *Blocker) AddSums(dst []float64, shift float64) {
	n := b.N()
	if n == 0 {
		return
	}
	cn, cm := float64(n), b.mean()
	dst[0] += cn
	dst[1] += cn * cm
	dst[2] += cn * (cm - shift) * (cm - shift)
	var ls [maxLevels]levelStat
	d := min(b.levelStats(&ls), (len(dst)-sumsHeader)/sumsPerLevel)
	for k, l := range ls[:d] {
		p := dst[sumsHeader+sumsPerLevel*k:]
		p[0] += l.n
		p[1] += l.ss
		p[2] += l.lag
		p[3]++
	}
}

// FromSums is the pooled Estimate of the chains whose AddSums (same
// shift) were summed into sums. Its Mean is sums[1]/sums[0].
func FromSums(sums []float64, shift float64) Estimate {
	if len(sums) < sumsHeader || sums[0] == 0 {
		return Estimate{}
	}
	N := sums[0]
	mean := sums[1] / N
	ssb := max(sums[2]-N*(mean-shift)*(mean-shift), 0)
	var ls [maxLevels]levelStat
	d := 0
	for k := sumsHeader; k+sumsPerLevel <= len(sums) && d < maxLevels; k += sumsPerLevel {
		p := sums[k : k+sumsPerLevel]
		if p[3] < 1 || p[0]-p[3] < 1 {
			break
		}
		ls[d] = levelStat{n: p[0], ss: p[1], lag: p[2], chains: p[3]}
		d++
	}
	return finish(int(math.Round(N)), mean, ls[:d], ssb)
}
