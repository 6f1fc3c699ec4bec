package vmc_test

import (
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/vmctest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// anharmonic is a user's trap V = Σ_k (½x_k² + λx_k⁴), written outside
// package hamiltonian.
type anharmonic struct{ lambda float64 }

func (a anharmonic) Potential(x []float64, d int) float64 {
	v := 0.0
	for _, xk := range x {
		x2 := xk * xk
		v += 0.5*x2 + a.lambda*x2*x2
	}
	return v
}

func (anharmonic) Width(int) float64 { return 1 }

// A user-defined potential through vmc.NewContinuous. With λ = 0 and the
// Gaussian Ψ = exp(−x²/2) (α = ½) it is the exact ground state: every
// sample has E_L = ½, zero variance. With λ = 0.1 the Gaussian's energy is
// known in closed form, E(α) = α/2 + 1/(8α) + 3λ/(16α²), so the sampled
// mean must agree within 4 error bars.
func TestUserPotentialContinuous(t *testing.T) {
	for _, set := range samplers {
		h, err := hamiltonian.NewParticles(1, 1, anharmonic{})
		if err != nil {
			t.Fatal(err)
		}
		sys, err := vmc.NewContinuous(h, wavefunc.NewGaussian(1, 1, 0.5, 1), set)
		if err != nil {
			t.Fatal(err)
		}
		res := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 2, BurnIn: 10, Production: 500, Seed: 3})
		if math.Abs(res.Energy-0.5) > 1e-12 || res.Variance > 1e-20 {
			t.Errorf("%v, V = x²/2: E = %.15g, variance %g; want 1/2 exactly", set.Kind, res.Energy, res.Variance)
		}

		const lambda, alpha = 0.1, 0.6
		h4, err := hamiltonian.NewParticles(1, 1, anharmonic{lambda})
		if err != nil {
			t.Fatal(err)
		}
		sys4, err := vmc.NewContinuous(h4, wavefunc.NewGaussian(1, 1, alpha, 1), set)
		if err != nil {
			t.Fatal(err)
		}
		res4 := vmctest.MustRun(t, comm.NewSerial(), sys4, vmc.Options{Walkers: 4, BurnIn: 200, Production: 40000, Seed: 5})
		want := alpha/2 + 1/(8*alpha) + 3*lambda/(16*alpha*alpha)
		t.Logf("%v: E = %.5f ± %.5f, closed form %.5f", set.Kind, res4.Energy, res4.Error, want)
		if math.Abs(res4.Energy-want) > 4*res4.Error || res4.Error > 0.01 {
			t.Errorf("%v, V = x²/2 + %g x⁴, α = %g: E = %.5f ± %.5f, closed form %.5f", set.Kind, lambda, alpha, res4.Energy, res4.Error, want)
		}
		if _, ok := sys4.Exact(); ok {
			t.Error("a user potential without a reference reports an exact energy")
		}
	}
}

// The Gibbs driver takes a user's potential as well: the √F RBM with
// W = 0 and σ² = 1/2 is exp(−x²/2), the ground state of V = x²/2.
func TestUserPotentialGibbs(t *testing.T) {
	h, err := hamiltonian.NewParticles(2, 2, anharmonic{})
	if err != nil {
		t.Fatal(err)
	}
	r := wavefunc.NewRBM(2, 2, 3, 0.5)
	r.Sqrt = true
	sys, err := vmc.NewGibbsContinuous(h, r, 1)
	if err != nil {
		t.Fatal(err)
	}
	res := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 2, BurnIn: 10, Production: 500, Seed: 4})
	if math.Abs(res.Energy-2) > 1e-10 || res.Variance > 1e-18 {
		t.Errorf("E = %.15g, variance %g; want 2 exactly", res.Energy, res.Variance)
	}
}

// A Hamiltonian of the wrong size is refused.
func TestUserPotentialMismatch(t *testing.T) {
	h, err := hamiltonian.NewParticles(2, 1, anharmonic{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vmc.NewContinuous(h, wavefunc.NewGaussian(1, 1, 0.5, 1), sampler.Settings{Kind: sampler.Metropolis, Step: 1}); err == nil {
		t.Error("one-particle wave function accepted for two particles")
	}
	if _, err := vmc.NewContinuous(nil, wavefunc.NewGaussian(1, 1, 0.5, 1), sampler.Settings{Kind: sampler.Metropolis, Step: 1}); err == nil {
		t.Error("nil Hamiltonian accepted")
	}
}
