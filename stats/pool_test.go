package stats

import (
	"math"
	"strings"
	"testing"
)

// One chain's pooled sums give the same estimate as its Blocker.
func TestFromSumsOneChain(t *testing.T) {
	for _, n := range []int{2, 5, 1000, 4096, 100003} {
		x := ar1(n, 0.8, uint64(n))
		var b Blocker
		for _, v := range x {
			b.Add(v + 7)
		}
		want := b.Result()
		sums := make([]float64, SumsLen(n))
		b.AddSums(sums, 7)
		got := FromSums(sums, 7)
		if got.N != want.N || relDiff(got.Mean, want.Mean) > 1e-15 || got.Level != want.Level || got.Chains != 1 ||
			relDiff(got.Error, want.Error) > 1e-12 || relDiff(got.Tau, want.Tau) > 1e-12 || got.Short != want.Short {
			t.Errorf("n=%d: pooled %+v, blocker %+v", n, got, want)
		}
		if n >= 4 && !(math.Abs(got.RHat-want.RHat) < 1e-9) {
			t.Errorf("n=%d: R̂ pooled %g, blocker %g", n, got.RHat, want.RHat)
		}
	}
	// Fewer levels in the sums than in the chain: the upper ones are left
	// out, the rest is unchanged.
	x := ar1(1<<12, 0.5, 3)
	var b Blocker
	for _, v := range x {
		b.Add(v)
	}
	short := make([]float64, SumsLen(1<<8))
	b.AddSums(short, 0)
	if e := FromSums(short, 0); e.N != 1<<12 || e.Mean != b.Result().Mean || e.Level > 7 {
		t.Errorf("truncated levels: %+v", e)
	}
	if e := FromSums(make([]float64, SumsLen(100)), 0); e != (Estimate{}) {
		t.Errorf("no chains: %+v", e)
	}
	if a := testing.AllocsPerRun(100, func() { b.AddSums(short, 0) }); a != 0 {
		t.Errorf("AddSums allocates %g times", a)
	}
}

// Groups of 4 independent chains, each a fast AR(1) mode (φ = 0.8) plus a
// weak slow one (φ = 0.99, amplitude 0.1: τ ≈ 38 in all), 4000 samples
// (≈ 105 τ) per chain, the kind of tail that a blocking test with few
// blocks misses: χ² of the group means over their pooled error bars, per
// degree of freedom, must be 1 within its spread (√(2/K) ≈ 0.1 for K = 200
// plus the t-like tail of a noisy error bar). Per-chain blocking combined
// with Combine gives 1.22 here, the pooled, lag-corrected estimate 1.05.
func TestPooledChi2(t *testing.T) {
	const phi, phiSlow, wSlow, chains, n = 0.5, 0.99, 0.1, 4, 4000
	K := 200
	if testing.Short() {
		K = 60
	}
	var chiPooled, chiOld float64
	short := 0
	for g := range K {
		sums := make([]float64, SumsLen(n))
		var ests []Estimate
		for c := range chains {
			x := ar1(n, phi, uint64(10000+chains*g+c))
			y := ar1(n, phiSlow, uint64(90000+chains*g+c))
			for i := range x {
				x[i] += wSlow * y[i]
			}
			var b Blocker
			for _, v := range x {
				b.Add(v)
			}
			b.AddSums(sums, 0)
			ests = append(ests, b.Result())
		}
		e, old := FromSums(sums, 0), Combine(ests)
		// The exact mean is 0.
		chiPooled += e.Mean * e.Mean / (e.Error * e.Error)
		chiOld += old.Mean * old.Mean / (old.Error * old.Error)
		if e.Short {
			short++
		}
		if e.Chains != chains || !(e.RHat > 0.9 && e.RHat < 1.2) {
			t.Errorf("group %d: %d chains, R̂ %g", g, e.Chains, e.RHat)
		}
	}
	chiPooled /= float64(K)
	chiOld /= float64(K)
	t.Logf("χ²/dof over %d groups: pooled %.3f, per-chain Combine %.3f", K, chiPooled, chiOld)
	if lo, hi := 1-3*math.Sqrt(2/float64(K)), 1+4*math.Sqrt(2/float64(K)); chiPooled < lo || chiPooled > hi {
		t.Errorf("pooled χ²/dof %.3f outside [%.2f, %.2f]", chiPooled, lo, hi)
	}
	// τ from ~60 blocks scatters by ~30 %: a few groups cross 50 τ.
	if short > K/10 {
		t.Errorf("%d of %d groups of 105 τ per chain flagged short", short, K)
	}
}

// Short: a chain of a few τ is flagged, with a warning that names the
// numbers; a long one is not.
func TestShort(t *testing.T) {
	est := func(n int) Estimate {
		var b Blocker
		for _, v := range ar1(n, 0.9, 5) {
			b.Add(v)
		}
		return b.Result()
	}
	s, l := est(300), est(1<<16)
	if !s.Short || !strings.Contains(s.Warning(), "300 samples per chain") {
		t.Errorf("300 samples at τ = 19: Short %t, warning %q (τ %.3g)", s.Short, s.Warning(), s.Tau)
	}
	if l.Short || l.Warning() != "" {
		t.Errorf("65536 samples at τ = 19: Short %t, warning %q", l.Short, l.Warning())
	}
	t.Log(s.Warning())
}

// R̂ is near 1 for chains of one process and grows when one chain samples
// a shifted distribution.
func TestRHat(t *testing.T) {
	const n, chains = 1 << 14, 4
	for _, shift := range []float64{0, 3} {
		sums := make([]float64, SumsLen(n))
		for c := range chains {
			var b Blocker
			for _, v := range ar1(n, 0.9, uint64(70+c)) {
				if c == 0 {
					v += shift
				}
				b.Add(v)
			}
			b.AddSums(sums, 0)
		}
		e := FromSums(sums, 0)
		// Same process: R̂² − 1 ≈ τ/B with B = n/2 segments: ~0.002.
		if shift == 0 && !(e.RHat > 0.99 && e.RHat < 1.01) {
			t.Errorf("identical chains: R̂ = %g", e.RHat)
		}
		// One chain off by 3 (the stationary σ is 2.3): R̂ ≈ 1.15.
		if shift > 0 && !(e.RHat > 1.1) {
			t.Errorf("one chain shifted by %g: R̂ = %g", shift, e.RHat)
		}
		t.Logf("shift %g: R̂ %.4f", shift, e.RHat)
	}
}
