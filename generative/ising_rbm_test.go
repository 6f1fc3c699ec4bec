package generative

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestIsingRBM: the gated machine's free energy differences are the Ising
// energy differences over T, to e^{−gate} per unit, on random
// configurations of 4×4 and 8×8 lattices (bonds of the 4×4 torus included).
func TestIsingRBM(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		L            int
		T, gate, tol float64
	}{{4, 1.5, 20, 1e-6}, {8, 3.5, 20, 1e-6}, {8, 1.0, 25, 1e-6}, {8, 3.5, 3, 2}} {
		r, err := IsingRBM(c.L, c.T, c.gate)
		if err != nil {
			t.Fatal(err)
		}
		n := c.L * c.L
		obs := IsingObserver(c.L)
		tmp := make([]float64, n)
		ref := make([]float64, n)
		fRef := r.FreeEnergy(ref, tmp)
		eRef, _ := obs(ref)
		worst := 0.0
		for range 200 {
			v := make([]float64, n)
			r.randomVisible(v, rng)
			e, _ := obs(v)
			d := (r.FreeEnergy(v, tmp) - fRef) - float64(n)*(e-eRef)/c.T
			worst = max(worst, math.Abs(d))
		}
		if worst > c.tol {
			t.Errorf("L %d, T %v, gate %v: free energy differs from E/T by up to %.3g, want ≤ %g", c.L, c.T, c.gate, worst, c.tol)
		}
		if c.gate < 5 && worst < 1e-3 {
			t.Errorf("L %d, gate %v: deviation %.3g, expected of order e^{-gate}: the test cannot see the gate", c.L, c.gate, worst)
		}
	}
	if _, err := IsingRBM(8, 0, 10); err == nil {
		t.Error("T = 0 accepted")
	}
}
