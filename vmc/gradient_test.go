package vmc_test

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// scripted is a System whose walkers emit pseudo-random (E_L, O) pairs
// from their own streams, so the test can replay them and compute the
// gradient and S matrix independently of the driver.
type scripted struct{ p []float64 }

func (s *scripted) NumParams() int                 { return len(s.p) }
func (s *scripted) Params(dst []float64) []float64 { return append(dst[:0], s.p...) }
func (s *scripted) SetParams(p []float64)          { copy(s.p, p) }
func (s *scripted) Exact() (float64, bool)         { return 0, false }
func (s *scripted) NewWalker(rank, index int, seed uint64) (vmc.Walker, error) {
	return &scriptedWalker{rng: rand.New(sampler.NewSource(seed, rank, index))}, nil
}

type scriptedWalker struct{ rng *rand.Rand }

func (w *scriptedWalker) Sweep() (int, int) { return 1, 2 }

// Measure draws O_k ~ N(k, 1) correlated with E_L = 3 + O_0 − 2·O_2 + noise.
func (w *scriptedWalker) Measure(o []float64) float64 {
	var buf [3]float64
	if o == nil {
		o = buf[:]
	}
	for k := range o {
		o[k] = float64(k) + w.rng.NormFloat64()
	}
	o[1] += 0.5 * o[0] // correlate O_0 and O_1, so S is not diagonal
	return 3 + o[0] - 2*o[2] + 0.1*w.rng.NormFloat64()
}
func (w *scriptedWalker) Refresh()                       {}
func (w *scriptedWalker) MarshalBinary() ([]byte, error) { return nil, nil }
func (w *scriptedWalker) UnmarshalBinary([]byte) error   { return nil }

// captureRule records the step direction it is given and changes nothing.
type captureRule struct{ got []float64 }

func (r *captureRule) Step(params, grad []float64) { r.got = append([]float64(nil), grad...) }
func (r *captureRule) Name() string                { return "capture" }
func (r *captureRule) State() []float64            { return nil }
func (r *captureRule) SetState([]float64) error    { return nil }

// captureSR records S and f and returns δ = f.
type captureSR struct{ S, f []float64 }

func (c *captureSR) Solve(dst, S, f []float64) error {
	c.S, c.f = append([]float64(nil), S...), append([]float64(nil), f...)
	copy(dst, f)
	return nil
}

// The driver's gradient G = 2(⟨E O⟩ − ⟨E⟩⟨O⟩) and SR's S and f, summed
// over 3 walkers on each of 2 ranks, equal the same quantities computed
// directly from the replayed samples (to 1e-10 relative: only summation
// order differs).
func TestGradientAndSMatrix(t *testing.T) {
	const ranks, walkers, samples, P, seed = 2, 3, 400, 3, 77
	// Reference from the replayed streams.
	var n, sE float64
	sO, sEO := make([]float64, P), make([]float64, P)
	sOO := make([]float64, P*P)
	o := make([]float64, P)
	for r := range ranks {
		for w := range walkers {
			wk, _ := (&scripted{}).NewWalker(r, w, seed)
			for range samples {
				e := wk.Measure(o)
				n++
				sE += e
				for k := range P {
					sO[k] += o[k]
					sEO[k] += e * o[k]
					for l := range P {
						sOO[k*P+l] += o[k] * o[l]
					}
				}
			}
		}
	}
	E := sE / n
	wantF := make([]float64, P)
	wantS := make([]float64, P*P)
	for k := range P {
		wantF[k] = sEO[k]/n - E*sO[k]/n
		for l := range P {
			wantS[k*P+l] = sOO[k*P+l]/n - sO[k]/n*sO[l]/n
		}
	}
	close := func(what string, got, want []float64) {
		t.Helper()
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-10*math.Max(1, math.Abs(want[i])) {
				t.Errorf("%s[%d] = %.15g, want %.15g", what, i, got[i], want[i])
			}
		}
	}
	for _, withSR := range []bool{false, true} {
		var mu sync.Mutex
		rules := map[int]*captureRule{}
		srs := map[int]*captureSR{}
		err := comm.RunLocal(ranks, func(c comm.Comm) error {
			rule, sr := &captureRule{}, &captureSR{}
			opt := vmc.Options{Walkers: walkers, Samples: samples, Iterations: 1, Seed: seed, Rule: rule}
			if withSR {
				opt.SR = sr
			}
			d, err := vmc.New(c, &scripted{p: make([]float64, P)}, opt)
			if err != nil {
				return err
			}
			rec, err := d.Step(context.Background())
			if err != nil {
				return err
			}
			if math.Abs(rec.Energy-E) > 1e-12*math.Abs(E) || rec.Acceptance != 0.5 {
				t.Errorf("rank %d: energy %.15g acceptance %g, want %.15g and 0.5", c.Rank(), rec.Energy, rec.Acceptance, E)
			}
			mu.Lock()
			rules[c.Rank()], srs[c.Rank()] = rule, sr
			mu.Unlock()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for r := range ranks {
			if withSR {
				close("S", srs[r].S, wantS)
				close("f", srs[r].f, wantF)
				close("δ", rules[r].got, wantF)
			} else {
				g := make([]float64, P)
				for k := range g {
					g[k] = 2 * wantF[k]
				}
				close("G", rules[r].got, g)
			}
		}
	}
}
