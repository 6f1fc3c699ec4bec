package stats

import (
	"math"
	"testing"
)

// The blocking curve of four AR(1) chains (φ = 0.9, τ = 19): level 0 is
// the naive σ/√N, the curve rises to the exact error of the mean, and the
// level FromSums chooses is marked.
func TestCurveFromSums(t *testing.T) {
	const n, chains, phi = 1 << 15, 4, 0.9
	sums := make([]float64, SumsLen(n))
	var all []float64
	for c := range chains {
		x := ar1(n, phi, uint64(100+c))
		all = append(all, x...)
		var b Blocker
		for _, v := range x {
			b.Add(v)
		}
		b.AddSums(sums, 0)
	}
	curve := CurveFromSums(sums, 0)
	if len(curve) < 10 {
		t.Fatalf("%d levels for %d samples per chain", len(curve), n)
	}
	// Level 0: the chains' pooled within-chain variance over N.
	N := float64(len(all))
	var ss float64
	for c := range chains {
		x := all[c*n : (c+1)*n]
		m := 0.0
		for _, v := range x {
			m += v
		}
		m /= n
		for _, v := range x {
			ss += (v - m) * (v - m)
		}
	}
	if want := math.Sqrt(ss / (N - chains) / N); relDiff(curve[0].Error, want) > 1e-9 {
		t.Errorf("level 0 error %g, want σ/√N = %g", curve[0].Error, want)
	}
	nChosen := 0
	exact := math.Sqrt(ar1VarMean(n, phi) / chains)
	for k, l := range curve {
		if l.Size != 1<<k || l.Blocks != chains*(n>>k) {
			t.Errorf("level %d: size %d, %d blocks", k, l.Size, l.Blocks)
		}
		if l.Chosen {
			nChosen++
			if k != FromSums(sums, 0).Level {
				t.Errorf("level %d marked, FromSums chose %d", k, FromSums(sums, 0).Level)
			}
			// The plain block variance sits below the plateau by
			// 2Σ_t t ρ(t)/(τB) = 2φ/((1−φ)²τB) relative (half that for the
			// error) and scatters by ErrorError.
			tau := (1 + phi) / (1 - phi)
			bias := phi / ((1 - phi) * (1 - phi) * tau * float64(l.Size))
			if d := l.Error - exact; d > 4*l.ErrorError || d < -4*l.ErrorError-bias*exact {
				t.Errorf("chosen level %d: error %g ± %g, exact %g (bias %.2g)", k, l.Error, l.ErrorError, exact, bias)
			}
		}
	}
	if nChosen != 1 {
		t.Errorf("%d levels marked chosen", nChosen)
	}
	// Correlated samples: the plateau lies ≈ √τ above the naive error.
	if r := curve[8].Error / curve[0].Error; math.Abs(r-math.Sqrt((1+phi)/(1-phi))) > 0.15*r {
		t.Errorf("plateau/naive = %g, want √τ = %g", r, math.Sqrt((1+phi)/(1-phi)))
	}
	if CurveFromSums(make([]float64, SumsLen(10)), 0) != nil {
		t.Error("curve of no samples")
	}
}
