package generative

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/classical"
	"github.com/vmcmpi/vmcmpi/comm"
)

// randomPotts is a one-hot machine of sites×q visible units with normal
// parameters of the given scale.
func randomPotts(sites, q, nh int, scale float64, seed uint64) *RBM {
	r := NewPottsRBM(sites, q, nh)
	rng := rand.New(rand.NewPCG(seed, 2))
	for i := range r.Params {
		r.Params[i] = scale * rng.NormFloat64()
	}
	return r
}

// pottsStates enumerates the q^sites configurations as rows of states.
func pottsStates(sites, q int) [][]uint8 {
	var out [][]uint8
	row := make([]uint8, sites)
	for {
		out = append(out, append([]uint8(nil), row...))
		if !nextPottsState(row, q) {
			return out
		}
	}
}

// pottsExact is the machine's distribution over pottsStates by brute force
// over both layers (e^{a·v + b·h + vᵀWh}), independent of FreeEnergy and LogZ.
func pottsExact(r *RBM) (p []float64, logZ float64) {
	states := pottsStates(r.Sites(), r.Q)
	v := make([]float64, r.NV)
	lw := make([]float64, len(states))
	for k, st := range states {
		r.SetVisible(v, st)
		terms := make([]float64, 0, 1<<r.NH)
		for hc := range 1 << r.NH {
			e := 0.0
			for j := range r.NH {
				if hc>>j&1 == 0 {
					continue
				}
				e += r.B[j]
				for i, x := range v {
					e += x * r.W[i*r.NH+j]
				}
			}
			for i, x := range v {
				e += x * r.A[i]
			}
			terms = append(terms, e)
		}
		lw[k] = logSumExp(terms)
	}
	logZ = logSumExp(lw)
	p = make([]float64, len(lw))
	for k, x := range lw {
		p[k] = math.Exp(x - logZ)
	}
	return p, logZ
}

// TestPottsLogZ: LogZ summed over the hidden layer and over the q^sites
// visible states both equal the brute-force sum over both layers, and AIS
// agrees within its error.
func TestPottsLogZ(t *testing.T) {
	for _, nh := range []int{3, 9} { // 2^3 < 3^4 sums over h; 2^9 > 3^4 over v
		r := randomPotts(4, 3, nh, 0.6, uint64(nh))
		_, want := pottsExact(r)
		got, err := LogZ(r)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-10 {
			t.Errorf("n_h = %d: ln Z %v, brute force %v", nh, got, want)
		}
		runs := 200
		if testing.Short() {
			runs = 50
		}
		ais, se, err := AIS(r, AISOptions{Steps: 300, Runs: runs, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(ais-want) > 4*se+1e-3 {
			t.Errorf("n_h = %d: AIS ln Z %v ± %v, exact %v", nh, ais, se, want)
		}
	}
	if ExactUnits(NewPottsRBM(16, 3, 64)) != 26 || ExactUnits(NewPottsRBM(4, 3, 3)) != 3 {
		t.Errorf("ExactUnits %d, %d", ExactUnits(NewPottsRBM(16, 3, 64)), ExactUnits(NewPottsRBM(4, 3, 3)))
	}
}

// TestPottsGibbs: block Gibbs with a categorical draw per site, with and
// without the global relabelling move, samples the machine's distribution
// over all 81 states of a 3-state 2×2 layer (χ² over independent chains),
// and Evaluate's ⟨E⟩/N and ⟨|m|⟩/N agree with the exact averages.
func TestPottsGibbs(t *testing.T) {
	r := randomPotts(4, 3, 3, 0.8, 5)
	p, _ := pottsExact(r)
	states := pottsStates(4, 3)
	chains, samples := 20000.0, 5000
	if testing.Short() {
		chains, samples = 3000, 1000
	}
	for _, withShift := range []bool{false, true} {
		const steps = 20
		count := make([]float64, len(p))
		g := NewGibbs(r)
		tmp := make([]float64, r.NH)
		rng := rand.New(rand.NewPCG(11, 12))
		for range int(chains) {
			r.randomVisible(g.V, rng)
			for range steps {
				g.Step(r, 1, 1, rng)
				if withShift {
					flip(r, g, nil, tmp, rng)
				}
			}
			code, mul := 0, 1
			for s := range 4 {
				k := -1
				for c := range 3 {
					if g.V[3*s+c] == 1 {
						if k >= 0 {
							t.Fatalf("site %d has two states on: %v", s, g.V)
						}
						k = c
					}
				}
				code += k * mul
				mul *= 3
			}
			count[code]++
		}
		chi2 := 0.0
		for k, pk := range p {
			d := count[k] - chains*pk
			chi2 += d * d / (chains * pk)
		}
		// 80 degrees of freedom: mean 80, standard deviation √160.
		if chi2 > 80+5*math.Sqrt(160) {
			t.Errorf("shift %v: χ² = %.1f over 81 states", withShift, chi2)
		}
		obs := PottsObserver(2, 3)
		v := make([]float64, r.NV)
		var e, m float64
		for k, st := range states {
			r.SetVisible(v, st)
			ek, mk := obs(v)
			e += p[k] * ek
			m += p[k] * mk
		}
		got, err := Evaluate(comm.NewSerial(), r, SampleOptions{Chains: 8, BurnIn: 100, Samples: samples, Every: 2, Seed: 3, Flip: withShift}, 1, 4, obs)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.E-e) > 4*got.EErr || math.Abs(got.M-m) > 4*got.MErr {
			t.Errorf("shift %v: Gibbs e %.4f ± %.4f, |m| %.4f ± %.4f; exact %.4f, %.4f", withShift, got.E, got.EErr, got.M, got.MErr, e, m)
		}
	}
}

// TestPottsGradient: the exact likelihood gradient of a one-hot machine
// (data minus model averages of v and v·p(h|v), the model's by enumeration)
// equals central finite differences of the exact log-likelihood, and one
// full-batch step of the trainer (PCD with many equilibrated chains,
// relabelling moves, SGD at rate 1) moves the parameters by it within the
// chains' statistical error.
func TestPottsGradient(t *testing.T) {
	const sites, q, nh = 4, 3, 3
	r := randomPotts(sites, q, nh, 0.5, 8)
	rng := rand.New(rand.NewPCG(4, 4))
	data := make([]uint8, 60*sites)
	for i := range data {
		// Skewed towards state 0 so that the data differ from the machine.
		data[i] = uint8(min(rng.IntN(5), 2))
	}
	ll := func(m *RBM) float64 {
		lz, err := LogZ(m)
		if err != nil {
			t.Fatal(err)
		}
		return LogLikelihood(m, data, lz)
	}
	fd := make([]float64, len(r.Params))
	for i := range r.Params {
		const h = 1e-5
		x := r.Params[i]
		r.Params[i] = x + h
		up := ll(r)
		r.Params[i] = x - h
		fd[i] = (up - ll(r)) / (2 * h)
		r.Params[i] = x
	}
	// Exact gradient from the formula.
	p, _ := pottsExact(r)
	exact := make([]float64, len(r.Params))
	v, ph := make([]float64, r.NV), make([]float64, nh)
	addPhase := func(st []uint8, w float64) {
		r.SetVisible(v, st)
		r.HiddenProb(ph, v)
		for i, x := range v {
			for j, y := range ph {
				exact[i*nh+j] += w * x * y
			}
			exact[len(r.W)+i] += w * x
		}
		for j, y := range ph {
			exact[len(r.W)+r.NV+j] += w * y
		}
	}
	rows := len(data) / sites
	for k := range rows {
		addPhase(data[k*sites:(k+1)*sites], 1/float64(rows))
	}
	for k, st := range pottsStates(sites, q) {
		addPhase(st, -p[k])
	}
	for i := range fd {
		if math.Abs(exact[i]-fd[i]) > 1e-7 {
			t.Errorf("parameter %d: exact gradient %v, finite differences %v", i, exact[i], fd[i])
		}
	}
	const chains = 4000
	tr, err := NewTrainer(comm.NewSerial(), data, sites, TrainOptions{Hidden: nh, Q: q, K: 30, Persistent: true, Chains: chains, BatchSize: rows,
		Optimizer: "sgd", LearningRate: 1, Flip: true, Init: r, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Epoch(); err != nil {
		t.Fatal(err)
	}
	// Each negative-phase term is an average of chains values in [0, 1]:
	// standard error at most 0.5/√chains.
	tol := 5 * 0.5 / math.Sqrt(chains)
	worst := 0.0
	for i, x := range tr.RBM.Params {
		d := math.Abs((x - r.Params[i]) - fd[i])
		worst = math.Max(worst, d)
		if d > tol {
			t.Errorf("parameter %d: trainer step %v, finite differences %v", i, x-r.Params[i], fd[i])
		}
	}
	t.Logf("largest deviation of the trainer's gradient %.4f (tolerance %.4f)", worst, tol)
}

// TestPottsTrainerErrors: bad one-hot input is refused.
func TestPottsTrainerErrors(t *testing.T) {
	for _, c := range []struct {
		data []uint8
		o    TrainOptions
	}{
		{[]uint8{0, 1, 3, 2}, TrainOptions{Hidden: 2, Q: 3}},
		{[]uint8{0, 1, 0, 1}, TrainOptions{Hidden: 2, Q: 1}},
		{[]uint8{0, 1, 2, 1}, TrainOptions{Hidden: 2, Q: 3, Init: NewRBM(2, 2)}},
	} {
		if _, err := NewTrainer(comm.NewSerial(), c.data, 2, c.o); err == nil {
			t.Errorf("%v with %+v accepted", c.data, c.o)
		}
	}
}

// TestPottsResume: a one-hot trainer restored from a checkpoint ends
// bit-identically to one that ran on, at 2 ranks.
func TestPottsResume(t *testing.T) {
	mc, err := classical.Run(classical.Options{Model: classical.Potts3, L: 4, T: 1.2, Thermalize: 200, Samples: 300, Every: 2, Keep: true, Seed1: 5, Seed2: 6})
	if err != nil {
		t.Fatal(err)
	}
	resume(t, mc.Configs, TrainOptions{Hidden: 5, Q: 3, K: 1, Persistent: true, Chains: 7, BatchSize: 30, Seed: 8, Optimizer: "sgd", LearningRate: 0.05,
		LearningRateEnd: 0.005, DecayEpochs: 3, AverageFrom: 1, ChainsFromData: true, Centered: true, Flip: true})
}

// TestPottsStudy runs configs/ising/potts-4-small.toml (3-state Potts, 4×4,
// one-hot RBM with 32 hidden units, warm-started from T = 1.5 to 1.1): the
// RBM-sampled ⟨E⟩/N and ⟨|M|⟩/N agree with the Monte Carlo within 2 % or
// 3σ, C_v and χ within 10 % or 3σ.
func TestPottsStudy(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two RBMs")
	}
	cfg, err := LoadConfig("../configs/ising/potts-4-small.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Output.Dir = t.TempDir()
	rep, err := Study(context.Background(), comm.NewSerial(), cfg, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Model != "potts(q=3)" || len(rep.Points) != 2 {
		t.Fatalf("report %s with %d points", rep.Model, len(rep.Points))
	}
	for _, p := range rep.Points {
		m, r := p.MC, p.RBM
		if r == nil {
			t.Fatalf("T = %v: no RBM results", p.T)
		}
		for _, c := range []struct {
			name              string
			a, ae, b, be, rel float64
		}{
			{"E", m.E, m.EErr, r.E, r.EErr, 0.02}, {"|M|", m.M, m.MErr, r.M, r.MErr, 0.02},
			{"C_v", m.Cv, m.CvErr, r.Cv, r.CvErr, 0.1}, {"χ", m.Chi, m.ChiErr, r.Chi, r.ChiErr, 0.1},
		} {
			d := math.Abs(c.a - c.b)
			if d > c.rel*math.Abs(c.a) && d > 3*math.Hypot(c.ae, c.be) {
				t.Errorf("T = %v: %s MC %.4f ± %.4f, RBM %.4f ± %.4f", p.T, c.name, c.a, c.ae, c.b, c.be)
			}
		}
		t.Logf("T = %v: MC e %.4f(%.4f) m %.4f(%.4f) cv %.3f(%.3f) χ %.3f(%.3f); RBM e %.4f(%.4f) m %.4f(%.4f) cv %.3f(%.3f) χ %.3f(%.3f)",
			p.T, m.E, m.EErr, m.M, m.MErr, m.Cv, m.CvErr, m.Chi, m.ChiErr, r.E, r.EErr, r.M, r.MErr, r.Cv, r.CvErr, r.Chi, r.ChiErr)
	}
}
