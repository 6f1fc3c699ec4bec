package vmc

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// selectDriver runs one correlated-selection iteration of two particles in
// a 2D trap with the Gaussian exp(−α Σr²) from α = 0.3, leaving the
// iteration's samples stored.
func selectDriver(t *testing.T) (*Driver, Record) {
	t.Helper()
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1})
	sys, err := NewContinuous(h, wavefunc.NewGaussian(2, 2, 0.3, 1), sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(comm.NewSerial(), sys, Options{Walkers: 2, Samples: 150, BurnIn: 20, Iterations: 1, Seed: 7,
		Rule: optim.NewGD(1), Linear: &CorrelatedShift{Solver: &optim.Linear{}}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := d.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d, rec
}

// TestCorrelatedEnergyAtCurrentParams: a candidate equal to the
// parameters that drew the samples has weights 1, ESS 1 and the
// correlated energy of the iteration's directly sampled energy.
func TestCorrelatedEnergyAtCurrentParams(t *testing.T) {
	d, rec := selectDriver(t)
	s := d.lin.sel
	d.sys.SetParams(d.lastGood)
	defer d.sys.SetParams(d.params)
	shifts := []float64{1}
	b := make([]float64, corrSums{m: maxCandidates + 1}.len())
	for _, sw := range s.walkers {
		if sw.n != d.opt.Samples {
			t.Fatalf("%d samples stored, want %d", sw.n, d.opt.Samples)
		}
		sw.evaluate(s.model, 0)
		for j := range sw.n {
			if math.Abs(sw.logW[0][j]) > 1e-12 || math.Abs(sw.eC[0][j]-sw.e[j]) > 1e-12 {
				t.Fatalf("sample %d: 2 ln(Ψ/Ψ₀) = %g, E_L %v vs %v", j, sw.logW[0][j], sw.eC[0][j], sw.e[j])
			}
		}
		sw.accumulate(shifts, rec.Energy)
		for i := range b {
			b[i] += sw.sums[i]
		}
	}
	cs := &CorrelatedShift{Solver: &optim.Linear{}}
	if _, err := cs.choose(shifts, 0, b, rec.Energy, 1); err != nil {
		t.Fatal(err)
	}
	l := cs.Last()
	if math.Abs(l.Energies[0]-rec.Energy) > 1e-12 || math.Abs(l.Current-rec.Energy) > 1e-12 ||
		math.Abs(l.ESS[0]-1) > 1e-12 || l.Errors[0] > 1e-8 { // the error: √ of round-off
		t.Errorf("correlated E = %v (ESS %v, error %g), stored %v; sampled E = %v", l.Energies[0], l.ESS[0], l.Errors[0], l.Current, rec.Energy)
	}
}

// TestCorrelatedWeightsExact: for α → α + δ the probe's weights are the
// exact |Ψ_α+δ/Ψ_α|² = exp(−2δ Σr²) and its local energies the exact
// E_L = α d N + (ω²/2 − 2α²) Σr².
func TestCorrelatedWeightsExact(t *testing.T) {
	d, _ := selectDriver(t)
	s := d.lin.sel
	alpha := d.lastGood[0]
	const delta = 0.07
	a := alpha + delta
	d.sys.SetParams([]float64{a})
	defer d.sys.SetParams(d.params)
	for _, sw := range s.walkers {
		sw.evaluate(s.model, 1)
		for j := range sw.n {
			r2 := 0.0
			for _, x := range sw.x[j*sw.nd : (j+1)*sw.nd] {
				r2 += x * x
			}
			lw, el := -2*delta*r2, a*2*2+(0.5-2*a*a)*r2
			if math.Abs(sw.logW[1][j]-lw) > 1e-12*(1+math.Abs(lw)) || math.Abs(sw.eC[1][j]-el) > 1e-12*(1+math.Abs(el)) {
				t.Fatalf("sample %d: 2 ln ratio %v, E_L %v; exact %v, %v", j, sw.logW[1][j], sw.eC[1][j], lw, el)
			}
		}
	}
}

// TestCorrelatedChoice: the written rule on synthetic sums.
func TestCorrelatedChoice(t *testing.T) {
	cols := corrSums{m: maxCandidates + 1}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 2000
	// sums builds the sums of n samples with E₀ ~ N(0, 1); candidate k
	// has energy offsets off[k] (applied per sample, so the differences
	// are exact) and log-weights of spread spread[k].
	sums := func(off, spread [maxCandidates]float64) []float64 {
		b := make([]float64, cols.len())
		var w, e [maxCandidates + 1]float64
		for range n {
			g := rng.NormFloat64()
			w[0], e[0] = 1, g
			for k := range maxCandidates {
				w[k+1], e[k+1] = math.Exp(spread[k]*rng.NormFloat64()), g+off[k]
			}
			cols.add(b, &w, &e)
		}
		return b
	}
	shifts := []float64{0.01, 0.1, 1}
	for _, tc := range []struct {
		name     string
		off      [maxCandidates]float64
		spread   [maxCandidates]float64
		chosen   int
		fallback bool
	}{
		{"lowest wins", [3]float64{-0.5, -0.2, -0.1}, [3]float64{0.1, 0.05, 0.01}, 0, false},
		{"collapsed ESS skipped", [3]float64{-0.5, -0.2, -0.1}, [3]float64{3, 0.05, 0.01}, 1, false},
		{"all collapsed: largest shift", [3]float64{-0.5, -0.2, -0.1}, [3]float64{3, 3, 3}, 2, true},
		{"tie within noise keeps the middle", [3]float64{-1e-5, 0, 0}, [3]float64{0.01, 0.01, 0.01}, 1, false},
	} {
		cs := &CorrelatedShift{Solver: &optim.Linear{}}
		k, err := cs.choose(shifts, 1, sums(tc.off, tc.spread), 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if l := cs.Last(); k != tc.chosen || l.Fallback != tc.fallback || cs.Shift() != shifts[k] {
			t.Errorf("%s: chose %d (fallback %v, next shift %v), want %d (%v); E %v ESS %v", tc.name, k, l.Fallback, cs.Shift(), tc.chosen, tc.fallback, l.Energies, l.ESS)
		}
	}
	cs := &CorrelatedShift{Solver: &optim.Linear{}}
	if _, err := cs.choose([]float64{math.NaN(), math.NaN()}, 1, make([]float64, cols.len()), 0, 1); err == nil {
		t.Error("no error when every solve failed")
	}
}

// TestCandidateShifts: a/10, a, 10a, floored at MinShift without repeats.
func TestCandidateShifts(t *testing.T) {
	cs := &CorrelatedShift{Solver: &optim.Linear{Shift: 0.05}}
	got, mid := cs.candidateShifts(nil)
	if len(got) != 3 || math.Abs(got[0]-0.005) > 1e-15 || got[1] != 0.05 || got[2] != 0.5 || mid != 1 {
		t.Errorf("around 0.05: %v, middle %d", got, mid)
	}
	cs = &CorrelatedShift{Solver: &optim.Linear{Shift: 1e-3}}
	got, mid = cs.candidateShifts(got)
	if len(got) != 2 || got[0] != 1e-3 || got[1] != 1e-2 || mid != 0 {
		t.Errorf("at the floor: %v, middle %d", got, mid)
	}
}

// TestCorrelatedEvaluateAllocs: visiting the stored samples allocates
// nothing once the probe exists.
func TestCorrelatedEvaluateAllocs(t *testing.T) {
	d, _ := selectDriver(t)
	s := d.lin.sel
	sw := s.walkers[0]
	if n := testing.AllocsPerRun(3, func() { sw.evaluate(s.model, 0) }); n != 0 {
		t.Errorf("%v allocations per evaluation of %d samples", n, sw.n)
	}
}
