package generative

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/classical"
	"github.com/vmcmpi/vmcmpi/comm"
)

// isingData returns n Metropolis samples of the L×L Ising model as 0/1 rows.
func isingData(t testing.TB, L int, T float64, n int, seed uint64) []uint8 {
	t.Helper()
	r, err := classical.Run(classical.Options{Model: classical.Ising, L: L, T: T, Thermalize: 500, Samples: n, Every: 5, Keep: true, Seed1: seed, Seed2: 99})
	if err != nil {
		t.Fatal(err)
	}
	return r.Configs
}

func randomRBM(nv, nh int, scale float64, seed uint64) *RBM {
	r := NewRBM(nv, nh)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range r.Params {
		r.Params[i] = scale * rng.NormFloat64()
	}
	return r
}

// TestLogZBothWays: summing over hidden or over visible units gives the same Z.
func TestLogZBothWays(t *testing.T) {
	r := randomRBM(6, 5, 0.7, 3)
	z1, err := LogZ(r)
	if err != nil {
		t.Fatal(err)
	}
	// The transposed machine (layers swapped) has the same Z and is summed
	// over the other layer.
	tr := NewRBM(5, 6)
	for i := range 6 {
		for j := range 5 {
			tr.W[j*6+i] = r.W[i*5+j]
		}
	}
	copy(tr.A, r.B)
	copy(tr.B, r.A)
	z2, _ := LogZ(tr)
	if math.Abs(z1-z2) > 1e-12 {
		t.Errorf("ln Z over h %v, over v %v", z1, z2)
	}
	// Brute force over both layers.
	terms := []float64{}
	for vc := range 1 << 6 {
		for hc := range 1 << 5 {
			e := 0.0
			for i := range 6 {
				vi := float64(vc >> i & 1)
				e += r.A[i] * vi
				for j := range 5 {
					e += vi * r.W[i*5+j] * float64(hc>>j&1)
				}
			}
			for j := range 5 {
				e += r.B[j] * float64(hc>>j&1)
			}
			terms = append(terms, e)
		}
	}
	if z3 := logSumExp(terms); math.Abs(z1-z3) > 1e-12 {
		t.Errorf("ln Z %v, brute force %v", z1, z3)
	}
}

// TestGibbsMarginal: block Gibbs samples of a small random RBM reproduce the
// exact marginal p(v) (χ² over the 2^4 states), with and without the
// spin-flip move (whose O(n_h) free-energy change is checked against F).
func TestGibbsMarginal(t *testing.T) {
	for _, withFlip := range []bool{false, true} {
		r := randomRBM(4, 3, 1, 5)
		lz, _ := LogZ(r)
		tmp, colsum, scratch := make([]float64, r.NH), make([]float64, r.NH), make([]float64, r.NH)
		columnSums(r, colsum)
		g := NewGibbs(r)
		rng := rand.New(rand.NewPCG(1, 2))
		const n = 200000
		counts := make([]float64, 16)
		v := make([]float64, 4)
		for k := range n {
			g.Step(r, 1, 1, rng)
			if withFlip {
				if k < 50 {
					// The hidden input of 1 − v that flip derives must be
					// the one computed directly.
					for i, x := range g.V {
						v[i] = 1 - x
					}
					r.hiddenInput(tmp, v)
					flip(r, g, colsum, scratch, rng)
					for j := range tmp {
						want := 2*r.B[j] + colsum[j] - g.in[j] // rejected: g.in is of the old v
						if slices.Equal(g.V, v) {
							want = g.in[j] // accepted: g.in is of 1 − v
						}
						if d := math.Abs(tmp[j] - want); d > 1e-12 {
							t.Fatalf("step %d: hidden input of the flipped state off by %g", k, d)
						}
					}
				} else {
					flip(r, g, colsum, scratch, rng)
				}
			}
			code := 0
			for i, x := range g.V {
				code |= int(x) << i
			}
			counts[code]++
		}
		chi2 := 0.0
		for code := range 16 {
			for i := range v {
				v[i] = float64(code >> i & 1)
			}
			p := math.Exp(-r.FreeEnergy(v, tmp) - lz)
			d := counts[code] - n*p
			chi2 += d * d / (n * p)
		}
		// Successive Gibbs samples are correlated (τ of a few steps), which
		// inflates χ² by about 2τ; 15 degrees of freedom, so 150 is far beyond
		// chance for a correct sampler and far below a wrong one.
		if chi2 > 150 {
			t.Errorf("flip %v: χ² = %.1f over 15 degrees of freedom", withFlip, chi2)
		}
	}
}

// TestAISMatchesExact on a random machine.
func TestAISMatchesExact(t *testing.T) {
	r := randomRBM(16, 6, 0.3, 9)
	exact, _ := LogZ(r)
	est, se, err := AIS(r, AISOptions{Steps: 500, Runs: 200, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(est-exact) > 3*se+1e-9 || se > 0.05 {
		t.Errorf("AIS ln Z = %.5f ± %.5f, exact %.5f", est, se, exact)
	}
}

// TestTrainLikelihood: on 4×4 Ising data with 4 hidden units the exact
// log-likelihood rises during training (PCD and CD-k), and AIS agrees with
// the exact ln Z within 3σ at the end.
func TestTrainLikelihood(t *testing.T) {
	data := isingData(t, 4, 2.5, 2000, 11)
	for _, o := range []TrainOptions{
		{Hidden: 4, K: 5, BatchSize: 50, LearningRate: 0.005, Seed: 1},
		{Hidden: 4, K: 5, Persistent: true, BatchSize: 50, LearningRate: 0.005, Seed: 1},
		{Hidden: 4, K: 1, Persistent: true, BatchSize: 50, Optimizer: "sgd", LearningRate: 0.05, Centered: true, ChainsFromData: true, Seed: 1},
	} {
		if o.Centered && testing.Short() {
			continue // the recipe itself; TestRecipe covers it in full runs
		}
		pers := fmt.Sprintf("%v/centered=%v", o.Persistent, o.Centered)
		tr, err := NewTrainer(comm.NewSerial(), data, 16, o)
		if err != nil {
			t.Fatal(err)
		}
		ll := func() float64 {
			lz, _ := LogZ(tr.RBM)
			return LogLikelihood(tr.RBM, data, lz)
		}
		first := ll()
		var lls []float64
		for range 3 {
			for range 5 {
				if err := tr.Epoch(); err != nil {
					t.Fatal(err)
				}
			}
			lls = append(lls, ll())
		}
		// The ideal is −S of the data distribution; at T = 2 it is far
		// above the independent-spin start, so a rise of 1 nat is a
		// definite learning signal well above the sampling noise (~0.05).
		if lls[2] < first+1 || lls[2] < lls[0]-0.05 {
			t.Errorf("persistent=%v: log-likelihood %.3f → %v", pers, first, lls)
		}
		exact, _ := LogZ(tr.RBM)
		est, se, err := AIS(tr.RBM, AISOptions{Steps: 1000, Runs: 200, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(est-exact) > 3*se+1e-9 {
			t.Errorf("persistent=%v: AIS ln Z = %.4f ± %.4f, exact %.4f", pers, est, se, exact)
		}
		t.Logf("persistent=%v: ll %.3f → %.3f; ln Z exact %.4f, AIS %.4f ± %.4f", pers, first, lls, exact, est, se)
	}
}

// TestRanks: a fixed rank count gives bit-identical weights; 1, 2 and 3
// ranks give statistically equivalent models.
func TestRanks(t *testing.T) {
	data := isingData(t, 4, 2.5, 600, 12)
	train := func(ranks int) []float64 {
		var out []float64
		err := comm.RunLocal(ranks, func(c comm.Comm) error {
			tr, err := NewTrainer(c, data, 16, TrainOptions{Hidden: 8, K: 2, Persistent: true, Chains: 30, BatchSize: 40, LearningRate: 0.01, WeightDecay: 1e-4, Seed: 3})
			if err != nil {
				return err
			}
			for range 4 {
				if err := tr.Epoch(); err != nil {
					return err
				}
			}
			if c.Rank() == c.Size()-1 {
				out = slices.Clone(tr.RBM.Params)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	ref := map[int][]float64{}
	for _, n := range []int{1, 2, 3} {
		a, b := train(n), train(n)
		if !slices.Equal(a, b) {
			t.Errorf("%d ranks: two runs differ", n)
		}
		ref[n] = a
	}
	// Across rank counts only the summation order differs; compare the
	// learned distributions through the exact log-likelihood.
	ll := func(p []float64) float64 {
		r := NewRBM(16, 8)
		copy(r.Params, p)
		lz, _ := LogZ(r)
		return LogLikelihood(r, data, lz)
	}
	l1 := ll(ref[1])
	for _, n := range []int{2, 3} {
		if d := math.Abs(ll(ref[n]) - l1); d > 0.05 {
			t.Errorf("log-likelihood with %d ranks differs from 1 rank by %.3f nats", n, d)
		}
	}
}

// TestResume: a trainer restored from a checkpoint taken after two epochs
// ends bit-identically to one that ran on, at 2 ranks, also with an
// annealed learning rate and averaged parameters.
func TestResume(t *testing.T) {
	data := isingData(t, 4, 2.5, 300, 13)
	for _, opt := range []TrainOptions{
		{Hidden: 5, K: 2, Persistent: true, Chains: 7, BatchSize: 30, Seed: 8},
		{Hidden: 5, K: 1, Persistent: true, Chains: 7, BatchSize: 30, Seed: 8, Optimizer: "sgd", LearningRate: 0.05,
			LearningRateEnd: 0.005, DecayEpochs: 3, AverageFrom: 1, ChainsFromData: true, Centered: true},
	} {
		resume(t, data, opt)
	}
}

func resume(t *testing.T, data []uint8, opt TrainOptions) {
	err := comm.RunLocal(2, func(c comm.Comm) error {
		a, err := NewTrainer(c, data, 16, opt)
		if err != nil {
			return err
		}
		a.Epoch()
		a.Epoch()
		st := &checkpoint.State{}
		if err := a.Save(st, 0); err != nil {
			return err
		}
		// Every rank needs the state: send rank 0's encoding to all.
		var enc []byte
		if c.Rank() == 0 {
			if enc, err = checkpoint.Encode(st); err != nil {
				return err
			}
		}
		n := []float64{float64(len(enc))}
		c.Bcast(n, 0)
		buf := checkpoint.PackBytes(make([]float64, 0), enc)
		if c.Rank() != 0 {
			buf = make([]float64, (int(n[0])+7)/8)
		}
		c.Bcast(buf, 0)
		raw, err := checkpoint.UnpackBytes(buf, int(n[0]))
		if err != nil {
			return err
		}
		st2, err := checkpoint.Decode(raw)
		if err != nil {
			return err
		}
		b, err := NewTrainer(c, data, 16, opt)
		if err != nil {
			return err
		}
		if err := b.Restore(st2); err != nil {
			return err
		}
		a.Epoch()
		b.Epoch()
		if !slices.Equal(a.RBM.Params, b.RBM.Params) || !slices.Equal(a.Averaged().Params, b.Averaged().Params) {
			t.Errorf("rank %d: resumed parameters differ", c.Rank())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSchedule: the annealed rate runs geometrically from the first to the
// last value over DecayEpochs, and the averaged machine is the mean of the
// iterates.
func TestSchedule(t *testing.T) {
	data := isingData(t, 4, 2.5, 100, 14)
	tr, err := NewTrainer(comm.NewSerial(), data, 16, TrainOptions{Hidden: 3, Persistent: true, BatchSize: 25, Optimizer: "sgd",
		LearningRate: 0.1, LearningRateEnd: 0.001, DecayEpochs: 2, AverageFrom: 1})
	if err != nil {
		t.Fatal(err)
	}
	for step, want := range map[int]float64{0: 0.1, 4: 0.01, 8: 0.001, 20: 0.001} {
		tr.step = step
		if got := tr.learningRate(); math.Abs(got-want) > 1e-15 {
			t.Errorf("step %d: rate %g, want %g", step, got, want)
		}
	}
	tr.step = 0
	if err := tr.Epoch(); err != nil {
		t.Fatal(err)
	}
	if tr.Averaged() != tr.RBM {
		t.Error("averaged machine before AverageFrom")
	}
	mean := make([]float64, len(tr.RBM.Params))
	for range 4 {
		if err := tr.minibatch([]int{0, 1, 2, 3, 4}); err != nil {
			t.Fatal(err)
		}
		for i, x := range tr.RBM.Params {
			mean[i] += x / 4
		}
	}
	for i, x := range tr.Averaged().Params {
		if math.Abs(x-mean[i]) > 1e-12 {
			t.Fatalf("parameter %d: average %g, mean of iterates %g", i, x, mean[i])
		}
	}
}

// TestKAverage: KAverage Gibbs steps take over from K exactly at
// AverageFrom: one epoch is bit-identical to K-step training, the next one
// is that of KAverage steps from the same state.
func TestKAverage(t *testing.T) {
	data := isingData(t, 4, 2.5, 100, 15)
	train := func(k, kAvg, epochs int) []float64 {
		tr, err := NewTrainer(comm.NewSerial(), data, 16, TrainOptions{Hidden: 4, K: k, KAverage: kAvg, Persistent: true, Chains: 10,
			BatchSize: 25, Optimizer: "sgd", LearningRate: 0.1, AverageFrom: 1, Flip: true, Seed: 6})
		if err != nil {
			t.Fatal(err)
		}
		for range epochs {
			if err := tr.Epoch(); err != nil {
				t.Fatal(err)
			}
		}
		return tr.RBM.Params
	}
	if !slices.Equal(train(1, 3, 1), train(1, 0, 1)) {
		t.Error("KAverage changed the epochs before AverageFrom")
	}
	if slices.Equal(train(1, 3, 2), train(1, 0, 2)) {
		t.Error("KAverage did not change the epochs from AverageFrom on")
	}
	if _, err := NewTrainer(comm.NewSerial(), data, 16, TrainOptions{Hidden: 4, KAverage: -1}); err == nil {
		t.Error("negative KAverage accepted")
	}
}
