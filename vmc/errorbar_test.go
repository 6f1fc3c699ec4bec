package vmc_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/internal/vmctest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// The blocking error bar of a correlated Metropolis chain matches the
// spread of 20 independent runs (seeds), while the naive σ/√n is too small.
//
// Tolerances: the standard deviation of 20 means has a relative
// uncertainty of 1/√(2·19) ≈ 16 %, so the ratio blocking/spread is
// accepted in [0.55, 1.6] (≈ ±3σ). A small Metropolis step makes the
// autocorrelation time τ ≈ 10 sweeps or more, so the naive error is
// smaller by √(2τ) ≳ 3: it must stay below 0.5 × spread.
func TestBlockingMatchesSeedSpread(t *testing.T) {
	const runs = 20
	const prod = 1 << 15 // cheap: 20 runs take well under a second
	var means, blocking, naive []float64
	for seed := range uint64(runs) {
		sys := gaussSystem(t, 1, 1, 1, 0.35, sampler.Settings{Kind: sampler.Metropolis, Step: 0.6})
		res := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 1, BurnIn: 500, Production: prod, Seed: 100 + seed})
		means = append(means, res.Energy)
		blocking = append(blocking, res.Error)
		naive = append(naive, math.Sqrt(res.Variance/float64(res.Samples)))
	}
	spread := stddev(means)
	b, nv := avg(blocking), avg(naive)
	t.Logf("spread of %d means %.3g, mean blocking error %.3g, naive %.3g", runs, spread, b, nv)
	if r := b / spread; r < 0.55 || r > 1.6 {
		t.Errorf("blocking error %.3g vs spread of seeds %.3g: ratio %.2f outside [0.55, 1.6]", b, spread, r)
	}
	if nv > 0.5*spread {
		t.Errorf("naive error %.3g not measurably below the spread %.3g of a correlated chain", nv, spread)
	}
	// The mean over runs agrees with the exact variational energy
	// α/2 + 1/(8α) within 4 standard errors of that mean.
	want := gaussEnergy(1, 1, 1, 0.35)
	if m := avg(means); math.Abs(m-want) > 4*spread/math.Sqrt(runs) {
		t.Errorf("mean of runs %.5f, exact %.5f (± %.2g)", m, want, spread/math.Sqrt(runs))
	}
}

func avg(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func stddev(xs []float64) float64 {
	m, s := avg(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}

// Runs on 2 and 3 in-process ranks agree with one rank within error bars,
// and the error shrinks as 1/√(total samples): err_r·√r/err_1 must lie in
// [0.6, 1.6] (blocking errors themselves scatter by ~20 % at these sizes).
// All ranks return identical results.
func TestRanksAgree(t *testing.T) {
	prod := 20000
	if testing.Short() {
		prod = 4000
	}
	opt := vmc.Options{Walkers: 2, Samples: 200, BurnIn: 200, Iterations: 3, Production: prod, Seed: 21, SyncEvery: 2}
	one := func(ranks int) *vmc.Result {
		results := make([]*vmc.Result, ranks)
		err := comm.RunLocal(ranks, func(c comm.Comm) error {
			o := opt
			o.Rule = optim.NewGD(0.002)
			var err error
			results[c.Rank()], err = vmctest.Run(c, gaussSystem(t, 3, 2, 1, 0.4, samplers[1]), o)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for r := 1; r < ranks; r++ {
			a, b := *results[0], *results[r]
			for i := range a.History {
				a.History[i].Wall, b.History[i].Wall = 0, 0
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%d ranks: rank %d result %+v differs from rank 0 %+v", ranks, r, b, a)
			}
		}
		return results[0]
	}
	r1 := one(1)
	for _, ranks := range []int{2, 3} {
		r := one(ranks)
		if r.Samples != int64(ranks)*r1.Samples || r.Ranks != ranks {
			t.Errorf("%d ranks: %d samples, want %d", ranks, r.Samples, int64(ranks)*r1.Samples)
		}
		if diff, e := math.Abs(r.Energy-r1.Energy), math.Hypot(r.Error, r1.Error); diff > 4*e {
			t.Errorf("%d ranks: E = %.5f ± %.5f, one rank %.5f ± %.5f", ranks, r.Energy, r.Error, r1.Energy, r1.Error)
		}
		if q := r.Error * math.Sqrt(float64(ranks)) / r1.Error; q < 0.6 || q > 1.6 {
			t.Errorf("%d ranks: error %.3g, one rank %.3g: err·√ranks/err₁ = %.2f, want ≈ 1", ranks, r.Error, r1.Error, q)
		}
	}
}

// Same seed, ranks and walkers → bit-identical results, whatever the
// number of goroutines; another seed gives another chain.
func TestReproducible(t *testing.T) {
	runWith := func(seed uint64, workers int) *vmc.Result {
		var res *vmc.Result
		err := comm.RunLocal(2, func(c comm.Comm) error {
			r, err := vmctest.Run(c, gaussSystem(t, 3, 3, 1, 0.3, samplers[1]), vmc.Options{
				Walkers: 3, Samples: 100, BurnIn: 50, Iterations: 5, Production: 1000, Seed: seed,
				Rule: optim.NewAdam(0.02, 1), Workers: workers})
			if c.Rank() == 0 {
				res = r
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.History {
			res.History[i].Wall = 0
		}
		return res
	}
	a, b, c := runWith(5, 1), runWith(5, 3), runWith(6, 2)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different goroutine counts: %+v vs %+v", a, b)
	}
	if a.Energy == c.Energy {
		t.Errorf("seeds 5 and 6 gave the same energy %v", a.Energy)
	}
}

// A stop requested on one rank stops every rank after the same iteration;
// a fresh driver restored from the snapshot finishes with the result of an
// uninterrupted run, bit for bit.
func TestStopAndRestore(t *testing.T) {
	opt := vmc.Options{Walkers: 2, Samples: 100, BurnIn: 50, Iterations: 8, Production: 3000, Chunk: 500, Seed: 8}
	newDriver := func(c comm.Comm, o vmc.Options) (*vmc.Driver, error) {
		o.Rule = optim.NewAdam(0.03, 1)
		return vmc.New(c, gaussSystem(t, 2, 3, 1, 0.3, samplers[1]), o)
	}
	want := make([]*vmc.Result, 2)
	if err := comm.RunLocal(2, func(c comm.Comm) error {
		d, err := newDriver(c, opt)
		if err != nil {
			return err
		}
		want[c.Rank()], err = d.Run(context.Background())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, stopAt := range []int{3, 8 + 2} { // an optimisation iteration, a production chunk
		snaps := make([]*vmc.Snapshot, 2)
		got := make([]*vmc.Result, 2)
		err := comm.RunLocal(2, func(c comm.Comm) error {
			o := opt
			polls := 0
			if c.Rank() == 1 {
				o.Stop = func() bool { polls++; return polls == stopAt }
			}
			d, err := newDriver(c, o)
			if err != nil {
				return err
			}
			if _, err := d.Run(context.Background()); !errors.Is(err, vmc.ErrStopped) {
				return err
			}
			if snaps[c.Rank()], err = d.Snapshot(); err != nil {
				return err
			}
			d2, err := newDriver(c, opt)
			if err != nil {
				return err
			}
			if err := d2.Restore(snaps[c.Rank()]); err != nil {
				return err
			}
			got[c.Rank()], err = d2.Run(context.Background())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if stopAt < opt.Iterations && snaps[0].Iteration != stopAt {
			t.Errorf("stopped after iteration %d, want %d", snaps[0].Iteration, stopAt)
		}
		for r := range got {
			g, w := *got[r], *want[r]
			g.History, w.History = nil, nil
			if !reflect.DeepEqual(g, w) {
				t.Errorf("stop at poll %d, rank %d: resumed %+v, uninterrupted %+v", stopAt, r, g, w)
			}
		}
	}
}
