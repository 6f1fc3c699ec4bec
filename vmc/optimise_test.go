package vmc_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/vmctest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Optimising α from 0.3 reaches the exact α = ½ (ω = 1): the gradient's
// noise vanishes at the exact wave function (zero-variance principle), so
// α converges to 0.5 to within 1e-6 and E to N·d/2 with zero variance.
// Gradient descent is stable for η·E”(½) < 2, E”(α) = N·d/(4α³); η is
// chosen as 0.8/E”(½).
func TestOptimiseAlpha(t *testing.T) {
	cases := []struct{ n, d int }{{1, 1}, {2, 2}, {3, 3}, {10, 1}, {5, 2}, {10, 3}}
	if testing.Short() {
		cases = cases[:3]
	}
	for _, tc := range cases {
		for _, set := range samplers {
			sys := gaussSystem(t, tc.n, tc.d, 1, 0.3, set)
			curv := float64(tc.n*tc.d) * 2 // E''(α) = N·d/(4α³) = 2N·d at α = ½
			res := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{
				Walkers: 2, Samples: 300, BurnIn: 100, Iterations: 60, Production: 500, Seed: 9,
				Rule: optim.NewGD(0.8 / curv),
			})
			want := float64(tc.n*tc.d) / 2
			if math.Abs(res.Params[0]-0.5) > 1e-6 || math.Abs(res.Energy-want) > 1e-8 || res.Variance > 1e-10 {
				t.Errorf("%v N=%d d=%d: α = %.9f, E = %.10f (variance %g); want α = 0.5, E = %g",
					set.Kind, tc.n, tc.d, res.Params[0], res.Energy, res.Variance, want)
			}
			if len(res.History) != 60 || res.History[0].Energy <= want || res.History[0].GradNorm <= 0 {
				t.Errorf("%v N=%d d=%d: history of %d records starting at E = %g, |G| = %g",
					set.Kind, tc.n, tc.d, len(res.History), res.History[0].Energy, res.History[0].GradNorm)
			}
		}
	}
}

// The same optimisation with stochastic reconfiguration and with Adam.
// With one parameter S = var(O) = var(Σr²), and the SR step is the
// Newton-like δ = F/S.
func TestOptimiseSRAndAdam(t *testing.T) {
	for name, opt := range map[string]vmc.Options{
		"sr+gd": {Rule: optim.NewGD(0.2), SR: &optim.SR{Shift: 1e-4}, Iterations: 40},
		"adam":  {Rule: optim.NewAdam(0.02, 1), Iterations: 150},
	} {
		opt.Walkers, opt.Samples, opt.BurnIn, opt.Production, opt.Seed = 2, 500, 100, 500, 4
		sys := gaussSystem(t, 4, 2, 1, 0.3, samplers[1])
		res := vmctest.MustRun(t, comm.NewSerial(), sys, opt)
		// Adam's steps do not shrink with the gradient's noise as GD's do;
		// 2e-3 in α is a few of its final step sizes, and E − E₀ is
		// second order in δα: N·d·(δα)² ≈ 3e-5.
		if math.Abs(res.Params[0]-0.5) > 2e-3 || math.Abs(res.Energy-4) > 1e-4 {
			t.Errorf("%s: α = %.6f, E = %.6f ± %g; want 0.5 and 4", name, res.Params[0], res.Energy, res.Error)
		}
	}
}

// One particle in the elliptical trap (γ = 2.82843) with the Gaussian at
// β = γ and α optimised from 0.3: E = 1 + γ/2 = 2.414215 within its error
// bar (3σ) plus the second-order bias of α's residual error.
func TestEllipticalOneParticle(t *testing.T) {
	const gamma = 2.82843
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 1, D: 3, Omega: 1, Elliptical: true, Gamma: gamma})
	sys, err := vmc.NewContinuous(h, wavefunc.NewGaussian(1, 3, 0.3, gamma), sampler.Settings{Kind: sampler.Importance, Step: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	res := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 4, Samples: 1000, BurnIn: 200, Iterations: 40, Production: 5000, Seed: 2,
		Rule: optim.NewGD(0.1)}) // E''(½) = (2+γ)·2 ≈ 9.7, so η·E'' ≈ 1: fast, stable
	want := 1 + gamma/2
	if math.Abs(res.Energy-want) > 3*res.Error+1e-6 {
		t.Errorf("E = %.6f ± %.6f, exact %.6f (α = %.6f)", res.Energy, res.Error, want, res.Params[0])
	}
	if e, ok := sys.Exact(); !ok || math.Abs(e-want) > 1e-12 {
		t.Errorf("Exact() = %g, %v; want %g", e, ok, want)
	}
}

// A learning rate far beyond the stability limit makes α negative, where
// Ψ is not normalisable: the driver reports a divergence with the last
// good parameters and leaves the system at them.
func TestDivergence(t *testing.T) {
	sys := gaussSystem(t, 2, 3, 1, 0.3, samplers[1])
	d, err := vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: 2, Samples: 200, Iterations: 20, Production: 100, Seed: 1,
		Rule: optim.NewGD(10)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Run(context.Background())
	var de *vmc.DivergenceError
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a DivergenceError", err)
	}
	if len(de.LastGood) != 1 || !(de.LastGood[0] > 0) {
		t.Errorf("last good parameters %v, want one positive α", de.LastGood)
	}
	if p := sys.Params(nil); p[0] != de.LastGood[0] {
		t.Errorf("system left at α = %g, last good %g", p[0], de.LastGood[0])
	}
	if len(d.History()) != de.Iteration {
		t.Errorf("%d history records kept, divergence at iteration %d", len(d.History()), de.Iteration)
	}
}
