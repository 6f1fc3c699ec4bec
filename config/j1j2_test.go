package config

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// J2 where it has nothing to act on, or on a model without it, and the
// complex RBM without the symmetry it needs: errors naming the key.
func TestJ1J2BadInput(t *testing.T) {
	cases := []struct {
		config string
		sets   []string
		want   string
	}{
		{"heisenberg-chain10.toml", []string{"system.length=2", "system.j2=0.5", "sampler.kind=flip"}, "system.j2 = 0.5: j1-j2: chain 2 periodic has no next-nearest"},
		{"tfim-chain10.toml", []string{"system.j2=0.5"}, `system.j2 = 0.5: a next-nearest coupling needs system.model = "heisenberg"`},
		{"heisenberg-chain10.toml", []string{"wavefunction.kind=rbm-spin-complex", "system.pbc=false"}, "wavefunction.kind"},
		{"heisenberg-4x4.toml", []string{"wavefunction.kind=rbm-spin-complex", "wavefunction.alpha=0.5"}, "wavefunction.alpha"},
		{"j1j2-4x4.toml", []string{"optimizer.sr_solver=minsr"}, "optimizer.sampling_power"},
		{"j1j2-6x6.toml", []string{"optimizer.sr_solver=minsr", "optimizer.clip_local_energy=5"}, "optimizer.clip_local_energy"},
		{"j1j2-4x4.toml", []string{"optimizer.sampling_min_ess=0"}, "optimizer.sampling_min_ess"},
	}
	for _, c := range cases {
		cfg, err := Load(filepath.Join("../configs", c.config), c.sets)
		if err == nil {
			_, err = cfg.BuildSystem()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s with %v: error %v, want one containing %q", c.config, c.sets, err, c.want)
		}
	}
}

// `vmcmpi exact` on the 4×4 lattice with system.j2 = 0.5 gives the J1–J2
// ground state of package exact's TestJ1J2Known (Lanczos residual 1e-10).
func TestJ1J2Exact(t *testing.T) {
	if testing.Short() {
		t.Skip("Lanczos of 12 870 states")
	}
	cfg, err := Load("../configs/heisenberg-4x4.toml", []string{"system.j2=0.5"})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := cfg.Exact(1 << 30)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ex.PerSite-(-0.52862021)) > 1e-8 {
		t.Errorf("E0/N = %.10f, want -0.52862021", ex.PerSite)
	}
}
