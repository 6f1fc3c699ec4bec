package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

const dot6Backflow = "../configs/dot6-backflow.toml"

// wavefunction.backflow = "rational" swaps the determinant for the
// backflow one: 2 shell widths + 4 backflow parameters, then Padé's β.
func TestBackflowBuilder(t *testing.T) {
	m, err := buildSlaterFrom(t, "wavefunction.backflow=rational")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := m.(*wavefunc.Product)
	if !ok {
		t.Fatalf("model %T, want a product", m)
	}
	bf, ok := p.Factors()[0].(*wavefunc.Backflow)
	if !ok {
		t.Fatalf("first factor %T, want *wavefunc.Backflow", p.Factors()[0])
	}
	// Widths α = 1 from the file, a = 0, b = ω = 1, then β = 0.4.
	if got, want := m.Params(nil), []float64{1, 1, 0, 1, 0, 1, 0.4}; !slices.Equal(got, want) || bf.Shells() != 2 {
		t.Errorf("parameters %v, want %v", got, want)
	}
	_, err = buildSlaterFrom(t, "wavefunction.backflow=network")
	if err == nil || !strings.Contains(err.Error(), "wavefunction.backflow") {
		t.Errorf("backflow = network: error %v, want one naming wavefunction.backflow", err)
	}
}

// Without interaction the backflow determinant starts at the plain one
// (η = 0, α = ω): the shell energy 10ω with zero error.
func TestBackflowNonInteracting(t *testing.T) {
	res := runJob(t, dot6Backflow, "system.interaction=none", "wavefunction.jastrow=none", "optimizer.iterations=0",
		"production.samples=500", "sampler.burnin=50")
	if energy(res) != "10.000000 ± 0.000000" || res.Exact != 10 {
		t.Errorf("E = %s (exact %g)", energy(res), res.Exact)
	}
}

// A shortened configs/dot6-backflow.toml (10 iterations, 5·10⁴ production
// samples): within 0.2 % of DMC 20.15932(8) and not below it by more
// than 4σ. The full file gives the energy in its comment.
func TestDot6BackflowShort(t *testing.T) {
	if testing.Short() {
		t.Skip("a shortened optimisation and production (~4 s)")
	}
	res := runJob(t, dot6Backflow, "optimizer.iterations=10", "sampler.samples=2000", "production.samples=12500")
	const eDMC = 20.15932
	t.Logf("E = %.5f ± %.5f, %+.3f %% from DMC", res.Energy, res.Error, 100*(res.Energy-eDMC)/eDMC)
	if res.Energy-4*res.Error > 1.002*eDMC || res.Energy+4*res.Error < eDMC || !(res.Error < 0.01) {
		t.Errorf("E = %.5f ± %.5f, want within 0.2 %% above DMC %.5f", res.Energy, res.Error, eDMC)
	}
}
