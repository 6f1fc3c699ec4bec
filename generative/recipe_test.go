package generative

import (
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/classical"
	"github.com/vmcmpi/vmcmpi/comm"
)

// TestRecipe: the ingredients of the training recipe of
// configs/ising/ising-8.toml (centred PCD-1 with spin flips, annealed SGD,
// here 0.1 → 0.01 with batch 100, averaged parameters, no weight decay; no
// warm start) on a 4×4 lattice with 16 hidden units reproduces the Monte
// Carlo ⟨E⟩/N and ⟨|M|⟩/N within 2 % or 3σ at T_c and above it, and C_v and
// χ within 10 % or 3σ above it (at T_c they are logged). The 8×8 study takes
// many minutes and is run outside the tests (BENCHMARKS.md). Below T_c the
// 4×4 data tunnel between the sectors through m ≈ 0 configurations, which the
// machine underweights (χ comes out at half the Monte Carlo value).
func TestRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two RBMs")
	}
	const L = 4
	for _, T := range []float64{2.269, 3.0} {
		mc, err := classical.Run(classical.Options{Model: classical.Ising, L: L, T: T, Thermalize: 1000, Samples: 5000, Every: 5, Keep: true, Seed1: 21, Seed2: 1})
		if err != nil {
			t.Fatal(err)
		}
		const epochs = 800
		tr, err := NewTrainer(comm.NewSerial(), mc.Configs, L*L, TrainOptions{Hidden: 16, K: 1, Persistent: true, Chains: 100, BatchSize: 100,
			Optimizer: "sgd", LearningRate: 0.1, LearningRateEnd: 0.01, DecayEpochs: epochs, AverageFrom: epochs / 2,
			Centered: true, ChainsFromData: true, Flip: true, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		for range epochs {
			if err := tr.Epoch(); err != nil {
				t.Fatal(err)
			}
		}
		rbm, err := Evaluate(comm.NewSerial(), tr.Averaged(), SampleOptions{Chains: 8, BurnIn: 500, Samples: 4000, Every: 2, Seed: 5, Flip: true}, T, L*L, IsingObserver(L))
		if err != nil {
			t.Fatal(err)
		}
		m := mc.Observables
		for _, c := range []struct {
			name              string
			a, ae, b, be, rel float64
		}{
			{"E", m.E, m.EErr, rbm.E, rbm.EErr, 0.02}, {"|M|", m.M, m.MErr, rbm.M, rbm.MErr, 0.02},
			{"C_v", m.Cv, m.CvErr, rbm.Cv, rbm.CvErr, 0.1}, {"χ", m.Chi, m.ChiErr, rbm.Chi, rbm.ChiErr, 0.1},
		} {
			if T < 2.5 && c.rel > 0.05 {
				continue
			}
			d := math.Abs(c.a - c.b)
			if d > c.rel*math.Abs(c.a) && d > 3*math.Hypot(c.ae, c.be) {
				t.Errorf("T = %v: %s MC %.4f ± %.4f, RBM %.4f ± %.4f", T, c.name, c.a, c.ae, c.b, c.be)
			}
		}
		t.Logf("T = %v: MC e %.4f(%.4f) m %.4f(%.4f) cv %.3f(%.3f) χ %.3f(%.3f); RBM e %.4f(%.4f) m %.4f(%.4f) cv %.3f(%.3f) χ %.3f(%.3f)",
			T, m.E, m.EErr, m.M, m.MErr, m.Cv, m.CvErr, m.Chi, m.ChiErr, rbm.E, rbm.EErr, rbm.M, rbm.MErr, rbm.Cv, rbm.CvErr, rbm.Chi, rbm.ChiErr)
	}
}
