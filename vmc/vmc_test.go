package vmc_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/vmctest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

var samplers = []sampler.Settings{
	{Kind: sampler.Metropolis, Step: 1.0},
	{Kind: sampler.Importance, Step: 0.3},
}

func gaussSystem(t testing.TB, n, d int, omega, alpha float64, set sampler.Settings) *vmc.Continuous {
	t.Helper()
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: n, D: d, Omega: omega})
	s, err := vmc.NewContinuous(h, wavefunc.NewGaussian(n, d, alpha, 1), set)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// With α = ω/2 the Gaussian is the exact ground state of non-interacting
// bosons: every sample has E_L = N·d·ω/2, so the mean is exact and the
// variance zero up to round-off (1e-10, far above the ~1e-14 of summing
// identical doubles).
func TestExactNonInteracting(t *testing.T) {
	for _, set := range samplers {
		for d := 1; d <= 3; d++ {
			for n := 1; n <= 10; n++ {
				omega := 1.0
				if n%3 == 0 {
					omega = 0.7 // a second frequency, exercising ω in both terms
				}
				sys := gaussSystem(t, n, d, omega, omega/2, set)
				res := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 2, BurnIn: 10, Production: 200, Seed: 3})
				want := float64(n*d) * omega / 2
				if math.Abs(res.Energy-want) > 1e-10 || res.Variance > 1e-10 || res.Error > 1e-10 {
					t.Errorf("%v N=%d d=%d ω=%g: E = %.15g ± %g, variance %g; exact %g with zero variance",
						set.Kind, n, d, omega, res.Energy, res.Error, res.Variance, want)
				}
				if e, ok := sys.Exact(); !ok || math.Abs(e-want) > 1e-12 || !res.HasExact || res.Exact != e {
					t.Errorf("N=%d d=%d: exact energy %g (%v), result %g (%v), want %g", n, d, e, ok, res.Exact, res.HasExact, want)
				}
				if res.Samples != 400 || res.Ranks != 1 || res.Walkers != 2 {
					t.Errorf("samples %d ranks %d walkers %d, want 400 1 2", res.Samples, res.Ranks, res.Walkers)
				}
				if !(res.Acceptance > 0.05 && res.Acceptance <= 1) {
					t.Errorf("%v N=%d d=%d: acceptance %g", set.Kind, n, d, res.Acceptance)
				}
			}
		}
	}
}

// gaussEnergy is the exact ⟨H⟩ of the Gaussian trial with parameter α for
// N particles in d dimensions, ω: each coordinate contributes
// α/2 + ω²/(8α) (kinetic α/2, potential ½ω²⟨x²⟩ with ⟨x²⟩ = 1/(4α)).
func gaussEnergy(n, d int, omega, alpha float64) float64 {
	return float64(n*d) * (alpha/2 + omega*omega/(8*alpha))
}

// Away from the optimum the variational energy has a closed form; the
// estimate must agree within 4 error bars (blocking error, so correlated
// chains are accounted for).
func TestGaussianEnergyAwayFromOptimum(t *testing.T) {
	prod := 20000
	if testing.Short() {
		prod = 5000
	}
	for _, set := range samplers {
		sys := gaussSystem(t, 3, 2, 1, 0.35, set)
		res := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 4, BurnIn: 200, Production: prod, Seed: 5})
		want := gaussEnergy(3, 2, 1, 0.35)
		if math.Abs(res.Energy-want) > 4*res.Error || res.Error <= 0 {
			t.Errorf("%v: E = %.5f ± %.5f, exact %.5f", set.Kind, res.Energy, res.Error, want)
		}
	}
}

// nanSystem wraps a System; its walkers on rank badRank return NaN from
// the first Measure of iteration badIter (counting Measure calls).
type nanSystem struct {
	vmc.System
	badRank, badIter, samples int
}

type nanWalker struct {
	vmc.Walker
	calls, from int
}

func (w *nanWalker) Measure(o []float64) float64 {
	w.calls++
	e := w.Walker.Measure(o)
	if w.from > 0 && w.calls > w.from {
		return math.NaN()
	}
	return e
}

func (s *nanSystem) NewWalker(rank, index int, seed uint64) (vmc.Walker, error) {
	w, err := s.System.NewWalker(rank, index, seed)
	if err != nil {
		return nil, err
	}
	nw := &nanWalker{Walker: w}
	if rank == s.badRank && index == 1 {
		nw.from = s.badIter * s.samples
	}
	return nw, nil
}

// A NaN local energy stops all ranks with an error naming the iteration
// and the rank; the history of the completed iterations is kept.
func TestNaNLocalEnergy(t *testing.T) {
	const samples, badIter, badRank = 50, 3, 1
	hist := make([]int, 3)
	err := comm.RunLocal(3, func(c comm.Comm) error {
		sys := &nanSystem{System: gaussSystem(t, 2, 2, 1, 0.4, samplers[1]), badRank: badRank, badIter: badIter, samples: samples}
		d, err := vmc.New(c, sys, vmc.Options{Walkers: 2, Samples: samples, Iterations: 10, Production: 100, Seed: 1})
		if err != nil {
			return err
		}
		_, err = d.Run(context.Background())
		hist[c.Rank()] = len(d.History())
		var le *vmc.LocalEnergyError
		if !errors.As(err, &le) {
			return fmt.Errorf("got error %v, want a LocalEnergyError", err)
		}
		if le.Iteration != badIter || len(le.Ranks) != 1 || le.Ranks[0] != badRank {
			return fmt.Errorf("error %q names iteration %d ranks %v, want iteration %d rank %d", err, le.Iteration, le.Ranks, badIter, badRank)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for r, h := range hist {
		if h != badIter {
			t.Errorf("rank %d kept %d history records, want %d", r, h, badIter)
		}
	}
}
