package config

import (
	"fmt"
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

func buildNQSFrom(t *testing.T, path string, sets ...string) (vmc.System, error) {
	t.Helper()
	cfg, err := Load(path, sets)
	if err != nil {
		return nil, err
	}
	return cfg.BuildSystem()
}

func TestNQSBuilders(t *testing.T) {
	cases := []struct {
		path   string
		sets   []string
		params int
		gibbs  bool
	}{
		// RBM N·d + H + N·d·H = 4 + 4 + 16, Padé β.
		{"../configs/dot2-rbm-pade.toml", nil, 25, false},
		{"../configs/dot2-rbm.toml", nil, 24, false},
		{"../configs/dot2-rbm.toml", []string{"wavefunction.hidden=2"}, 4 + 2 + 8, false},
		{"../configs/ho2-rbm-gibbs.toml", nil, 24, true},
		// FFNN [4, 8, 8, 1]: 4·8+8 + 8·8+8 + 8+1 = 121, Padé β.
		{"../configs/dot2-ffnn-pade.toml", nil, 122, false},
		{"../configs/dot2-ffnn-pade.toml", []string{"wavefunction.jastrow=none", "wavefunction.layers=[4, 3, 1]"}, 19, false},
		// Hard-sphere bosons: the hard-sphere factor has no parameters.
		{"../configs/dot2-rbm.toml", []string{"system.interaction=hard-sphere", "system.radius=0.01"}, 24, false},
		{"../configs/dot2-3d-rbm-pade.toml", nil, 6 + 4 + 24 + 1, false},
	}
	for _, c := range cases {
		sys, err := buildNQSFrom(t, c.path, c.sets...)
		if err != nil {
			t.Errorf("%s %v: %v", c.path, c.sets, err)
			continue
		}
		if sys.NumParams() != c.params {
			t.Errorf("%s %v: %d parameters, want %d", c.path, c.sets, sys.NumParams(), c.params)
		}
		if g, ok := sys.(*vmc.GibbsContinuous); ok != c.gibbs {
			t.Errorf("%s %v: Gibbs system %v, want %v", c.path, c.sets, ok, c.gibbs)
		} else if ok && !g.Model.(*wavefunc.RBM).Sqrt {
			t.Errorf("%s: Gibbs-sampled RBM without the √F variant", c.path)
		}
	}
}

func TestNQSBuilderErrors(t *testing.T) {
	const rbm, ffnn = "../configs/dot2-rbm-pade.toml", "../configs/dot2-ffnn-pade.toml"
	cases := []struct {
		path string
		sets []string
		want []string // substrings of the error
	}{
		{rbm, []string{"wavefunction.hidden=0"}, []string{"wavefunction.hidden", "at least 1"}},
		{rbm, []string{"wavefunction.hidden=-3"}, []string{"wavefunction.hidden"}},
		{rbm, []string{"wavefunction.sigma2=-0.5"}, []string{"wavefunction.sigma2", "> 0"}},
		{rbm, []string{"wavefunction.sigma2=-1"}, []string{"wavefunction.sigma2"}},
		{rbm, []string{"wavefunction.init_scale=-0.1"}, []string{"wavefunction.init_scale"}},
		{rbm, []string{"system.particles=1"}, []string{"wavefunction.jastrow", "interaction partners"}},
		{rbm, []string{"system.dimensions=1"}, []string{"wavefunction.jastrow", "dimensions"}},
		{rbm, []string{"wavefunction.jastrow_beta=-1"}, []string{"wavefunction.jastrow_beta"}},
		{rbm, []string{"wavefunction.jastrow=yukawa"}, []string{"wavefunction.jastrow"}},
		{rbm, []string{"sampler.kind=gibbs"}, []string{"wavefunction.jastrow", "gibbs"}},
		{ffnn, []string{"wavefunction.layers=[3, 8, 1]"}, []string{"wavefunction.layers", "particles×dimensions", "4"}},
		{ffnn, []string{"wavefunction.layers=[8]"}, []string{"wavefunction.layers", "input"}},
		{ffnn, []string{"wavefunction.layers=[4, 8, 2]"}, []string{"wavefunction.layers", "output width"}},
		{ffnn, []string{"wavefunction.layers=[4, 0, 1]"}, []string{"wavefunction.layers", "layer 1"}},
		{ffnn, []string{"wavefunction.activation=relu"}, []string{"wavefunction.activation", "tanh"}},
		{ffnn, []string{"wavefunction.envelope=-2"}, []string{"wavefunction.envelope"}},
		{ffnn, []string{"sampler.kind=gibbs"}, []string{"sampler.kind", "rbm"}},
		{ffnn, []string{"system.particles=1", "wavefunction.layers=[2, 4, 1]"}, []string{"interaction partners"}},
		{"../configs/ho2-rbm-gibbs.toml", []string{"system.interaction=hard-sphere", "system.radius=0.01"}, []string{"sampler.kind", "hard spheres"}},
	}
	for _, c := range cases {
		_, err := buildNQSFrom(t, c.path, c.sets...)
		wantError(t, fmt.Sprint(c.sets), err, c.want...)
	}
}

// TestDefaultsFollowOmega checks the values that keys left at their
// defaults take from the trap frequency, and that an explicit value wins.
func TestDefaultsFollowOmega(t *testing.T) {
	for _, tc := range []struct {
		sets                       []string
		sigma2, env, step, lr, eps float64
	}{
		{nil, 1, 1, 0.2, 0.1, 0},
		{[]string{"system.omega=0.25"}, 4, 0.25, 0.8, 0.4, 1e-15},
		{[]string{"system.omega=0.25", "sampler.kind=metropolis"}, 4, 0.25, 2, 0.4, 1e-15},
		{[]string{"system.omega=0.25", "sampler.kind=gibbs", "wavefunction.jastrow=none"}, 2, 0.25, 0.8, 0.4, 1e-15},
		{[]string{"system.omega=0.5", "wavefunction.sigma2=3", "sampler.step=0.05", "optimizer.learning_rate=0.02"}, 3, 0.5, 0.05, 0.02, 0},
		{[]string{"optimizer.kind=adam"}, 1, 1, 0.2, 0.05, 0},
	} {
		c, err := Load("", tc.sets)
		if err != nil {
			t.Fatal(err)
		}
		got := []float64{c.RBMSigma2(), c.FFNNEnvelope(), c.SamplerStep(), c.LearningRate()}
		want := []float64{tc.sigma2, tc.env, tc.step, tc.lr}
		for k := range got {
			if math.Abs(got[k]-want[k]) > tc.eps*want[k] {
				t.Errorf("%v: derived value %d = %v, want %v", tc.sets, k, got[k], want[k])
			}
		}
	}
}
