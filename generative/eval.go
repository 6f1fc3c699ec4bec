package generative

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/classical"
	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/stats"
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
	// OrderedStarts starts every odd-numbered chain fully ordered (all
	// visible units on; Potts: every site in state 0) instead of at random,
	// so that a second, disordered mode of the machine that random starts
	// fall into shows as chains that disagree (ChainSpread).
	OrderedStarts bool
	Seed          uint64
}

// squareNeighbours returns each site's right and upper neighbour on the
// periodic L×L lattice (site x + L·y).
func squareNeighbours(L int) (right, up []int) {
	n := L * L
	right, up = make([]int, n), make([]int, n)
	for y := range L {
		for x := range L {
			right[x+L*y] = (x+1)%L + L*y
			up[x+L*y] = x + L*((y+1)%L)
		}
	}
	return right, up
}

// nextPottsState advances row to the next of the q^len(row) states in base
// q, site 0 fastest; it reports false after the last (row back at zero).
func nextPottsState(row []uint8, q int) bool {
	for s := range row {
		row[s]++
		if int(row[s]) < q {
			return true
		}
		row[s] = 0
	}
	return false
}

// IsingObserver returns a function giving the energy per site and |m| of the
// Ising configuration s = 2v − 1 on the periodic L×L lattice (site x + L·y).
func IsingObserver(L int) func(v []float64) (e, m float64) {
	n := L * L
	right, up := squareNeighbours(L)
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
	obs, _, err := EvaluateChains(c, r, o, T, sites, observe)
	return obs, err
}

// ChainSpread says whether the evaluation chains agree on ⟨|m|⟩. A machine
// with a second mode (a warm-started machine below T_c can keep a spurious
// low-|m| one) shows it as chains that sit in it for a long stretch, whose
// means stand many of their own error bars away from the others'.
type ChainSpread struct {
	// Chi2 is Σ_g (m_g − m̄)²/σ_g² / (chains − 1) over the chains' mean |m|
	// m_g with blocking errors σ_g around their mean m̄: about 1 when the
	// chains agree (somewhat more, as blocking errors of short chains run
	// low), far above when one found another mode.
	Chi2 float64 `json:"chi2_dof"`
	// Worst is the chain farthest from m̄ in its own errors, M its mean |m|
	// and Z its deviation in errors.
	Worst int     `json:"worst_chain"`
	M     float64 `json:"worst_m"`
	Z     float64 `json:"worst_z"`
}

// EvaluateChains is Evaluate that also returns how well the chains agree.
func EvaluateChains(c comm.Comm, r *RBM, o SampleOptions, T float64, sites int, observe func(v []float64) (e, m float64)) (classical.Observables, ChainSpread, error) {
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
		return classical.Observables{}, ChainSpread{}, fmt.Errorf("generative: chains %d, burn-in %d, samples %d, every %d: want ≥ 1, ≥ 0, ≥ 2, ≥ 1", o.Chains, o.BurnIn, o.Samples, o.Every)
	}
	es, ms := make([][]float64, o.Chains), make([][]float64, o.Chains)
	g := NewGibbs(r)
	colsum, tmp := make([]float64, r.NH), make([]float64, r.NH)
	columnSums(r, colsum)
	src := rand.NewPCG(0, 0)
	rng := rand.New(src)
	for ch := c.Rank(); ch < o.Chains; ch += c.Size() {
		src.Seed(seedWords(o.Seed, 5, uint64(ch)))
		r.randomVisible(g.V, rng)
		if o.OrderedStarts && ch%2 == 1 {
			r.orderedVisible(g.V)
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
		if buf == nil || vec.Len() != len(x) {
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
	obs, err := classical.Measure(T, sites, es, ms, sum)
	if err != nil {
		return obs, ChainSpread{}, err
	}
	// Each chain's mean |m| and squared blocking error, added over ranks.
	per := make([]float64, 2*o.Chains)
	for ch := range o.Chains {
		if ms[ch] != nil {
			est := stats.Blocking(ms[ch])
			per[2*ch], per[2*ch+1] = est.Mean, est.Error*est.Error
		}
	}
	if err := sum(per); err != nil {
		return obs, ChainSpread{}, err
	}
	return obs, chainSpread(per), nil
}

// chainSpread turns (mean, squared error) pairs into a ChainSpread. A chain
// without fluctuations gets the smallest positive error of the others.
func chainSpread(per []float64) ChainSpread {
	n := len(per) / 2
	var mean float64
	floor := math.Inf(1)
	for g := range n {
		mean += per[2*g] / float64(n)
		if v := per[2*g+1]; v > 0 && !math.IsNaN(v) {
			floor = min(floor, v)
		}
	}
	sp := ChainSpread{Worst: -1}
	if n < 2 || math.IsInf(floor, 1) {
		return sp
	}
	for g := range n {
		v := per[2*g+1]
		if !(v > 0) {
			v = floor
		}
		z := (per[2*g] - mean) / math.Sqrt(v)
		sp.Chi2 += z * z / float64(n-1)
		if sp.Worst < 0 || math.Abs(z) > math.Abs(sp.Z) {
			sp.Worst, sp.M, sp.Z = g, per[2*g], z
		}
	}
	return sp
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

// PottsObserver returns a function giving the energy per site,
// −Σ_⟨ij⟩ δ(σ_i, σ_j)/N, and |m| = |Σ_i e^{2πiσ_i/q}|/N of the one-hot
// configuration v (q units per site) on the periodic L×L lattice, as
// package classical measures them.
func PottsObserver(L, q int) func(v []float64) (e, m float64) {
	n := L * L
	right, up := squareNeighbours(L)
	cos, sin := make([]float64, q), make([]float64, q)
	for k := range q {
		cos[k], sin[k] = math.Cos(2*math.Pi*float64(k)/float64(q)), math.Sin(2*math.Pi*float64(k)/float64(q))
	}
	return func(v []float64) (float64, float64) {
		var e, mx, my float64
		for i := range n {
			grp := v[i*q : (i+1)*q : (i+1)*q]
			for k, x := range grp {
				if x == 0 {
					continue
				}
				e -= v[right[i]*q+k] + v[up[i]*q+k]
				mx += cos[k]
				my += sin[k]
			}
		}
		return e / float64(n), math.Hypot(mx, my) / float64(n)
	}
}

// flip proposes v → 1 − v for chain g, just after a Step at β = 1, with the
// Metropolis test on the free energy. The hidden input of 1 − v is
// 2b + colsum − in (colsum from columnSums of the current parameters), so
// the move costs O(NV + NH); tmp has length NH.
func flip(r *RBM, g *Gibbs, colsum, tmp []float64, rng *rand.Rand) {
	if r.Q > 0 {
		shift(r, g, tmp, rng)
		return
	}
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

// shift is the one-hot layer's counterpart of flip: it proposes the global
// relabelling σ_i → σ_i + d mod q of every site, d uniform in 1 … q−1 (a
// symmetric proposal, d and q − d being equally likely), accepted by the
// free-energy change, so that the chains of an ordered Potts machine visit
// all q sectors. It costs one product with W; g.PV serves as scratch.
func shift(r *RBM, g *Gibbs, tmp []float64, rng *rand.Rand) {
	q := r.Q
	d := 1 + rng.IntN(q-1)
	nv := g.PV
	for s := 0; s < len(g.V); s += q {
		for k := range q {
			nv[s+(k+d)%q] = g.V[s+k]
		}
	}
	r.hiddenInput(tmp, nv)
	dF := 0.0
	for i, a := range r.A {
		dF += a * (g.V[i] - nv[i])
	}
	for j, x := range g.in {
		dF += softplus(x) - softplus(tmp[j])
	}
	if dF <= 0 || rng.Float64() < math.Exp(-dF) {
		copy(g.V, nv)
		copy(g.in, tmp)
		for j, y := range tmp {
			g.PH[j] = sigmoid(y)
		}
	}
}

// MaxExactUnits bounds the enumeration of LogZ: at most 2^MaxExactUnits
// states of the cheaper layer.
const MaxExactUnits = 24

// ExactUnits is the base-2 logarithm, rounded up, of the number of terms
// LogZ sums: the states of the smaller layer (for a one-hot layer q^sites
// visible states against 2^NH hidden ones).
func ExactUnits(r *RBM) int {
	if r.Q == 0 {
		return min(r.NV, r.NH)
	}
	return min(r.NH, int(math.Ceil(float64(r.Sites())*math.Log2(float64(r.Q))-1e-9)))
}

// LogZ is ln Z computed exactly by summing over the smaller layer:
// over h, Z = Σ_h e^{b·h} Π_i (1 + e^{a_i + Σ_j W_ij h_j}) (for a one-hot
// layer the product runs over sites of Σ_k e^{a_{sk} + Σ_j W_{sk,j} h_j});
// over v, Z = Σ_v e^{−F(v)}.
func LogZ(r *RBM) (float64, error) {
	small := ExactUnits(r)
	if small > MaxExactUnits {
		return 0, fmt.Errorf("generative: exact partition function needs 2^%d terms: want a layer of at most %d units", small, MaxExactUnits)
	}
	if r.Q > 0 {
		return logZPotts(r), nil
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

// logZPotts is LogZ of a one-hot machine.
func logZPotts(r *RBM) float64 {
	q, sites := r.Q, r.Sites()
	var terms []float64
	if r.NH == ExactUnits(r) {
		h, grp := make([]float64, r.NH), make([]float64, q)
		for code := range 1 << r.NH {
			lw := 0.0
			for j := range h {
				h[j] = float64(code >> j & 1)
				lw += r.B[j] * h[j]
			}
			for s := range sites {
				for k := range q {
					i := s*q + k
					x := r.A[i]
					for j, w := range r.W[i*r.NH : (i+1)*r.NH] {
						x += w * h[j]
					}
					grp[k] = x
				}
				lw += logSumExp(grp)
			}
			terms = append(terms, lw)
		}
		return logSumExp(terms)
	}
	v, tmp, row := make([]float64, r.NV), make([]float64, r.NH), make([]uint8, sites)
	for {
		r.SetVisible(v, row)
		terms = append(terms, -r.FreeEnergy(v, tmp))
		if !nextPottsState(row, q) {
			return logSumExp(terms)
		}
	}
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
// (rows×Sites values: 0/1, or the Potts states of a one-hot machine).
func LogLikelihood(r *RBM, data []uint8, logZ float64) float64 {
	v, tmp := make([]float64, r.NV), make([]float64, r.NH)
	n := r.Sites()
	rows := len(data) / n
	s := 0.0
	for k := range rows {
		r.SetVisible(v, data[k*n:(k+1)*n])
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
// Z_0 = 2^{n_h} Π_i (1 + e^{a_i}) (Π_s Σ_k e^{a_{sk}} for a one-hot layer)
// that is sampled exactly, to β = 1 on a
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
	if r.Q > 0 {
		for s := 0; s < r.NV; s += r.Q {
			logZ0 += logSumExp(r.A[s : s+r.Q])
		}
	} else {
		for _, a := range r.A {
			logZ0 += softplus(a)
		}
	}
	lw := make([]float64, o.Runs)
	g := NewGibbs(r)
	tmp := make([]float64, r.NH)
	rng := rand.New(rand.NewPCG(seedWords(o.Seed, 6, 0)))
	for run := range o.Runs {
		if r.Q > 0 {
			copy(g.PV, r.A)
			for s := 0; s < r.NV; s += r.Q {
				softmax(g.PV[s : s+r.Q])
			}
			categorical(g.V, g.PV, r.Q, rng)
		} else {
			for i, a := range r.A {
				if rng.Float64() < sigmoid(a) {
					g.V[i] = 1
				} else {
					g.V[i] = 0
				}
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
