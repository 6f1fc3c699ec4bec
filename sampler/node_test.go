package sampler_test

import (
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Four non-interacting electrons in 1D (α = 1): each spin's determinant of
// the Hermite orbitals n = 0, 1 is ∝ (x₂ − x₁)·e^{−(x₁²+x₂²)/2}, with a
// node at x₁ = x₂, and ⟨Σx²⟩ = 2·(½ + 3/2) = 4. The walker starts with the
// two spin-up electrons 10⁻⁴ apart, where ∇ln|Ψ| ≈ 10⁴: the unlimited
// Langevin drift throws them 10³ bohr away, every such move is rejected and
// the walker stays at the node (the run-away of a fermionic chain that
// starts next to a node). With the drift limit it leaves at once and
// samples |Ψ|².
func TestDriftLimitLeavesNode(t *testing.T) {
	m, err := wavefunc.NewSlater(4, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	start := []float64{0.3, 0.3 + 1e-4, -0.8, 0.9}
	walker := func(a float64) *sampler.Walker {
		w, err := sampler.New(m, start, sampler.Settings{Kind: sampler.Importance, Step: 0.1, DriftLimit: a}, sampler.NewSource(4, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	// The start reproduces the failure without the limit: the spin-up
	// electrons do not move.
	stuck := walker(0)
	for range 1000 {
		stuck.Sweep()
	}
	if x := stuck.State().Positions(); x[0] != start[0] || x[1] != start[1] {
		t.Fatalf("unlimited drift: spin-up electrons moved to %v: the start no longer tests the limit", x[:2])
	}

	sweeps := 200000
	if testing.Short() {
		sweeps = 20000
	}
	w := walker(1)
	for range 1000 {
		w.Sweep()
	}
	w.ResetCounts()
	r2 := make([]float64, sweeps)
	for s := range sweeps {
		w.Sample()
		for _, v := range w.State().Positions() {
			r2[s] += v * v
		}
	}
	acc, prop := w.Counts()
	if r := float64(acc) / float64(prop); r < 0.9 {
		t.Errorf("acceptance %.4f with the drift limit, want ≥ 0.9", r)
	}
	mean, e := batchMean(r2, 100)
	t.Logf("<Σx²> = %.4f ± %.4f, acceptance %.4f", mean, e, float64(acc)/float64(prop))
	if math.Abs(mean-4) > 4.5*e || !(e < 0.1) {
		t.Errorf("<Σx²> = %.4f ± %.4f, exact 4", mean, e)
	}
}
