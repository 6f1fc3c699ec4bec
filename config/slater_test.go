package config

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

const dot6Config = "../configs/dot6-slater-pade.toml"

func buildSlaterFrom(t *testing.T, sets ...string) (wavefunc.Model, error) {
	t.Helper()
	cfg, err := Load(dot6Config, sets)
	if err != nil {
		return nil, err
	}
	if _, err := cfg.Hamiltonian(); err != nil {
		return nil, err
	}
	return buildSlater(cfg, rand.New(rand.NewPCG(1, 2)))
}

func TestSlaterBuilder(t *testing.T) {
	m, err := buildSlaterFrom(t)
	if err != nil {
		t.Fatal(err)
	}
	// Slater α and Padé β, in that order, from the file.
	if p := m.Params(nil); len(p) != 2 || p[0] != 1 || p[1] != 0.4 {
		t.Errorf("Slater × Padé parameters %v, want [1 0.4]", p)
	}
	cases := []struct {
		sets    []string
		factors int
		params  int
	}{
		{[]string{"wavefunction.jastrow=none"}, 1, 1},
		// DeepSet: 11K + 3K·H + 2H = 22 + 12 + 4 for K = 2, H = 2.
		{[]string{"wavefunction.network=deepset", "wavefunction.features=2", "wavefunction.hidden=2"}, 3, 2 + 38},
		// K = 3 with a linear read-out (H = 0): 33.
		{[]string{"wavefunction.network=deepset", "wavefunction.jastrow=none", "wavefunction.features=3", "wavefunction.hidden=0"}, 2, 1 + 33},
	}
	for _, c := range cases {
		m, err := buildSlaterFrom(t, c.sets...)
		if err != nil {
			t.Errorf("%v: %v", c.sets, err)
			continue
		}
		nf := 1
		if p, ok := m.(*wavefunc.Product); ok {
			nf = len(p.Factors())
			if _, ok := p.Factors()[0].(*wavefunc.Slater); !ok {
				t.Errorf("%v: first factor %T, want the Slater determinant", c.sets, p.Factors()[0])
			}
		}
		if nf != c.factors || m.NumParams() != c.params {
			t.Errorf("%v: %d factors, %d parameters; want %d, %d", c.sets, nf, m.NumParams(), c.factors, c.params)
		}
	}
}

func TestSlaterBuilderErrors(t *testing.T) {
	cases := []struct {
		sets []string
		want []string // substrings of the error
	}{
		{[]string{"system.particles=4"}, []string{"system.particles", "2, 6, 12, 20, 30"}},
		{[]string{"system.particles=6", "system.dimensions=3"}, []string{"system.particles", "2, 8, 20, 40"}},
		{[]string{"system.dimensions=3", "system.particles=8", "system.trap=elliptical"}, []string{"system.trap"}},
		{[]string{"system.interaction=hard-sphere", "system.radius=0.01"}, []string{"system.interaction"}},
		{[]string{"wavefunction.network=cnn"}, []string{"wavefunction.network"}},
		{[]string{"wavefunction.jastrow=yukawa"}, []string{"wavefunction.jastrow"}},
		{[]string{"wavefunction.alpha=0"}, []string{"wavefunction.alpha"}},
		// Not exchange symmetric: refused rather than silently bosonic.
		{[]string{"wavefunction.network=rbm"}, []string{"wavefunction.network", "same-spin", "deepset"}},
		{[]string{"wavefunction.network=ffnn", "wavefunction.layers=[12, 4, 1]"}, []string{"wavefunction.network", "same-spin"}},
		{[]string{"wavefunction.network=deepset", "wavefunction.features=0"}, []string{"wavefunction.features"}},
		{[]string{"wavefunction.network=deepset", "wavefunction.features=1000"}, []string{"wavefunction.features"}},
		{[]string{"wavefunction.network=deepset", "wavefunction.hidden=-1"}, []string{"wavefunction.hidden"}},
		{[]string{"wavefunction.network=deepset", "wavefunction.activation=relu"}, []string{"wavefunction.activation"}},
		{[]string{"wavefunction.network=deepset", "wavefunction.init_scale=0"}, []string{"wavefunction.init_scale"}},
		{[]string{"sampler.kind=gibbs"}, []string{"sampler.kind"}},
	}
	for _, c := range cases {
		_, err := buildSlaterFrom(t, c.sets...)
		wantError(t, fmt.Sprint(c.sets), err, c.want...)
	}
}
