package generative

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/classical"
	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
)

// SampleOptions configure Evaluate. Zero values mean the defaults.
type SampleOptions struct {
	Chains  int // independent chains, spread over ranks (0 means 16)
	BurnIn  int // Gibbs steps discarded per chain (0 means 1000)
	Samples int // measurements per chain (0 means 1000)
	Every   int // Gibbs steps between measurements (0 means 1)
	// Flip adds a global spin-flip move v → 1 − v, accepted with
	// probability min(1, e^{F(v) − F(1−v)}), after every Gibbs step of the
	// burn-in and before every measurement. Block Gibbs cannot cross
	// between the two magnetisation sectors of an ordered Ising machine, so
	// chains would keep the sector weights of their random starts rather
	// than the machine's; the flip restores them (it is its own inverse, so
	// detailed balance holds).
	Flip bool
	Seed uint64
}

// IsingObserver returns a function giving the energy per site and |m| of the
// Ising configuration s = 2v − 1 on the periodic L×L lattice (site x + L·y).
func IsingObserver(L int) func(v []float64) (e, m float64) {
	n := L * L
	right, up := make([]int, n), make([]int, n)
	for y := range L {
		for x := range L {
			right[x+L*y] = (x+1)%L + L*y
			up[x+L*y] = x + L*((y+1)%L)
		}
	}
	return func(v []float64) (float64, float64) {
		var e, m float64
		for i, x := range v {
			s := 2*x - 1
			m += s
			e -= s * ((2*v[right[i]] - 1) + (2*v[up[i]] - 1))
		}
		return e / float64(n), math.Abs(m) / float64(n)
	}
}

// Evaluate samples r with block-Gibbs chains (chain g runs on rank g mod size
// with its own stream from Seed and g) and measures observe on every
// measured configuration, returning classical.Observables at temperature T
// for a lattice of the given sites. The result is the same on every rank and
// does not depend on the number of ranks.
func Evaluate(c comm.Comm, r *RBM, o SampleOptions, T float64, sites int, observe func(v []float64) (e, m float64)) (classical.Observables, error) {
	if o.Chains == 0 {
		o.Chains = 16
	}
	if o.BurnIn == 0 {
		o.BurnIn = 1000
	}
	if o.Samples == 0 {
		o.Samples = 1000
	}
	if o.Every == 0 {
		o.Every = 1
	}
	if o.Chains < 1 || o.BurnIn < 0 || o.Samples < 2 || o.Every < 1 {
		return classical.Observables{}, fmt.Errorf("generative: chains %d, burn-in %d, samples %d, every %d: want ≥ 1, ≥ 0, ≥ 2, ≥ 1", o.Chains, o.BurnIn, o.Samples, o.Every)
	}
	es, ms := make([][]float64, o.Chains), make([][]float64, o.Chains)
	g := NewGibbs(r)
	colsum, tmp := make([]float64, r.NH), make([]float64, r.NH)
	columnSums(r, colsum)
	src := rand.NewPCG(0, 0)
	rng := rand.New(src)
	for ch := c.Rank(); ch < o.Chains; ch += c.Size() {
		src.Seed(seedWords(o.Seed, 5, uint64(ch)))
		for i := range g.V {
			g.V[i] = float64(rng.IntN(2))
		}
		if o.Flip {
			for range o.BurnIn {
				g.Step(r, 1, 1, rng)
				flip(r, g, colsum, tmp, rng)
			}
		} else {
			g.Step(r, o.BurnIn, 1, rng)
		}
		e, m := make([]float64, o.Samples), make([]float64, o.Samples)
		for s := range o.Samples {
			g.Step(r, o.Every, 1, rng)
			if o.Flip {
				flip(r, g, colsum, tmp, rng)
			}
			e[s], m[s] = observe(g.V)
		}
		es[ch], ms[ch] = e, m
	}
	var buf *reduce.Buffer
	var vec reduce.Vector
	sum := func(x []float64) error {
		if buf == nil {
			buf = reduce.New()
			vec = buf.Vector("chain summaries", len(x))
		}
		copy(vec.Data(), x)
		if err := buf.AllReduce(c); err != nil {
			return err
		}
		copy(x, vec.Data())
		return nil
	}
	return classical.Measure(T, sites, es, ms, sum)
}

// columnSums sets dst_j = Σ_i W_ij, which flip needs.
func columnSums(r *RBM, dst []float64) {
	clear(dst)
	for i := range r.NV {
		for j, w := range r.W[i*r.NH : (i+1)*r.NH : (i+1)*r.NH] {
			dst[j] += w
		}
	}
}

// flip proposes v → 1 − v for chain g, just after a Step at β = 1, with the
// Metropolis test on the free energy. The hidden input of 1 − v is
// 2b + colsum − in (colsum from columnSums of the current parameters), so
// the move costs O(NV + NH); tmp has length NH.
func flip(r *RBM, g *Gibbs, colsum, tmp []float64, rng *rand.Rand) {
	dF := 0.0
	for i, x := range g.V {
		dF += r.A[i] * (2*x - 1)
	}
	for j, x := range g.in {
		y := 2*r.B[j] + colsum[j] - x
		tmp[j] = y
		dF += softplus(x) - softplus(y)
	}
	if dF <= 0 || rng.Float64() < math.Exp(-dF) {
		for i, x := range g.V {
			g.V[i] = 1 - x
		}
		copy(g.in, tmp)
		for j, y := range tmp {
			g.PH[j] = sigmoid(y)
		}
	}
}

// MaxExactUnits bounds the smaller layer LogZ enumerates (2^MaxExactUnits
// states).
const MaxExactUnits = 24

// LogZ is ln Z computed exactly by summing over the smaller layer:
// over h, Z = Σ_h e^{b·h} Π_i (1 + e^{a_i + Σ_j W_ij h_j}); over v, Z = Σ_v e^{−F(v)}.
func LogZ(r *RBM) (float64, error) {
	small := min(r.NV, r.NH)
	if small > MaxExactUnits {
		return 0, fmt.Errorf("generative: exact partition function needs 2^%d terms: want a layer of at most %d units", small, MaxExactUnits)
	}
	terms := make([]float64, 0, 1<<small)
	if r.NH <= r.NV {
		h := make([]float64, r.NH)
		for code := range 1 << r.NH {
			lw := 0.0
			for j := range h {
				h[j] = float64(code >> j & 1)
				lw += r.B[j] * h[j]
			}
			for i := range r.NV {
				s := r.A[i]
				for j, w := range r.W[i*r.NH : (i+1)*r.NH] {
					s += w * h[j]
				}
				lw += softplus(s)
			}
			terms = append(terms, lw)
		}
	} else {
		v, tmp := make([]float64, r.NV), make([]float64, r.NH)
		for code := range 1 << r.NV {
			for i := range v {
				v[i] = float64(code >> i & 1)
			}
			terms = append(terms, -r.FreeEnergy(v, tmp))
		}
	}
	return logSumExp(terms), nil
}

func logSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// LogLikelihood is the mean of ln p(v) = −F(v) − ln Z over the rows of data
// (rows×NV values 0/1).
func LogLikelihood(r *RBM, data []uint8, logZ float64) float64 {
	v, tmp := make([]float64, r.NV), make([]float64, r.NH)
	rows := len(data) / r.NV
	s := 0.0
	for k := range rows {
		for i, x := range data[k*r.NV : (k+1)*r.NV] {
			v[i] = float64(x)
		}
		s -= r.FreeEnergy(v, tmp)
	}
	return s/float64(rows) - logZ
}

// AISOptions configure AIS. Zero values mean the defaults.
type AISOptions struct {
	Steps int // intermediate distributions (0 means 1000)
	Runs  int // independent annealing runs (0 means 100)
	Seed  uint64
}

// AIS estimates ln Z by annealed importance sampling (Neal 2001; Salakhutdinov
// and Murray 2008). The path p_β(v) ∝ e^{a·v} Π_j (1 + e^{β(b_j + Σ_i v_i W_ij)})
// runs from β = 0, the independent-visible model with
// Z_0 = 2^{n_h} Π_i (1 + e^{a_i}) that is sampled exactly, to β = 1 on a
// linear grid; each step is one Gibbs sweep of p_β. It returns ln Ẑ and its
// standard error from the spread of the importance weights (delta method).
func AIS(r *RBM, o AISOptions) (logZ, stderr float64, err error) {
	if o.Steps == 0 {
		o.Steps = 1000
	}
	if o.Runs == 0 {
		o.Runs = 100
	}
	if o.Steps < 1 || o.Runs < 2 {
		return 0, 0, fmt.Errorf("generative: AIS with %d steps and %d runs: want ≥ 1 and ≥ 2", o.Steps, o.Runs)
	}
	logZ0 := float64(r.NH) * math.Ln2
	for _, a := range r.A {
		logZ0 += softplus(a)
	}
	lw := make([]float64, o.Runs)
	g := NewGibbs(r)
	tmp := make([]float64, r.NH)
	rng := rand.New(rand.NewPCG(seedWords(o.Seed, 6, 0)))
	for run := range o.Runs {
		for i, a := range r.A {
			if rng.Float64() < sigmoid(a) {
				g.V[i] = 1
			} else {
				g.V[i] = 0
			}
		}
		w := 0.0
		for k := 1; k <= o.Steps; k++ {
			b0, b1 := float64(k-1)/float64(o.Steps), float64(k)/float64(o.Steps)
			// ln p*_k(v) − ln p*_{k−1}(v) = F_{β_{k−1}}(v) − F_{β_k}(v).
			w += r.freeEnergyBeta(g.V, tmp, b0) - r.freeEnergyBeta(g.V, tmp, b1)
			if k < o.Steps {
				g.Step(r, 1, b1, rng)
			}
		}
		lw[run] = w
	}
	lse := logSumExp(lw)
	n := float64(o.Runs)
	logMean := lse - math.Log(n)
	// Relative variance of the weights: Var(w)/mean(w)².
	var s2 float64
	for _, x := range lw {
		d := math.Exp(x-logMean) - 1
		s2 += d * d
	}
	rel := math.Sqrt(s2 / (n - 1) / n)
	return logZ0 + logMean, rel, nil
}
