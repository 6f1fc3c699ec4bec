package vmc_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/vmctest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// bosons1D is configs/bosons-1d-metropolis.toml's system: 5 bosons in a 1D
// harmonic trap, Gaussian trial with α = 0.4 fixed, exact variational
// energy 5(α/2 + 1/(8α)) = 2.5625.
func bosons1D(set sampler.Settings) func(testing.TB) vmc.System {
	return func(t testing.TB) vmc.System { return gaussSystem(t, 5, 1, 1, 0.4, set) }
}

// dot2 is the 2-electron 2D quantum dot with Coulomb repulsion, Gaussian ×
// Padé–Jastrow at parameters (α, β) optimised with Adam (200 iterations of
// 4×2000 samples), importance sampling with Δt = 0.2 as in the dot2
// configs.
func dot2(t testing.TB) vmc.System {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true, Fermions: true})
	m := wavefunc.NewProduct(wavefunc.NewGaussian(2, 2, 0.4941180575845135, 1), wavefunc.NewPade(2, 2, 0.3982706074372061))
	s, err := vmc.NewContinuous(h, m, sampler.Settings{Kind: sampler.Importance, Step: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dot2Reference is the energy of dot2 from 8 walkers × 2.5·10⁶ samples
// (seed 999, burn-in 1000): 3.0003470130 ± 1.33·10⁻⁵, 16 times smaller
// than the error of the 20 000-sample runs below, so that it adds < 0.5 %
// to their χ².
const dot2Reference = 3.0003470130

// seedChi2 runs seeds independent runs of ranks × walkers chains of n
// production samples each and returns χ²/dof of (E − exact)/error over the
// seeds, the same over the first 60 seeds, and the mean error. Seeds run
// in parallel, each on its own system, and are summed in seed order: the
// result is deterministic.
func seedChi2(t *testing.T, mk func(testing.TB) vmc.System, ranks, walkers, n, seeds int, seed0 uint64, exact float64) (chi2, chi60, meanErr float64) {
	t.Helper()
	res := make([]*vmc.Result, seeds)
	errs := make([]error, seeds)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for s := range seeds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			opt := vmc.Options{Walkers: walkers, BurnIn: 1000, Production: n, Seed: seed0 + uint64(s), Workers: 1}
			errs[s] = comm.RunLocal(ranks, func(c comm.Comm) error {
				r, err := vmctest.Run(c, mk(t), opt)
				if c.Rank() == 0 {
					res[s] = r
				}
				return err
			})
		}()
	}
	wg.Wait()
	for s, r := range res {
		if errs[s] != nil {
			t.Fatal(errs[s])
		}
		z := (r.Energy - exact) / r.Error
		chi2 += z * z
		if s == 59 {
			chi60 = chi2 / 60
		}
		meanErr += r.Error
	}
	return chi2 / float64(seeds), chi60, meanErr / float64(seeds)
}

// The error bar is honest at every run length: χ² of (E − exact)/error
// over seeds, per degree of freedom, lies in [0.75, 1.3] for
// the 1D bosons with Metropolis and importance sampling at 2 000 and
// 20 000 samples per walker, for long runs (50 000) and for the
// correlated 2-electron dot against its reference. The former per-walker
// blocking gave 1.4 (Metropolis, 2 000) and 1.3 (20 000) on the same
// chains. 1 rank × 4 walkers and 2 ranks × 2 walkers give the same χ²
// band and mean error bars within 10 %.
//
// Seeds: with 60 of them χ²/dof spreads by √(2/60) ≈ 0.18 (a little more
// for a noisy error bar), so even an exact error bar leaves that band in
// ~10–15 % of seed sets per case; 240 seeds (120 for the long runs) bring
// the spread to 0.09 (0.13). The first 60 seeds' value is logged too.
func TestErrorBarChi2(t *testing.T) {
	metro := bosons1D(sampler.Settings{Kind: sampler.Metropolis, Step: 1, Thin: 2})
	imp := bosons1D(sampler.Settings{Kind: sampler.Importance, Step: 0.5})
	const exact = 2.5625
	type run struct {
		name              string
		mk                func(testing.TB) vmc.System
		ranks, walkers, n int
		seeds             int
		seed0             uint64
		exact, lo, hi     float64
	}
	runs := []run{
		{"metropolis 2000", metro, 1, 4, 2000, 240, 1000, exact, 0.75, 1.3},
		{"metropolis 20000", metro, 1, 4, 20000, 240, 2000, exact, 0.75, 1.3},
		{"metropolis 50000", metro, 1, 4, 50000, 120, 3000, exact, 0.75, 1.3},
		{"importance 2000", imp, 1, 4, 2000, 240, 4000, exact, 0.75, 1.3},
		{"importance 20000", imp, 1, 4, 20000, 240, 5000, exact, 0.75, 1.3},
		{"dot2 2000", dot2, 1, 4, 2000, 240, 6000, dot2Reference, 0.75, 1.3},
		{"dot2 20000", dot2, 1, 4, 20000, 240, 7000, dot2Reference, 0.75, 1.3},
		{"metropolis 2000, 2 ranks", metro, 2, 2, 2000, 240, 1000, exact, 0.75, 1.3},
	}
	if testing.Short() {
		// A quick pass (also under -race): 20 seeds, 500 samples; χ²/dof
		// with 20 dof spreads by 0.32.
		runs = []run{
			{"metropolis 500", metro, 1, 4, 500, 20, 1000, exact, 0.4, 2},
			{"importance 500, 2 ranks", imp, 2, 2, 500, 20, 4000, exact, 0.4, 2},
		}
	}
	var oneRank float64
	for _, r := range runs {
		chi2, chi60, meanErr := seedChi2(t, r.mk, r.ranks, r.walkers, r.n, r.seeds, r.seed0, r.exact)
		t.Logf("%-26s χ²/dof %.3f over %d seeds (first 60: %.3f), mean error %.3g", r.name, chi2, r.seeds, chi60, meanErr)
		if chi2 < r.lo || chi2 > r.hi {
			t.Errorf("%s: χ²/dof %.3f outside [%g, %g]", r.name, chi2, r.lo, r.hi)
		}
		switch {
		case r.name == "metropolis 2000":
			oneRank = meanErr
		case r.ranks == 2 && oneRank > 0:
			// Same total chains and samples: the mean error bars agree
			// within their spread over 60 seeds (a few %).
			if q := meanErr / oneRank; q < 0.9 || q > 1.1 {
				t.Errorf("2 ranks × 2 walkers: mean error %.3g, 1 rank × 4 walkers %.3g", meanErr, oneRank)
			}
		}
	}
}
