package config

import (
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// wavefunction.project wraps the RBM in a projection over the point group
// about site 0 taken from the lattice (8 elements on the square, 2 on the
// ring) and/or the spin flip; the parameters and their names stay the
// inner RBM's. (6×6: too big for the exact reference, so building is quick.)
func TestProjectBuild(t *testing.T) {
	cases := []struct {
		config string
		sets   []string
		images int
	}{
		{"heisenberg-4x4.toml", []string{"system.length=6", "wavefunction.project=point-group"}, 8},
		{"heisenberg-4x4.toml", []string{"system.length=6", "wavefunction.project=point-group+flip"}, 16},
		{"heisenberg-4x4.toml", []string{"system.length=6", "wavefunction.project=flip", "wavefunction.symmetry=space-group"}, 2},
		{"heisenberg-4x4.toml", []string{"system.length=6", "wavefunction.project=point-group", "wavefunction.kind=rbm-spin", "wavefunction.alpha=1"}, 8},
		{"heisenberg-chain10.toml", []string{"wavefunction.project=point-group", "wavefunction.kind=rbm-spin-sym", "wavefunction.alpha=1"}, 2},
		{"heisenberg-4x4.toml", []string{"system.length=6", "wavefunction.project=flip", "system.pbc=false", "wavefunction.kind=rbm-spin", "wavefunction.alpha=1"}, 2},
	}
	for _, c := range cases {
		cfg, err := Load("../configs/"+c.config, c.sets)
		if err != nil {
			t.Fatal(err)
		}
		sys, err := cfg.BuildSystem()
		if err != nil {
			t.Fatalf("%s with %v: %v", c.config, c.sets, err)
		}
		p, ok := sys.(*vmc.Lattice).Model.(*wavefunc.ProjectedSpin)
		if !ok || p.Images() != c.images {
			t.Errorf("%s with %v: model %T, want a projection over %d images", c.config, c.sets, sys.(*vmc.Lattice).Model, c.images)
			continue
		}
		name, _ := ParamShapes(sys)
		if want := cfg.Wavefunction.Kind; name != want {
			t.Errorf("%s with %v: model named %q, want %q", c.config, c.sets, name, want)
		}
	}
	// The default builds the RBM itself, and other kinds warn that the
	// key is unused.
	cfg, err := Load("../configs/heisenberg-4x4.toml", []string{"system.length=6"})
	if err != nil {
		t.Fatal(err)
	}
	if sys, err := cfg.BuildSystem(); err != nil {
		t.Fatal(err)
	} else if _, ok := sys.(*vmc.Lattice).Model.(*wavefunc.SpinRBM); !ok {
		t.Errorf("default: model %T, want *wavefunc.SpinRBM", sys.(*vmc.Lattice).Model)
	}
	cfg, err = Load("../configs/heisenberg-4x4.toml", []string{"wavefunction.kind=rbm-spin-complex", "wavefunction.project=flip"})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(cfg.Warnings(), "\n"); !strings.Contains(w, "wavefunction.project is set but not used") {
		t.Errorf("warnings %q, want one for wavefunction.project", w)
	}
}

// A translation RBM of α = 2 projected onto C4v reaches the exact 4×4
// ground state within its error bar in 600 short iterations: measured
// −11.22641 ± 0.00147 against −11.228483 in 8 s of CPU (the same RBM
// unprojected: −11.2176 ± 0.0032 after 400 iterations, 3.4σ off with
// twice the error bar). Within 3σ, and σ ≤ 0.002 so that the check has
// teeth.
func TestProjectedHeisenberg4x4(t *testing.T) {
	if testing.Short() {
		t.Skip("8 s of sampling")
	}
	res := runJob(t, "../configs/heisenberg-4x4.toml", "wavefunction.alpha=2", "wavefunction.project=point-group",
		"optimizer.iterations=600", "sampler.samples=100", "production.samples=2000")
	const exact = -11.228483208
	if d := res.Energy - exact; d > 3*res.Error || d < -3*res.Error || res.Error > 0.002 {
		t.Errorf("E = %.5f ± %.5f, exact %.6f: want within 3σ and σ ≤ 0.002", res.Energy, res.Error, exact)
	}
}

// wavefunction.pair_product multiplies the RBM by the pair product shared
// over the translations (16 values of f on 4×4, 10 on the 10-site ring),
// named in the metadata; a short 4×4 run from the d-wave start is
// variational: measured E = −10.867 ± 0.008 after 40 iterations (the
// exact −11.228483; the pair product's start is −10.34).
func TestPairProductBuildAndRun(t *testing.T) {
	for _, c := range []struct {
		config string
		sets   []string
		f      int
	}{
		{"heisenberg-4x4.toml", []string{"wavefunction.pair_product=translations"}, 16},
		{"heisenberg-chain10.toml", []string{"wavefunction.pair_product=translations", "wavefunction.kind=rbm-spin"}, 10},
	} {
		cfg, err := Load("../configs/"+c.config, c.sets)
		if err != nil {
			t.Fatal(err)
		}
		sys, err := cfg.BuildSystem()
		if err != nil {
			t.Fatalf("%s with %v: %v", c.config, c.sets, err)
		}
		p, ok := sys.(*vmc.Lattice).Model.(*wavefunc.SpinProduct)
		if !ok {
			t.Fatalf("%s with %v: model %T, want a product", c.config, c.sets, sys.(*vmc.Lattice).Model)
		}
		fs := p.Factors()
		pp, ok := fs[len(fs)-1].(*wavefunc.SpinPairProduct)
		if !ok || pp.NumParams() != c.f {
			t.Errorf("%s with %v: last factor %T, want a pair product with %d values of f", c.config, c.sets, fs[len(fs)-1], c.f)
		}
		if model, _ := ParamShapes(sys); !strings.HasSuffix(model, "pair-product") {
			t.Errorf("%s with %v: model named %q", c.config, c.sets, model)
		}
	}
	if testing.Short() {
		return
	}
	res := runJob(t, "../configs/heisenberg-4x4.toml", "wavefunction.pair_product=translations", "optimizer.iterations=40",
		"production.samples=2000")
	t.Logf("E = %.4f ± %.4f", res.Energy, res.Error)
	if res.Energy < -11.228483-5*res.Error || res.Energy > -10.3 {
		t.Errorf("E = %.4f ± %.4f, want in [exact − 5σ, −10.3]", res.Energy, res.Error)
	}
}
