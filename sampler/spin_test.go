package sampler

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// spinIndex encodes a configuration as bits (1 for up).
func spinIndex(s []int8) int {
	k := 0
	for i, v := range s {
		if v > 0 {
			k |= 1 << i
		}
	}
	return k
}

// The chain's visit frequencies against the exact |Ψ|² of a random RBM on
// 5 spins (all 32 configurations for flips; the 10 with two up spins for
// exchanges). Each frequency's error comes from batch means over 50
// batches of 4000 sweeps (far longer than the chain's correlation time of
// a few sweeps); the test allows 5 error bars, a 6e-7 false-alarm rate per
// configuration under normality.
func TestSpinWalkerDistribution(t *testing.T) {
	for _, move := range []SpinMove{SingleFlip, Exchange} {
		t.Run(move.String(), func(t *testing.T) {
			const n = 5
			rng := rand.New(rand.NewPCG(11, 12))
			m := wavefunc.NewSpinRBM(n, 7)
			m.Randomize(0.3, rng)
			s0 := []int8{1, -1, 1, -1, -1}
			up0 := 2
			// Exact weights over the sampled space.
			want := make([]float64, 1<<n)
			total := 0.0
			s := make([]int8, n)
			for k := range want {
				nu := 0
				for i := range n {
					s[i] = -1
					if k>>i&1 == 1 {
						s[i] = 1
						nu++
					}
				}
				if move == Exchange && nu != up0 {
					continue
				}
				want[k] = math.Exp(2 * m.LogPsi(s))
				total += want[k]
			}
			for k := range want {
				want[k] /= total
			}
			w, err := NewSpinWalker(m.NewState(s0), SpinSettings{Move: move}, NewSource(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			for range 100 { // burn-in
				w.Sweep()
			}
			const batches, per = 50, 4000
			freq := make([][]float64, batches)
			for b := range freq {
				freq[b] = make([]float64, 1<<n)
				for range per {
					w.Sweep()
					freq[b][spinIndex(w.State().Spins())] += 1.0 / per
				}
			}
			for k, p := range want {
				mean, m2 := 0.0, 0.0
				for b := range freq {
					mean += freq[b][k] / batches
				}
				for b := range freq {
					m2 += (freq[b][k] - mean) * (freq[b][k] - mean)
				}
				se := math.Sqrt(m2 / (batches - 1) / batches)
				if p == 0 {
					if mean != 0 {
						t.Fatalf("configuration %05b outside the sector visited", k)
					}
					continue
				}
				if math.Abs(mean-p) > 5*se+1e-12 {
					t.Errorf("configuration %05b: frequency %.5f ± %.5f, exact %.5f", k, mean, se, p)
				}
			}
			a, pr := w.Counts()
			if a == 0 || a == pr {
				t.Errorf("accepted %d of %d moves", a, pr)
			}
		})
	}
}

// A chain restored from a checkpoint continues exactly as the original.
func TestSpinWalkerMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	m := wavefunc.NewSpinRBM(6, 6)
	m.Randomize(0.3, rng)
	s0 := []int8{1, 1, 1, -1, -1, -1}
	set := SpinSettings{Move: Exchange}
	w1, err := NewSpinWalker(m.NewState(s0), set, NewSource(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		w1.Sweep()
	}
	blob, err := w1.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	w2, err := NewSpinWalker(m.NewState(s0), set, NewSource(99, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		w1.Sweep()
		w2.Sweep()
	}
	b1, _ := w1.MarshalBinary()
	b2, _ := w2.MarshalBinary()
	if !bytes.Equal(b1, b2) {
		t.Error("restored chain diverged from the original")
	}
	if err := w2.UnmarshalBinary(blob[:20]); err == nil {
		t.Error("truncated record accepted")
	}
}

func TestSpinWalkerBadInput(t *testing.T) {
	m := wavefunc.NewSpinRBM(4, 4)
	if _, err := NewSpinWalker(m.NewState([]int8{1, 1, 1, 1}), SpinSettings{Move: Exchange}, NewSource(1, 0, 0)); err == nil {
		t.Error("exchange moves accepted on a fully polarised configuration")
	}
	if _, err := ParseSpinMove("swap"); err == nil {
		t.Error("unknown move accepted")
	}
}

func TestSpinWalkerAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	m := wavefunc.NewSpinRBM(10, 10)
	m.Randomize(0.1, rng)
	for _, move := range []SpinMove{SingleFlip, Exchange} {
		w, err := NewSpinWalker(m.NewState([]int8{1, -1, 1, -1, 1, -1, 1, -1, 1, -1}), SpinSettings{Move: move}, NewSource(3, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(100, func() { w.Sweep() }); a != 0 {
			t.Errorf("%v: %v allocations per sweep", move, a)
		}
	}
}
