package stats_test

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/stats"
)

// The Summary sums of every walker on every rank, all-reduced, give the same
// mean ± error as Combine of all chains' estimates in one place.
func TestSummaryThroughAllReduce(t *testing.T) {
	const ranks, walkers, n = 3, 4, 5000
	chain := func(rank, w int) []float64 {
		rng := rand.New(rand.NewPCG(uint64(rank), uint64(w)))
		x := make([]float64, n+rank*100) // unequal chain lengths
		v := 0.0
		for i := range x {
			v = 0.8*v + rng.NormFloat64()
			x[i] = -1.5 + v
		}
		return x
	}
	var mu sync.Mutex
	got := make([][2]float64, ranks)
	err := comm.RunLocal(ranks, func(c comm.Comm) error {
		buf := reduce.New()
		sN, sNM, sN2V := buf.Scalar("n"), buf.Scalar("n·mean"), buf.Scalar("n²·errVar")
		for w := range walkers {
			var b stats.Blocker
			for _, v := range chain(c.Rank(), w) {
				b.Add(v)
			}
			cn, cm, cv := b.Summary()
			sN.Add(cn)
			sNM.Add(cn * cm)
			sN2V.Add(cn * cn * cv)
		}
		if err := buf.AllReduce(c); err != nil {
			return err
		}
		m, e := stats.CombineSums(sN.Value(), sNM.Value(), sN2V.Value())
		mu.Lock()
		got[c.Rank()] = [2]float64{m, e}
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var all []stats.Estimate
	for r := range ranks {
		for w := range walkers {
			all = append(all, stats.Blocking(chain(r, w)))
		}
	}
	want := stats.Combine(all)
	for r, g := range got {
		// Sums in another order and streamed vs stored moments: round-off only.
		if math.Abs(g[0]-want.Mean) > 1e-12 || math.Abs(g[1]/want.Error-1) > 1e-9 {
			t.Errorf("rank %d: %.15g ± %.15g, Combine %.15g ± %.15g", r, g[0], g[1], want.Mean, want.Error)
		}
	}
}

// The pooled level sums of every walker on every rank, all-reduced, give
// the same estimate as pooling all chains in one place, on every rank.
func TestPooledSumsThroughAllReduce(t *testing.T) {
	const ranks, walkers, n = 3, 2, 3000
	chain := func(rank, w int) *stats.Blocker {
		rng := rand.New(rand.NewPCG(uint64(rank), uint64(w)))
		var b stats.Blocker
		v := 0.0
		for range n {
			v = 0.8*v + rng.NormFloat64()
			b.Add(-40 + v)
		}
		return &b
	}
	const K = -40.1 // a shift near the mean
	got := make([]stats.Estimate, ranks)
	err := comm.RunLocal(ranks, func(c comm.Comm) error {
		buf := reduce.New()
		sums := buf.Vector("sums", stats.SumsLen(n))
		for w := range walkers {
			chain(c.Rank(), w).AddSums(sums.Data(), K)
		}
		if err := buf.AllReduce(c); err != nil {
			return err
		}
		got[c.Rank()] = stats.FromSums(sums.Data(), K)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	local := make([]float64, stats.SumsLen(n))
	for r := range ranks {
		for w := range walkers {
			chain(r, w).AddSums(local, K)
		}
	}
	want := stats.FromSums(local, K)
	for r, g := range got {
		if g.N != want.N || g.Chains != ranks*walkers || g.Level != want.Level ||
			math.Abs(g.Mean-want.Mean) > 1e-12 || math.Abs(g.Error/want.Error-1) > 1e-9 || math.Abs(g.RHat-want.RHat) > 1e-9 {
			t.Errorf("rank %d: %+v, pooled in one place %+v", r, g, want)
		}
	}
}
