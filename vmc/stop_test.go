package vmc_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// countingSystem calls at() after every sweep of any of its walkers (on
// any rank), so that a test can stop a run at a chosen sweep.
type countingSystem struct {
	vmc.System
	at func()
}

type countingWalker struct {
	vmc.Walker
	at func()
}

func (s countingSystem) NewWalker(rank, index int, seed uint64) (vmc.Walker, error) {
	w, err := s.System.NewWalker(rank, index, seed)
	return countingWalker{w, s.at}, err
}

func (w countingWalker) Sweep() (int, int) {
	a, p := w.Walker.Sweep()
	w.at()
	return a, p
}

// A stop during a burn-in far too long to finish ends the run at once,
// on every rank, with ErrStopped and nothing of the iteration kept.
func TestStopDuringLongBurnIn(t *testing.T) {
	opt := vmc.Options{Walkers: 2, Samples: 100, BurnIn: 1 << 40, Iterations: 2, Production: 100, Seed: 3}
	ctx, cancel := context.WithCancel(context.Background())
	var sweeps atomic.Int64
	sys := func() vmc.System {
		return countingSystem{gaussSystem(t, 2, 2, 1, 0.4, samplers[0]), func() {
			if sweeps.Add(1) == 1000 {
				cancel()
			}
		}}
	}
	// A guard only: the burn-in alone would take days.
	guard := time.AfterFunc(2*time.Minute, func() { panic("the stop was not seen during burn-in") })
	defer guard.Stop()
	err := comm.RunLocal(2, func(c comm.Comm) error {
		o := opt
		o.Rule = optim.NewAdam(0.03, 1)
		d, err := vmc.New(c, sys(), o)
		if err != nil {
			return err
		}
		_, err = d.Run(ctx)
		if !errors.Is(err, vmc.ErrStopped) {
			return err
		}
		if d.Iteration() != 0 || len(d.History()) != 0 {
			t.Errorf("rank %d: stopped after %d iterations, want 0", c.Rank(), d.Iteration())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A stop in the middle of a burn-in, an iteration or a production chunk
// discards the unfinished part: the snapshot stands at the boundary
// before it, and a restored driver ends bit-identical to an uninterrupted
// run (two ranks, both signalled, as under mpirun or srun).
func TestStopMidSamplingResumesBitIdentical(t *testing.T) {
	// Sweeps per iteration over both ranks: 2 ranks × 2 walkers × 200.
	opt := vmc.Options{Walkers: 2, Samples: 200, BurnIn: 300, Iterations: 4, Production: 1200, Chunk: 400, Seed: 11}
	const perIter, burn = 2 * 2 * 200, 2 * 2 * 300
	build := func(c comm.Comm, at func()) (*vmc.Driver, error) {
		o := opt
		o.Rule = optim.NewAdam(0.03, 1)
		var sys vmc.System = gaussSystem(t, 2, 2, 1, 0.4, samplers[1])
		if at != nil {
			sys = countingSystem{sys, at}
		}
		return vmc.New(c, sys, o)
	}
	want := make([]*vmc.Result, 2)
	if err := comm.RunLocal(2, func(c comm.Comm) error {
		d, err := build(c, nil)
		if err != nil {
			return err
		}
		want[c.Rank()], err = d.Run(context.Background())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		sweep int64 // the stop comes after this many sweeps over both ranks
		iter  int   // completed iterations in the snapshot
	}{
		{"first burn-in", burn / 2, 0},
		{"iteration 3", burn + 2*perIter + perIter/2, 2},
		{"production burn-in", burn + 4*perIter + burn/3, 4},
		{"production chunk 2", 2*burn + 4*perIter + 2*2*400 + 300, 4},
		// Chunk 3 ends the second round (chunks 2 and 3): the whole round
		// is discarded, chunk 2 included.
		{"production chunk 3", 2*burn + 4*perIter + 2*2*800 + 300, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// A walker that passes the stop's sweep waits until cancel
			// has returned: otherwise a descheduled cancelling goroutine
			// lets the others sweep on (hundreds of sweeps were seen under
			// -race), which would test the scheduler, not the polling.
			var sweeps atomic.Int64
			cancelled := make(chan struct{})
			at := func() {
				switch n := sweeps.Add(1); {
				case n == tc.sweep:
					cancel()
					close(cancelled)
				case n > tc.sweep:
					<-cancelled
				}
			}
			got := make([]*vmc.Result, 2)
			err := comm.RunLocal(2, func(c comm.Comm) error {
				d, err := build(c, at)
				if err != nil {
					return err
				}
				if _, err := d.Run(ctx); !errors.Is(err, vmc.ErrStopped) {
					return errors.Join(errors.New("run did not stop"), err)
				}
				if sweeps.Load() > tc.sweep+2*2*pollEveryTest {
					t.Errorf("rank %d: %d sweeps after the stop", c.Rank(), sweeps.Load()-tc.sweep)
				}
				snap, err := d.Snapshot()
				if err != nil {
					return err
				}
				if snap.Iteration != tc.iter {
					t.Errorf("rank %d: snapshot after %d iterations, want %d", c.Rank(), snap.Iteration, tc.iter)
				}
				d2, err := build(c, nil)
				if err != nil {
					return err
				}
				if err := d2.Restore(snap); err != nil {
					return err
				}
				got[c.Rank()], err = d2.Run(context.Background())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for r := range got {
				sameResult(t, got[r], want[r])
			}
		})
	}
}

// pollEveryTest is vmc's pollEvery: each walker sweeps at most that many
// times after the stop.
const pollEveryTest = 4

func sameResult(t *testing.T, g, w *vmc.Result) {
	t.Helper()
	eq := func(a, b float64) bool { return a == b || (a != a && b != b) }
	if !eq(g.Energy, w.Energy) || !eq(g.Error, w.Error) || !eq(g.Variance, w.Variance) || g.Samples != w.Samples || g.Iterations != w.Iterations {
		t.Fatalf("resumed %+v\nuninterrupted %+v", g, w)
	}
	for i := range w.Params {
		if g.Params[i] != w.Params[i] {
			t.Fatalf("parameter %d: %v vs %v", i, g.Params[i], w.Params[i])
		}
	}
	for i := range w.History {
		a, b := g.History[i], w.History[i]
		a.Wall, b.Wall = 0, 0
		if a != b {
			t.Fatalf("history %d: %+v vs %+v", i, a, b)
		}
	}
}
