package vmc_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// dot2System is two electrons in a 2D dot, an RBM × Padé, starting off.
func dot2System(t testing.TB) *vmc.Continuous {
	t.Helper()
	m := wavefunc.NewRBM(2, 2, 2, 1)
	m.Randomize(0.3, rand.New(rand.NewPCG(8, 9)))
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true})
	s, err := vmc.NewContinuous(h, wavefunc.NewProduct(m, wavefunc.NewPade(2, 2, 2)), sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stagedOptions exercises every new option at once: a variance stage, SR
// with an absolute and a relative shift that decay, a rule whose rate
// decays and whose steps are clipped, and the convergence test.
func stagedOptions(t testing.TB, iters int) vmc.Options {
	rule, err := optim.NewScheduled(optim.NewGD(0.2), optim.Decay{Kind: "inverse", Rate: 0.1, MinFactor: 0.3}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	return vmc.Options{Walkers: 2, Samples: 200, BurnIn: 50, Iterations: iters, Seed: 3, Rule: rule,
		SR:                 &optim.SR{Shift: 1e-3, RelShift: 0.01, ShiftDecay: optim.Decay{Kind: "exp", Rate: 0.2, MinFactor: 0.1}},
		VarianceIterations: 3, ConvergenceWindow: 4}
}

// resumeCompare runs mk's driver to the end, and again stopped after stop
// iterations, snapshotted into a fresh driver and resumed; the histories
// (but for the wall clock), parameters and energies must agree bit for bit.
func resumeCompare(t *testing.T, mk func() (*vmc.Driver, error), stop int) {
	t.Helper()
	ctx := context.Background()
	d, err := mk()
	if err != nil {
		t.Fatal(err)
	}
	want, err := d.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d1, err := mk()
	if err != nil {
		t.Fatal(err)
	}
	for range stop {
		if _, err := d1.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := d1.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	d2, err := mk()
	if err != nil {
		t.Fatal(err)
	}
	if err := d2.Restore(snap); err != nil {
		t.Fatal(err)
	}
	got, err := d2.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.History) != len(want.History) || got.Energy != want.Energy || got.Iterations != want.Iterations {
		t.Fatalf("resumed: %d records, E = %v after %d iterations; uninterrupted: %d, %v, %d",
			len(got.History), got.Energy, got.Iterations, len(want.History), want.Energy, want.Iterations)
	}
	for i := range want.History {
		a, b := got.History[i], want.History[i]
		a.Wall, b.Wall = 0, 0
		if a != b {
			t.Fatalf("record %d: %+v vs %+v", i, a, b)
		}
	}
	for k := range want.Params {
		if got.Params[k] != want.Params[k] {
			t.Fatalf("parameter %d: %v vs %v", k, got.Params[k], want.Params[k])
		}
	}
}

// TestResumeStagesBitIdentical: the schedules, the variance stage and the
// convergence test, and the linear method's adaptive shift, survive a
// snapshot in the middle (for the linear method, a shift that restarted
// from its initial value would change the next step).
func TestResumeStagesBitIdentical(t *testing.T) {
	t.Run("staged SR", func(t *testing.T) {
		resumeCompare(t, func() (*vmc.Driver, error) {
			o := stagedOptions(t, 20)
			o.Production = 500
			return vmc.New(comm.NewSerial(), dot2System(t), o)
		}, 2)
	})
	t.Run("linear", func(t *testing.T) {
		resumeCompare(t, func() (*vmc.Driver, error) {
			return vmc.New(comm.NewSerial(), dot2System(t), vmc.Options{Walkers: 2, Samples: 200, BurnIn: 50, Iterations: 6,
				Production: 500, Seed: 4, Rule: optim.NewGD(1), Linear: &optim.Linear{Shift: 0.5}})
		}, 3)
	})
}

// gaussPadeSystem is two electrons in a 2D dot, Gaussian(α) × Padé(β).
func gaussPadeSystem(t testing.TB, alpha, beta float64) *vmc.Continuous {
	t.Helper()
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true})
	s, err := vmc.NewContinuous(h, wavefunc.NewProduct(wavefunc.NewGaussian(2, 2, alpha, 1), wavefunc.NewPade(2, 2, beta)),
		sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestVarianceStage: from a poor start (α = 0.25, β = 2; the optimum is
// near 0.49, 0.4) the variance stage lowers σ²(E_L) from 0.7 by more than
// 30× (it reaches ≈ 2e-3 in 15 iterations), and with a convergence window the run stops before its
// iteration budget, not before the stage and one window.
func TestVarianceStage(t *testing.T) {
	o := stagedOptions(t, 200)
	o.Rule = optim.NewGD(0.3)
	o.VarianceIterations = 15
	o.ConvergenceWindow = 8
	o.Samples = 400
	d, err := vmc.New(comm.NewSerial(), gaussPadeSystem(t, 0.25, 2), o)
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h := res.History
	if len(h) < 15+8 || len(h) >= 200 {
		t.Fatalf("stopped after %d iterations, want between 23 and 199", len(h))
	}
	first, staged := h[0].Variance, h[14].Variance
	if !(staged < first/30) {
		t.Errorf("variance %g → %g over the variance stage, want a drop by 30×", first, staged)
	}
	// Two electrons with the cusp: the energy ends near 3 (Taut).
	if e := h[len(h)-1].Energy; math.Abs(e-3) > 0.05 {
		t.Errorf("final energy %g, want ≈ 3", e)
	}
	if !d.Converged() {
		t.Error("Converged false after Run stopped early")
	}
}

func TestStageOptionsChecked(t *testing.T) {
	for _, o := range []vmc.Options{
		{Walkers: 1, Samples: 1, VarianceIterations: -1},
		{Walkers: 1, Samples: 1, ConvergenceWindow: 1},
		{Walkers: 1, Samples: 1, VarianceIterations: 2, Rule: optim.NewGD(1), Linear: &optim.Linear{}},
	} {
		if _, err := vmc.New(comm.NewSerial(), dot2System(t), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
