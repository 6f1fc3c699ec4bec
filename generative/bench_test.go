package generative

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

// BenchmarkGibbs: block-Gibbs samples/s of an N = 64, n_h = 64 machine.
func BenchmarkGibbs(b *testing.B) {
	r := randomRBM(64, 64, 0.1, 1)
	g := NewGibbs(r)
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		g.Step(r, 1, 1, rng)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkPottsGibbs: block-Gibbs steps/s with the global relabelling move
// of a one-hot machine, 64 three-state sites (192 visible units), n_h = 64.
func BenchmarkPottsGibbs(b *testing.B) {
	r := randomPotts(64, 3, 64, 0.1, 1)
	g := NewGibbs(r)
	tmp := make([]float64, r.NH)
	rng := rand.New(rand.NewPCG(1, 2))
	r.randomVisible(g.V, rng)
	b.ReportAllocs()
	for b.Loop() {
		g.Step(r, 1, 1, rng)
		flip(r, g, nil, tmp, rng)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkTrain: training samples/s (data rows per second through PCD-5
// minibatches of 100 with 100 chains) at 1 and 2 in-process ranks holding
// the same global data (strong scaling) and twice the data at 2 ranks (weak).
func BenchmarkTrain(b *testing.B) {
	data := make([]uint8, 64*2000)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = uint8(rng.IntN(2))
	}
	for _, ranks := range []int{1, 2} {
		b.Run(fmt.Sprintf("ranks=%d", ranks), func(b *testing.B) {
			var rows int
			b.ReportAllocs()
			err := comm.RunLocal(ranks, func(c comm.Comm) error {
				tr, err := NewTrainer(c, data[:64*1000*ranks], 64, TrainOptions{Hidden: 64, K: 5, Persistent: true, Chains: 100 * ranks, BatchSize: 100 * ranks, Seed: 1})
				if err != nil {
					return err
				}
				if c.Rank() == 0 {
					b.ResetTimer()
				}
				for range b.N {
					if err := tr.Epoch(); err != nil {
						return err
					}
				}
				if c.Rank() == 0 {
					rows = tr.Rows()
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// TestHotLoopsAllocate nothing: a Gibbs step and a PCD minibatch.
func TestHotLoopsAllocate(t *testing.T) {
	r := randomRBM(16, 8, 0.1, 1)
	g := NewGibbs(r)
	rng := rand.New(rand.NewPCG(1, 2))
	if a := testing.AllocsPerRun(100, func() { g.Step(r, 2, 1, rng) }); a != 0 {
		t.Errorf("Gibbs step: %v allocations", a)
	}
	data := make([]uint8, 16*200)
	for i := range data {
		data[i] = uint8(rng.IntN(2))
	}
	for _, pers := range []bool{false, true} {
		tr, err := NewTrainer(comm.NewSerial(), data, 16, TrainOptions{Hidden: 8, K: 2, Persistent: pers, BatchSize: 50, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		batch := []int{0, 5, 9, 100}
		if a := testing.AllocsPerRun(50, func() {
			if err := tr.minibatch(batch); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("persistent=%v minibatch: %v allocations", pers, a)
		}
	}
	obs := IsingObserver(4)
	if a := testing.AllocsPerRun(100, func() { obs(g.V) }); a != 0 {
		t.Errorf("observer: %v allocations", a)
	}
}
