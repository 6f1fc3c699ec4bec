package stats

import "math"

// BlockLevel is one point of the blocking curve: the standard error of the
// mean that blocks of Size samples give when they are taken as
// independent, the plot of Flyvbjerg and Petersen. It rises with the block
// size until the blocks outgrow the correlation time and then levels off;
// the plateau is the error of the mean.
type BlockLevel struct {
	Size   int     // samples per block, 2^level
	Blocks int     // blocks at this level, over all chains
	Error  float64 // √(s²·Size/N), s² the variance of the block means within the chains
	// ErrorError is the statistical uncertainty of Error,
	// Error/√(2(Blocks − chains)), from the χ² spread of a sample variance.
	ErrorError float64
	// Chosen marks the level the automatic test picks (Estimate.Level);
	// the Estimate's error adds the lag-1 correction to its Error.
	Chosen bool
}

// CurveFromSums is the blocking curve of the chains whose AddSums (with
// shift) were summed into sums: one BlockLevel per level with at least
// one degree of freedom, the level that FromSums uses marked Chosen.
func CurveFromSums(sums []float64, shift float64) []BlockLevel {
	if len(sums) < sumsHeader || sums[0] == 0 {
		return nil
	}
	N := sums[0]
	chosen := FromSums(sums, shift).Level
	var out []BlockLevel
	for k := sumsHeader; k+sumsPerLevel <= len(sums); k += sumsPerLevel {
		p := sums[k : k+sumsPerLevel]
		dof := p[0] - p[3]
		if p[3] < 1 || dof < 1 {
			break
		}
		level := len(out)
		size := math.Ldexp(1, level)
		e := math.Sqrt(p[1] / dof * size / N)
		out = append(out, BlockLevel{
			Size: int(size), Blocks: int(math.Round(p[0])), Error: e,
			ErrorError: e / math.Sqrt(2*dof), Chosen: level == chosen,
		})
	}
	return out
}
