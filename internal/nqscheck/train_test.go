package nqscheck

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/vmctest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// dot2 is two particles in a 2D trap at ω = 1, electrons with Coulomb
// repulsion (exact 3, Taut) or non-interacting bosons (exact 2).
func dot2(coulomb bool) *hamiltonian.Particles {
	return hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: coulomb, Fermions: coulomb})
}

func rbmFrom(scale float64, seed uint64) *wavefunc.RBM {
	r := wavefunc.NewRBM(2, 2, 4, 1)
	r.Randomize(scale, rand.New(rand.NewPCG(seed, 99)))
	return r
}

// importance is the sampler of all training runs: Δt = 0.2 keeps the
// acceptance near 0.96 for these states.
var importance = sampler.Settings{Kind: sampler.Importance, Step: 0.2}

func train(t *testing.T, c comm.Comm, m wavefunc.Model, h *hamiltonian.Particles, opt vmc.Options) *vmc.Result {
	t.Helper()
	sys, err := vmc.NewContinuous(h, m, importance)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Walkers == 0 {
		opt.Walkers = 4
	}
	opt.BurnIn = 200
	opt.Seed = 7
	return vmctest.MustRun(t, c, sys, opt)
}

// shortOr returns short under -short and full otherwise.
func shortOr(short, full int) int {
	if testing.Short() {
		return short
	}
	return full
}

// From small random weights, SR trains the RBM of two non-interacting
// particles in 2D to the exact state: E = N·d·ω/2 = 2 (within 1e-3, the
// requirement; the zero-variance principle makes the actual error far
// smaller, so the variance must also have dropped below 1e-4, from ≈ 0.05
// at the start).
func TestRBMLearnsNonInteracting(t *testing.T) {
	res := train(t, comm.NewSerial(), rbmFrom(0.1, 1), dot2(false), vmc.Options{
		Samples: shortOr(300, 500), Iterations: shortOr(100, 150), Production: shortOr(5000, 50000),
		Rule: optim.NewGD(0.1), SR: &optim.SR{Shift: 1e-3},
	})
	t.Logf("E = %.7f ± %.7f, variance %.3g", res.Energy, res.Error, res.Variance)
	if math.Abs(res.Energy-2) > 1e-3 || res.Variance > 1e-4 {
		t.Errorf("E = %.6f ± %.6f (variance %.3g), want 2 within 1e-3 and variance < 1e-4", res.Energy, res.Error, res.Variance)
	}
}

// itersToVariance is the first iteration whose sampled variance of E_L is
// below v, or len(hist) when none is.
func itersToVariance(hist []vmc.Record, v float64) int {
	for _, r := range hist {
		if r.Variance < v {
			return r.Iteration
		}
	}
	return len(hist)
}

// Stochastic reconfiguration against plain gradient descent with the same
// learning rate, start (weights of scale 0.5, E ≈ 2.8) and samples: SR
// follows the natural gradient and reaches a variance of E_L below 1e-3
// (E within ≈ 1e-3 of the exact 2) in far fewer iterations. Measured: SR
// in ≈ 30, GD not within 200. Asserted: SR in at most half of GD's count.
func TestSRFewerIterationsThanGD(t *testing.T) {
	// -short (the race detector's run) stops at 100 iterations: SR is
	// there by 30-40, GD not by 200.
	iters := shortOr(100, 200)
	run := func(sr vmc.Preconditioner) int {
		res := train(t, comm.NewSerial(), rbmFrom(0.5, 2), dot2(false), vmc.Options{
			Samples: shortOr(300, 500), Iterations: iters, Rule: optim.NewGD(0.1), SR: sr,
		})
		return itersToVariance(res.History, 1e-3)
	}
	nSR := run(&optim.SR{Shift: 1e-3})
	nGD := run(nil)
	t.Logf("iterations to variance < 1e-3: SR %d, GD %d (of %d)", nSR, nGD, iters)
	if nSR >= iters || 2*nSR > nGD {
		t.Errorf("SR needed %d iterations, GD %d: want SR in at most half", nSR, nGD)
	}
}

// Two electrons in 2D at ω = 1 (exact 3, Taut): the RBM times the
// Padé–Jastrow factor, trained by Adam from small weights, must reach
// E ≤ 3.001 with an error bar ≤ 2e-4, and stay above 3 within 4 error
// bars (the variational principle). Measured: 3.00002 ± 0.00002.
func TestRBMPadeTwoElectrons(t *testing.T) {
	m := wavefunc.NewProduct(rbmFrom(0.1, 3), wavefunc.NewPade(2, 2, 0.5))
	res := train(t, comm.NewSerial(), m, dot2(true), vmc.Options{
		Samples: shortOr(500, 1000), Iterations: shortOr(120, 300), Production: shortOr(60000, 200000),
		Rule: optim.NewAdam(0.02, m.NumParams()),
	})
	t.Logf("RBM×Padé: E = %.6f ± %.6f, variance %.3g, β = %.4f", res.Energy, res.Error, res.Variance, res.Params[len(res.Params)-1])
	if res.Energy > 3.001 || res.Error > 2e-4 || res.Energy < 3-4*res.Error {
		t.Errorf("RBM×Padé: E = %.6f ± %.6f, want ≤ 3.001 with error ≤ 2e-4 and ≥ 3 − 4σ", res.Energy, res.Error)
	}
}

// The bare RBM has no electron–electron cusp: its energy stalls well above
// 3 (about 3.08 is the known RBM limit for this dot; measured here
// 3.082 ± 0.002 after 500 Adam iterations), with a large variance from the
// unbalanced 1/r₁₂. Asserted: the band 3.04–3.12 and at least 5 error bars
// above the exact 3.
func TestRBMTwoElectronsLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("500 training iterations; run without -short")
	}
	m := rbmFrom(0.1, 4)
	res := train(t, comm.NewSerial(), m, dot2(true), vmc.Options{
		Samples: 1000, Iterations: 500, Production: 200000,
		Rule: optim.NewAdam(0.02, m.NumParams()),
	})
	t.Logf("bare RBM: E = %.5f ± %.5f, variance %.3g", res.Energy, res.Error, res.Variance)
	if res.Energy < 3.04 || res.Energy > 3.12 || res.Energy < 3+5*res.Error {
		t.Errorf("bare RBM: E = %.5f ± %.5f, want 3.04–3.12 and above 3 + 5σ", res.Energy, res.Error)
	}
}

// The feed-forward network (4-8-8-1, tanh, envelope ω) times Padé–Jastrow
// must do at least as well as RBM × Padé: E ≤ 3.001 with error ≤ 2e-4, and
// not above the RBM × Padé energy of the same budget by more than 3
// combined error bars. Measured: 3.00003 ± 0.00002.
func TestFFNNPadeTwoElectrons(t *testing.T) {
	if testing.Short() {
		t.Skip("network training takes ≈ 10 s; run without -short")
	}
	nn, err := wavefunc.NewFFNN(2, 2, []int{4, 8, 8, 1}, "tanh", 1)
	if err != nil {
		t.Fatal(err)
	}
	nn.Randomize(0.1, rand.New(rand.NewPCG(5, 99)))
	m := wavefunc.NewProduct(nn, wavefunc.NewPade(2, 2, 0.5))
	opt := vmc.Options{Samples: 1000, Iterations: 300, Production: 200000}
	opt.Rule = optim.NewAdam(0.01, m.NumParams())
	res := train(t, comm.NewSerial(), m, dot2(true), opt)
	t.Logf("FFNN×Padé: E = %.6f ± %.6f, variance %.3g", res.Energy, res.Error, res.Variance)
	if res.Energy > 3.001 || res.Error > 2e-4 || res.Energy < 3-4*res.Error {
		t.Errorf("FFNN×Padé: E = %.6f ± %.6f, want ≤ 3.001 with error ≤ 2e-4 and ≥ 3 − 4σ", res.Energy, res.Error)
	}
	rp := wavefunc.NewProduct(rbmFrom(0.1, 3), wavefunc.NewPade(2, 2, 0.5))
	opt.Rule = optim.NewAdam(0.02, rp.NumParams())
	ref := train(t, comm.NewSerial(), rp, dot2(true), opt)
	if tol := 3 * math.Hypot(res.Error, ref.Error); res.Energy > ref.Energy+tol {
		t.Errorf("FFNN×Padé %.6f ± %.6f is worse than RBM×Padé %.6f ± %.6f", res.Energy, res.Error, ref.Energy, ref.Error)
	}
}

// Two in-process ranks with two walkers each against one rank with four,
// for the same RBM × Padé state (fixed parameters, not the exact state, so
// the variance is finite): the energies agree within 4 combined blocking
// error bars, and each error bar is finite and positive.
func TestTwoRanksAgreeWithOne(t *testing.T) {
	mk := func() wavefunc.Model {
		return wavefunc.NewProduct(rbmFrom(0.2, 6), wavefunc.NewPade(2, 2, 0.4))
	}
	prod := shortOr(10000, 50000)
	one := train(t, comm.NewSerial(), mk(), dot2(true), vmc.Options{Walkers: 4, Production: prod})
	var two *vmc.Result
	err := comm.RunLocal(2, func(c comm.Comm) error {
		sys, err := vmc.NewContinuous(dot2(true), mk(), importance)
		if err != nil {
			return err
		}
		res, err := vmctest.Run(c, sys, vmc.Options{Walkers: 2, BurnIn: 200, Production: prod, Seed: 7})
		if err != nil {
			return err
		}
		if c.Rank() == 0 {
			two = res
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1 rank: %.5f ± %.5f; 2 ranks: %.5f ± %.5f (%d samples)", one.Energy, one.Error, two.Energy, two.Error, two.Samples)
	if two.Ranks != 2 || two.Samples != one.Samples {
		t.Fatalf("2-rank run: %d ranks, %d samples; want 2 and %d", two.Ranks, two.Samples, one.Samples)
	}
	if !(one.Error > 0 && two.Error > 0) {
		t.Fatalf("error bars %v and %v, want positive", one.Error, two.Error)
	}
	if d := math.Abs(one.Energy - two.Energy); d > 4*math.Hypot(one.Error, two.Error) {
		t.Errorf("1 rank %.5f ± %.5f vs 2 ranks %.5f ± %.5f: differ by %.2g", one.Energy, one.Error, two.Energy, two.Error, d)
	}
}

// A learning rate far too large for the RBM blows the state up within a
// few iterations (E ≈ 200 after one step of η = 50); the driver must report
// the divergence with the last good, finite parameters rather than
// continue or return NaN.
func TestRBMDivergenceReported(t *testing.T) {
	m := rbmFrom(0.1, 4)
	sys, err := vmc.NewContinuous(dot2(true), m, importance)
	if err != nil {
		t.Fatal(err)
	}
	d, err := vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: 4, BurnIn: 200, Samples: 500, Iterations: 50, Seed: 7, Rule: optim.NewGD(50)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Run(context.Background())
	var de *vmc.DivergenceError
	if !errors.As(err, &de) {
		t.Fatalf("error %v, want a divergence", err)
	}
	if len(de.LastGood) != m.NumParams() {
		t.Fatalf("last good parameters: %d values, want %d", len(de.LastGood), m.NumParams())
	}
	for _, p := range de.LastGood {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			t.Fatalf("last good parameters %v are not finite", de.LastGood)
		}
	}
	t.Logf("diverged at iteration %d: %s", de.Iteration, de.Reason)
}

// Taut's three-dimensional case: two electrons at ω = 1/2, exact energy 2,
// Ψ = (1 + r₁₂/2) e^{−ω(r₁²+r₂²)/2}. RBM (σ² = 1/ω) × Padé (cusp 1/2)
// trained by SR must reach E ≤ 2.001 with error ≤ 2e-4 and stay above 2
// within 4 error bars. Measured: 2.00012 ± 0.00004 (-short 2.00007 ± 0.00007).
func TestRBMPadeTwoElectrons3D(t *testing.T) {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 3, Omega: 0.5, Coulomb: true, Fermions: true})
	r := wavefunc.NewRBM(2, 3, 4, 2)
	r.Randomize(0.1, rand.New(rand.NewPCG(10, 99)))
	m := wavefunc.NewProduct(r, wavefunc.NewPade(2, 3, 0.5))
	res := train(t, comm.NewSerial(), m, h, vmc.Options{
		Samples: shortOr(500, 1000), Iterations: 100, Production: shortOr(30000, 100000),
		Rule: optim.NewGD(0.1), SR: &optim.SR{Shift: 1e-3},
	})
	t.Logf("3D RBM×Padé: E = %.6f ± %.6f, variance %.3g", res.Energy, res.Error, res.Variance)
	if res.Energy > 2.001 || res.Error > 2e-4 || res.Energy < 2-4*res.Error {
		t.Errorf("3D RBM×Padé: E = %.6f ± %.6f, want ≤ 2.001 with error ≤ 2e-4 and ≥ 2 − 4σ", res.Energy, res.Error)
	}
}
