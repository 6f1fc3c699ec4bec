package generative

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/vmcmpi/vmcmpi/comm"
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

// TestCouplingStart: the coupling start's ¼WWᵀ is 1/λ_min − C⁻¹ of the data
// covariance C, and W is symmetric (unit h centred on site h).
func TestCouplingStart(t *testing.T) {
	const n, rows = 9, 4000
	rng := rand.New(rand.NewPCG(5, 6))
	data := make([]uint8, rows*n)
	for k := range rows { // a correlated chain: each bit copies the last with probability 0.7
		prev := uint8(rng.IntN(2))
		for i := range n {
			if rng.Float64() > 0.7 {
				prev = uint8(rng.IntN(2))
			}
			data[k*n+i] = prev
		}
	}
	tr, err := NewTrainer(comm.NewSerial(), data, n, TrainOptions{Hidden: n, InitCouplings: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	w := tr.RBM.W
	c := mat.NewSymDense(n, nil)
	for k := range rows {
		for i := range n {
			for j := i; j < n; j++ {
				c.SetSym(i, j, c.At(i, j)+(float64(data[k*n+i])-tr.mu[i])*(float64(data[k*n+j])-tr.mu[j])/rows)
			}
		}
	}
	var eig mat.EigenSym
	eig.Factorize(c, false)
	lmin := eig.Values(nil)[0]
	var inv mat.Dense
	if err := inv.Inverse(c); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		for j := range n {
			if math.Abs(w[i*n+j]-w[j*n+i]) > 1e-9 {
				t.Fatalf("W not symmetric at %d,%d", i, j)
			}
			jj := -inv.At(i, j)
			if i == j {
				jj += 1 / lmin
			}
			got := 0.0
			for h := range n {
				got += w[i*n+h] * w[j*n+h] / 4
			}
			if math.Abs(got-jj) > 1e-8*(1+math.Abs(jj)) {
				t.Errorf("¼WWᵀ[%d,%d] = %.10g, want %.10g", i, j, got, jj)
			}
		}
	}
	if _, err := NewTrainer(comm.NewSerial(), data, n, TrainOptions{Hidden: n + 1, InitCouplings: true}); err == nil {
		t.Error("coupling start with more hidden units than sites accepted")
	}
}
