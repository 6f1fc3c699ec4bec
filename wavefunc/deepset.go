package wavefunc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// DeepSet is a correlation factor for electrons that is symmetric under
// every permutation of same-spin electrons, so that it can multiply a
// Slater determinant without breaking antisymmetry. It is a "deep set"
// (a pooled embedding read out by a dense network) over three kinds
// of items, each seen through squared, dimensionless distances: an
// electron i through s_i = ω |r_i|² (channel 0, N items), a pair through
// t_ij = ω |r_i − r_j|² and σ_ij = s_i + s_j (channel 1 for same-spin
// pairs, 2 for opposite-spin pairs). Each channel c embeds its items into
// K features,
//
//	h_0a(s) = f(A_0a s + B_0a),   h_ca(t, σ) = f(A_ca t + S_ca σ + B_ca),
//
// and averages them over its items, g_ca = (1/n_c) Σ_items h_ca; the 3K
// pooled features are read out by a linear term plus one hidden layer of
// H units:
//
//	ln J = Σ_m L_m g_m + Σ_h w_h f(c_h + Σ_m U_hm g_m).
//
// Why this form: averages over items are invariant under any relabelling
// of the items, a pair's inputs are symmetric in its two electrons, and
// the same-spin and opposite-spin pairs are pooled separately, so ln J is
// unchanged by exchanging two same-spin electrons (and by exchanging the
// whole spin-up and spin-down sets, for equal numbers of each); it is not
// symmetric under the exchange of one spin-up and one spin-down electron,
// which antisymmetry does not ask. The inputs are rotation invariants,
// matching the L = 0 ground states of closed shells. They are squared
// distances, so J is smooth at coalescence and leaves the Kato cusp to
// the Padé–Jastrow factor. σ makes a pair feature depend on where the
// pair sits in the trap (the electron–electron–trap correlation of
// three-body Jastrow factors) at no extra cost per move. Averaging
// instead of summing keeps the read-out's inputs of order one for every
// N. With L = w = 0, ln J = 0 exactly (the state Randomize leaves): the
// product starts at Slater × Padé.
//
// Parameters, flat: A (3K), B (3K), S (2K, pair channels), L (3K), U
// (H×3K row-major), c (H), w (H), channels in the order one-body,
// same-spin, opposite-spin.
//
// A single-electron move recomputes that electron's one-body item and its
// N−1 pair items (O(N·K)), updates the pooled averages and reruns the
// read-out (O(K·H)); every buffer belongs to the State, so moves allocate
// nothing. Gradient and Laplacian are analytic: the chain rule through
// the pooling and a forward pass of the read-out's Hessian along each
// coordinate direction. Parameter derivatives are back-propagated.
type DeepSet struct {
	n, d, nUp int
	k, h      int     // features per channel, read-out hidden units
	omega     float64 // length scale of the inputs
	act       activation
	actName   string
	inv       [3]float64 // 1/n_c, 0 for an empty channel
	p         []float64
	oA, oB    int // parameter offsets
	oS        int // S of channel c ≥ 1 at oS + (c−1)K
	oL, oU    int
	oC, oW    int

	// ResumEvery is the number of accepted moves between recomputations
	// of the pooled averages from the cached items, which bounds the
	// round-off of the incremental updates (NewDeepSet sets 1000).
	ResumEvery int
}

var _ Model = (*DeepSet)(nil)

// activationByName returns the activation of a name in Activations.
func activationByName(name string) (activation, bool) {
	switch name {
	case "tanh":
		return actTanh, true
	case "softplus":
		return actSoftplus, true
	case "gelu":
		return actGELU, true
	}
	return nil, false
}

// NewDeepSet returns the factor for n electrons (the first ⌈n/2⌉
// spin-up) in d dimensions with features per channel, hidden read-out
// units, an activation name from Activations and the trap frequency ω
// that scales the inputs; all parameters are zero (ln J = 0): call
// Randomize before training. Bad arguments are errors, since they come
// from input.
func NewDeepSet(n, d, features, hidden int, act string, omega float64) (*DeepSet, error) {
	if n < 1 || d < 1 {
		return nil, fmt.Errorf("deepset: %d particles in %d dimensions, both must be positive", n, d)
	}
	if features < 1 {
		return nil, fmt.Errorf("deepset: %d features per channel, need at least 1", features)
	}
	if hidden < 0 {
		return nil, fmt.Errorf("deepset: %d hidden units, want ≥ 0 (0: linear read-out)", hidden)
	}
	f, ok := activationByName(act)
	if !ok {
		return nil, fmt.Errorf("deepset: activation %q, want one of %q", act, Activations)
	}
	if !(omega > 0) || math.IsInf(omega, 0) {
		return nil, fmt.Errorf("deepset: ω = %v, want a finite number > 0", omega)
	}
	up := (n + 1) / 2
	dn := n - up
	counts := [3]int{n, up*(up-1)/2 + dn*(dn-1)/2, up * dn}
	ds := &DeepSet{n: n, d: d, nUp: up, k: features, h: hidden, omega: omega, act: f, actName: act, ResumEvery: 1000}
	for c, nc := range counts {
		if nc > 0 {
			ds.inv[c] = 1 / float64(nc)
		}
	}
	m := 3 * features
	ds.oA = 0
	ds.oB = m
	ds.oS = 2 * m
	ds.oL = ds.oS + 2*features
	ds.oU = ds.oL + m
	ds.oC = ds.oU + hidden*m
	ds.oW = ds.oC + hidden
	ds.p = make([]float64, ds.oW+hidden)
	return ds, nil
}

// Particles is N.
func (ds *DeepSet) Particles() int { return ds.n }

// Dims is d.
func (ds *DeepSet) Dims() int { return ds.d }

// Features is K, the embedding width per channel.
func (ds *DeepSet) Features() int { return ds.k }

// Hidden is H, the read-out's hidden units.
func (ds *DeepSet) Hidden() int { return ds.h }

// Activation is the activation's name.
func (ds *DeepSet) Activation() string { return ds.actName }

// NumParams is 11K + 3K·H + 2H.
func (ds *DeepSet) NumParams() int { return len(ds.p) }

// Params copies the parameters into dst.
func (ds *DeepSet) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(ds.p))
	}
	if len(dst) != len(ds.p) {
		panic(fmt.Sprintf("wavefunc: DeepSet.Params: len(dst) = %d, want %d", len(dst), len(ds.p)))
	}
	copy(dst, ds.p)
	return dst
}

// SetParams replaces the parameters.
func (ds *DeepSet) SetParams(p []float64) {
	if len(p) != len(ds.p) {
		panic(fmt.Sprintf("wavefunc: DeepSet.SetParams: len(p) = %d, want %d", len(p), len(ds.p)))
	}
	copy(ds.p, p)
}

// Randomize draws the embedding weights A, S and biases B from N(0, scale²)
// and the read-out's hidden weights U from N(0, scale²/3K), and zeroes L,
// c and w: ln J = 0 until training moves L or w, while every parameter
// already has a non-zero derivative except U and c (whose derivatives are
// proportional to w).
func (ds *DeepSet) Randomize(scale float64, rng *rand.Rand) {
	m := 3 * ds.k
	for q := range ds.p {
		ds.p[q] = 0
	}
	for q := range m {
		ds.p[ds.oA+q] = scale * rng.NormFloat64()
		ds.p[ds.oB+q] = scale * rng.NormFloat64()
	}
	for q := range 2 * ds.k {
		ds.p[ds.oS+q] = scale * rng.NormFloat64()
	}
	sd := scale / math.Sqrt(float64(m))
	for q := range ds.h * m {
		ds.p[ds.oU+q] = sd * rng.NormFloat64()
	}
}

// channel is the pair channel of electrons i ≠ j: 1 same spin, 2
// opposite.
func (ds *DeepSet) channel(i, j int) int {
	if (i < ds.nUp) == (j < ds.nUp) {
		return 1
	}
	return 2
}

// embed writes f and f' of the K features of channel c at inputs u and
// σ (σ unused for channel 0).
func (ds *DeepSet) embed(c int, u, sig float64, f, f1 []float64) {
	k := ds.k
	a := ds.p[ds.oA+c*k : ds.oA+c*k+k]
	b := ds.p[ds.oB+c*k : ds.oB+c*k+k]
	if c == 0 {
		for q := range k {
			f[q], f1[q], _ = ds.act(a[q]*u + b[q])
		}
		return
	}
	sw := ds.p[ds.oS+(c-1)*k : ds.oS+c*k]
	for q := range k {
		f[q], f1[q], _ = ds.act(a[q]*u + sw[q]*sig + b[q])
	}
}

// readout evaluates ln J at the pooled features g and stores the hidden
// units' activations and derivatives.
func (ds *DeepSet) readout(g []float64, ro *readoutCache) float64 {
	m := 3 * ds.k
	l := ds.p[ds.oL : ds.oL+m]
	v := 0.0
	for q, gq := range g {
		v += l[q] * gq
	}
	for hh := range ds.h {
		row := ds.p[ds.oU+hh*m : ds.oU+hh*m+m]
		z := ds.p[ds.oC+hh]
		for q, gq := range g {
			z += row[q] * gq
		}
		ro.z[hh] = z
		ro.f[hh], ro.f1[hh], _ = ds.act(z)
		v += ds.p[ds.oW+hh] * ro.f[hh]
	}
	ro.ok = false
	return v
}

// readoutCache is the read-out at one set of pooled features: the hidden
// pre-activations z, f(z), f'(z), and (when ok) δ = ∂ln J/∂g.
type readoutCache struct {
	z, f, f1 []float64
	delta    []float64
	ok       bool
}

func (ds *DeepSet) newReadout(ar *cacheline.Arena[float64]) readoutCache {
	return readoutCache{
		z: ar.Make(ds.h), f: ar.Make(ds.h), f1: ar.Make(ds.h),
		delta: ar.Make(3 * ds.k),
	}
}

// backprop fills ro.delta: δ_m = L_m + Σ_h U_hm w_h f'(z_h).
func (ds *DeepSet) backprop(ro *readoutCache) {
	if ro.ok {
		return
	}
	m := 3 * ds.k
	copy(ro.delta, ds.p[ds.oL:ds.oL+m])
	for hh := range ds.h {
		c := ds.p[ds.oW+hh] * ro.f1[hh]
		if c == 0 {
			continue
		}
		row := ds.p[ds.oU+hh*m : ds.oU+hh*m+m]
		for q, u := range row {
			ro.delta[q] += c * u
		}
	}
	ro.ok = true
}
