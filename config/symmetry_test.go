package config

import (
	"math"
	"strings"
	"testing"
)

// Bad symmetry, projection, Jastrow, pair-product, Lanczos and minSR
// input is refused before any work, naming the key and what was expected.
func TestSymmetryBadInput(t *testing.T) {
	cases := []struct {
		config string
		sets   []string
		want   string
	}{
		{"heisenberg-10x10.toml", []string{"system.pbc=false"}, "wavefunction.symmetry"},
		{"heisenberg-10x10.toml", []string{"system.pbc=false"}, "system.pbc = true"},
		{"heisenberg-4x4.toml", []string{"wavefunction.symmetry=c4v"}, `wavefunction.symmetry = "c4v": want "translations" or "space-group"`},
		{"heisenberg-chain10.toml", []string{"optimizer.sr_solver=minsr", "optimizer.shift=0"}, "optimizer.shift"},
		{"heisenberg-chain10.toml", []string{"optimizer.sr_solver=min"}, `"minsr"`},
		{"heisenberg-10x10.toml", []string{"system.pbc=false", "wavefunction.kind=rbm-spin", "wavefunction.jastrow=pair"}, "wavefunction.jastrow"},
		{"heisenberg-4x4.toml", []string{"wavefunction.jastrow=pade"}, `wavefunction.jastrow = "pade": spin lattices want "none" or "pair"`},
		{"j1j2-4x4.toml", []string{"wavefunction.jastrow=pair"}, `wavefunction.jastrow = "pair": the pair Jastrow factor is real`},
		{"heisenberg-4x4.toml", []string{"wavefunction.project=c4v"},
			`wavefunction.project = "c4v": want "none", "point-group", "flip" or "point-group+flip"`},
		{"heisenberg-4x4.toml", []string{"wavefunction.project=point-group", "wavefunction.symmetry=space-group"},
			`wavefunction.project = "point-group": the space-group RBM is already invariant under the point group`},
		{"heisenberg-4x4.toml", []string{"wavefunction.project=point-group+flip", "wavefunction.kind=rbm-spin", "wavefunction.alpha=1", "system.pbc=false"},
			`wavefunction.project = "point-group+flip": the point group about site 0 is a symmetry of periodic lattices only`},
		{"heisenberg-4x4.toml", []string{"wavefunction.pair_product=full"}, `wavefunction.pair_product = "full": want "none" or "translations"`},
		{"j1j2-4x4.toml", []string{"wavefunction.pair_product=translations"}, `wavefunction.pair_product = "translations": the pair product multiplies a real RBM`},
		{"tfim-chain10.toml", []string{"wavefunction.pair_product=translations"}, "which system.model = \"tfim\" does not conserve"},
		{"heisenberg-4x4.toml", []string{"wavefunction.pair_product=translations", "sampler.kind=flip"}, `set sampler.kind = "exchange"`},
		{"heisenberg-4x4.toml", []string{"wavefunction.pair_product=translations", "wavefunction.kind=rbm-spin", "wavefunction.alpha=1", "system.pbc=false"},
			"wavefunction.pair_product = \"translations\": f is shared over the translations of a periodic lattice"},
		{"heisenberg-4x4.toml", []string{"production.lanczos_samples=-1"}, "production.lanczos_samples"},
		{"heisenberg-4x4.toml", []string{"production.lanczos_samples=1"}, "production.lanczos_samples = 1: must be 0 (no Lanczos step) or ≥ 2"},
		{"dot2-rbm.toml", []string{"production.lanczos_samples=100"}, "the Lanczos step is for spin lattices"},
	}
	for _, c := range cases {
		cfg, err := Load("../configs/"+c.config, c.sets)
		if err == nil {
			_, err = cfg.BuildSystem()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s with %v: error %v, want one mentioning %q", c.config, c.sets, err, c.want)
		}
	}
}

// A shortened configs/heisenberg-10x10.toml (one feature instead of four,
// 40 iterations of 200 samples, a Lanczos step of 100 samples): measured E
// = −66.253 ± 0.032 (E/N = −0.6625, 1.3 % above quantum Monte Carlo's
// −0.671549), lowered by −0.374 ± 0.052 to −66.627, in 7 s. E must be
// below −66 (1.7 %; a random state is near −45) and not below the QMC
// energy −67.1549 by more than 5σ (variational), and so must E₁.
func TestHeisenberg10x10Short(t *testing.T) {
	if testing.Short() {
		t.Skip("5 s of sampling")
	}
	res, job := runJobIn(t, t.TempDir(), "../configs/heisenberg-10x10.toml", "wavefunction.alpha=1", "optimizer.iterations=40",
		"sampler.samples=50", "sampler.burnin=20", "production.samples=500", "production.lanczos_samples=25")
	if res.Energy > -66 || res.Energy < -67.1549-5*res.Error {
		t.Errorf("E = %.4f ± %.4f, want in [−67.155 − 5σ, −66]", res.Energy, res.Error)
	}
	// The Lanczos step of the shipped config: a clear lowering that stays
	// variational.
	l := job.Lanczos
	if l == nil {
		t.Fatal("no Lanczos step")
	}
	e1, err1 := res.Energy+l.Lowering, math.Hypot(res.Error, l.LoweringError)
	t.Logf("E = %.4f ± %.4f; Lanczos step: E₁ − E = %.4f ± %.4f, E + it = %.4f ± %.4f", res.Energy, res.Error, l.Lowering, l.LoweringError, e1, err1)
	if !(l.Lowering < -3*l.LoweringError) || e1 < -67.1549-5*err1 {
		t.Errorf("Lanczos step: E₁ − E = %.4f ± %.4f, E₁ = %.4f ± %.4f: want a lowering of 3σ, not below the QMC −67.1549 by 5σ", l.Lowering, l.LoweringError, e1, err1)
	}
}

// minSR on the periodic Heisenberg chain of 10 sites with fewer samples
// per iteration (100) than parameters (120): measured E = −4.5119 ±
// 0.0011 against the exact −4.515446 after 200 iterations. Within 0.3 %
// (8σ, the optimisation's own bias) and not below it beyond 4σ.
func TestMinSRRun(t *testing.T) {
	iters := "200"
	if testing.Short() {
		iters = "100"
	}
	res := runJob(t, "../configs/heisenberg-chain10.toml", "optimizer.sr_solver=minsr", "sampler.samples=25",
		"optimizer.iterations="+iters, "production.samples=2000")
	if !res.HasExact || res.Energy > res.Exact*0.997 || res.Energy < res.Exact-4*res.Error {
		t.Errorf("E = %.5f ± %.5f, exact %.6f: want within 0.3 %%", res.Energy, res.Error, res.Exact)
	}
}
