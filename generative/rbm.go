package generative

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RBM is a restricted Boltzmann machine with binary hidden units. Params
// holds every parameter, flat: W (NV×NH, row i holds the weights of visible
// unit i), then a (NV visible biases), then b (NH hidden biases); W, A and B
// are views.
//
// Q = 0 makes the visible units binary. Q ≥ 2 makes them a one-hot (Potts)
// layer: NV = sites·Q units in groups of Q, unit s·Q + k on when site s is in
// state k, exactly one per group; each group is a softmax unit, so given h a
// site takes state k with probability ∝ e^{a_{sk} + Σ_j W_{sk,j} h_j}.
// Energy, free energy and the likelihood gradient keep the binary form.
type RBM struct {
	NV, NH  int
	Q       int
	Params  []float64
	W, A, B []float64
}

// NewRBM returns an RBM with all parameters zero.
func NewRBM(nv, nh int) *RBM {
	if nv < 1 || nh < 1 {
		panic(fmt.Sprintf("generative: RBM with %d visible and %d hidden units", nv, nh))
	}
	r := &RBM{NV: nv, NH: nh, Params: make([]float64, nv*nh+nv+nh)}
	r.W = r.Params[: nv*nh : nv*nh]
	r.A = r.Params[nv*nh : nv*nh+nv : nv*nh+nv]
	r.B = r.Params[nv*nh+nv:]
	return r
}

// NewPottsRBM returns a one-hot RBM of the given sites with q states each
// and nh hidden units, all parameters zero.
func NewPottsRBM(sites, q, nh int) *RBM {
	if q < 2 || sites < 1 {
		panic(fmt.Sprintf("generative: one-hot RBM with %d sites of %d states", sites, q))
	}
	r := NewRBM(sites*q, nh)
	r.Q = q
	return r
}

// zeroed returns a machine of r's shape with all parameters zero.
func (r *RBM) zeroed() *RBM {
	z := NewRBM(r.NV, r.NH)
	z.Q = r.Q
	return z
}

// Sites is the number of visible sites: NV/Q for a one-hot layer, NV else.
func (r *RBM) Sites() int {
	if r.Q > 0 {
		return r.NV / r.Q
	}
	return r.NV
}

// SetVisible sets v (length NV) from one data row: the 0/1 values of the
// binary units, or the Potts states (one per site, in [0, Q)) one-hot.
func (r *RBM) SetVisible(v []float64, row []uint8) {
	if r.Q == 0 {
		for i, x := range row {
			v[i] = float64(x)
		}
		return
	}
	clear(v)
	for s, x := range row {
		v[s*r.Q+int(x)] = 1
	}
}

// randomVisible sets v to a uniformly random configuration.
func (r *RBM) randomVisible(v []float64, rng *rand.Rand) {
	if r.Q == 0 {
		for i := range v {
			v[i] = float64(rng.IntN(2))
		}
		return
	}
	clear(v)
	for s := range r.NV / r.Q {
		v[s*r.Q+rng.IntN(r.Q)] = 1
	}
}

// orderedVisible sets v to the fully ordered configuration: every unit on,
// or every one-hot group in state 0.
func (r *RBM) orderedVisible(v []float64) {
	if r.Q == 0 {
		for i := range v {
			v[i] = 1
		}
		return
	}
	clear(v)
	for s := range r.NV / r.Q {
		v[s*r.Q] = 1
	}
}

// MemoryBytes estimates the memory of training an RBM: parameters, gradient,
// optimiser moments and two reduce sections of the weights' size, plus
// chains·(n_v + n_h) floats of Gibbs state.
func MemoryBytes(nv, nh, chains int) int64 {
	p := int64(nv)*int64(nh) + int64(nv) + int64(nh)
	return 8 * (6*p + int64(chains+4)*int64(nv+nh)*2)
}

// softplus is ln(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// hiddenInput sets dst_j = b_j + Σ_i v_i W_ij, skipping the zeros of v.
func (r *RBM) hiddenInput(dst, v []float64) {
	copy(dst, r.B)
	for i, x := range v {
		if x == 0 {
			continue
		}
		row := r.W[i*r.NH : (i+1)*r.NH : (i+1)*r.NH]
		for j, w := range row {
			dst[j] += x * w
		}
	}
}

// FreeEnergy is F(v); tmp is scratch of length NH.
func (r *RBM) FreeEnergy(v, tmp []float64) float64 {
	return r.freeEnergyBeta(v, tmp, 1)
}

// freeEnergyBeta is −a·v − Σ_j softplus(β(b_j + Σ_i v_i W_ij)): the free
// energy of the model with hidden couplings scaled by β (for AIS).
func (r *RBM) freeEnergyBeta(v, tmp []float64, beta float64) float64 {
	r.hiddenInput(tmp, v)
	f := 0.0
	for i, x := range v {
		f -= r.A[i] * x
	}
	for _, t := range tmp {
		f -= softplus(beta * t)
	}
	return f
}

// HiddenProb sets dst_j = p(h_j = 1 | v) = σ(b_j + Σ_i v_i W_ij).
func (r *RBM) HiddenProb(dst, v []float64) {
	r.hiddenInput(dst, v)
	for j, t := range dst {
		dst[j] = sigmoid(t)
	}
}

// VisibleProb sets dst_i = p(v_i = 1 | h) = σ(a_i + β Σ_j W_ij h_j), β = 1 for
// the model itself; for a one-hot layer the sigmoid becomes the softmax over
// each site's group.
func (r *RBM) VisibleProb(dst, h []float64, beta float64) {
	for i := range dst {
		row := r.W[i*r.NH : (i+1)*r.NH : (i+1)*r.NH]
		s := 0.0
		for j, w := range row {
			s += w * h[j]
		}
		if r.Q > 0 {
			dst[i] = r.A[i] + beta*s
			continue
		}
		dst[i] = sigmoid(r.A[i] + beta*s)
	}
	if r.Q > 0 {
		for s := 0; s < len(dst); s += r.Q {
			softmax(dst[s : s+r.Q : s+r.Q])
		}
	}
}

// softmax replaces the logits x by e^{x_k}/Σ e^{x}.
func softmax(x []float64) {
	m := x[0]
	for _, y := range x[1:] {
		m = math.Max(m, y)
	}
	z := 0.0
	for k, y := range x {
		x[k] = math.Exp(y - m)
		z += x[k]
	}
	for k := range x {
		x[k] /= z
	}
}

// categorical sets each group of q units of dst one-hot, state k drawn with
// probability p_k of the group (one uniform number per group).
func categorical(dst, p []float64, q int, rng *rand.Rand) {
	for s := 0; s < len(p); s += q {
		u := rng.Float64()
		grp := dst[s : s+q : s+q]
		clear(grp)
		k, c := 0, p[s]
		for k < q-1 && u >= c {
			k++
			c += p[s+k]
		}
		grp[k] = 1
	}
}

// Gibbs is the state of one block-Gibbs chain: the visible configuration V,
// the hidden one H, and scratch for the conditional probabilities.
type Gibbs struct {
	V, H   []float64
	PH, PV []float64
	// in is b + Wᵀv of the current V after Step (unscaled by β), kept so
	// that the spin-flip move costs O(NH) instead of two products with W.
	in []float64
}

// NewGibbs returns a chain of r with all units 0.
func NewGibbs(r *RBM) *Gibbs {
	return &Gibbs{V: make([]float64, r.NV), H: make([]float64, r.NH), PH: make([]float64, r.NH), PV: make([]float64, r.NV), in: make([]float64, r.NH)}
}

// bernoulli sets dst_i = 1 with probability p_i, else 0.
func bernoulli(dst, p []float64, rng *rand.Rand) {
	for i, q := range p {
		if rng.Float64() < q {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
}

// Step does k full block-Gibbs steps v → h → v of the model with hidden
// couplings scaled by β (1 for the model), leaving PH = p(h|v) of the new v
// (unscaled only when β = 1).
func (g *Gibbs) Step(r *RBM, k int, beta float64, rng *rand.Rand) {
	for range k {
		r.hiddenInput(g.PH, g.V)
		for j, t := range g.PH {
			g.PH[j] = sigmoid(beta * t)
		}
		bernoulli(g.H, g.PH, rng)
		r.VisibleProb(g.PV, g.H, beta)
		if r.Q > 0 {
			categorical(g.V, g.PV, r.Q, rng)
			continue
		}
		bernoulli(g.V, g.PV, rng)
	}
	r.hiddenInput(g.in, g.V)
	for j, t := range g.in {
		g.PH[j] = sigmoid(beta * t)
	}
}

// splitmix is the SplitMix64 finaliser, used to derive independent PCG seeds
// from (seed, stream, index).
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// seedWords gives the PCG seed of stream kind's element idx.
func seedWords(seed uint64, kind, idx uint64) (uint64, uint64) {
	return splitmix(seed ^ splitmix(kind)), splitmix(idx ^ splitmix(seed+kind))
}
