package wavefunc

import (
	"fmt"
	"math"
	"math/rand/v2"
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

func (ds *DeepSet) newReadout() readoutCache {
	return readoutCache{
		z: make([]float64, ds.h), f: make([]float64, ds.h), f1: make([]float64, ds.h),
		delta: make([]float64, 3*ds.k),
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

// NewState returns a walker state at x.
func (ds *DeepSet) NewState(x []float64) State {
	n, d, k := ds.n, ds.d, ds.k
	if len(x) != n*d {
		panic(fmt.Sprintf("wavefunc: DeepSet.NewState: len(x) = %d, want %d", len(x), n*d))
	}
	m := 3 * k
	s := &deepSetState{
		ds:   ds,
		x:    append([]float64(nil), x...),
		s:    make([]float64, n),
		t:    make([]float64, n*n),
		of:   make([]float64, n*k),
		of1:  make([]float64, n*k),
		pf:   make([]float64, n*n*k),
		pf1:  make([]float64, n*n*k),
		g:    make([]float64, m),
		cur:  ds.newReadout(),
		pos:  make([]float64, d),
		tN:   make([]float64, n),
		ofN:  make([]float64, k),
		of1N: make([]float64, k),
		pfN:  make([]float64, n*k),
		pf1N: make([]float64, n*k),
		gN:   make([]float64, m),
		prop: ds.newReadout(),
		q:    make([]float64, m),
		qs:   make([]float64, 2*k),
		v:    make([]float64, n*d*m),
	}
	s.Refresh()
	return s
}

// deepSetState caches every item's input and features: s_i and the
// one-body features (N×K), t_ij and the pair features (N×N×K, both
// orders, so a move reads and writes rows), the pooled averages g and the
// read-out.
type deepSetState struct {
	ds       *DeepSet
	x        []float64
	s, t     []float64
	of, of1  []float64 // one-body f, f'
	pf, pf1  []float64 // pair f, f' at [(i*N+j)*K + a]
	g        []float64
	cur      readoutCache
	logJ     float64
	accepts  int
	pi       int // pending proposal
	pos      []float64
	sN       float64
	tN       []float64
	ofN      []float64
	of1N     []float64
	pfN      []float64 // row of the moved electron, [j*K + a]
	pf1N     []float64
	gN       []float64
	prop     readoutCache
	logJN    float64
	q, qs, v []float64 // scratch
}

func (s *deepSetState) Positions() []float64 { return s.x }

func (s *deepSetState) LogPsi() float64 { return s.logJ }

func dist2(a, b []float64) float64 {
	r2 := 0.0
	for c := range a {
		t := a[c] - b[c]
		r2 += t * t
	}
	return r2
}

func (s *deepSetState) Refresh() {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	for i := range n {
		s.s[i] = ds.omega * sq(s.x[i*d:i*d+d])
		ds.embed(0, s.s[i], 0, s.of[i*k:i*k+k], s.of1[i*k:i*k+k])
	}
	for i := range n {
		xi := s.x[i*d : i*d+d]
		for j := i + 1; j < n; j++ {
			t := ds.omega * dist2(xi, s.x[j*d:j*d+d])
			s.t[i*n+j], s.t[j*n+i] = t, t
			ij, ji := (i*n+j)*k, (j*n+i)*k
			ds.embed(ds.channel(i, j), t, s.s[i]+s.s[j], s.pf[ij:ij+k], s.pf1[ij:ij+k])
			copy(s.pf[ji:ji+k], s.pf[ij:ij+k])
			copy(s.pf1[ji:ji+k], s.pf1[ij:ij+k])
		}
	}
	s.resum()
	s.accepts = 0
}

// resum recomputes the pooled averages from the cached items and reruns
// the read-out.
func (s *deepSetState) resum() {
	ds := s.ds
	n, k := ds.n, ds.k
	for q := range s.g {
		s.g[q] = 0
	}
	g0 := s.g[:k]
	for i := range n {
		for a, f := range s.of[i*k : i*k+k] {
			g0[a] += f
		}
		for j := i + 1; j < n; j++ {
			c := ds.channel(i, j)
			gc := s.g[c*k : c*k+k]
			for a, f := range s.pf[(i*n+j)*k : (i*n+j)*k+k] {
				gc[a] += f
			}
		}
	}
	for c := range 3 {
		for a := range k {
			s.g[c*k+a] *= ds.inv[c]
		}
	}
	s.logJ = ds.readout(s.g, &s.cur)
}

func (s *deepSetState) Propose(i int, pos []float64) float64 {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	s.pi = i
	copy(s.pos, pos)
	copy(s.gN, s.g)
	s.sN = ds.omega * sq(pos)
	ds.embed(0, s.sN, 0, s.ofN, s.of1N)
	old := s.of[i*k : i*k+k]
	for a := range k {
		s.gN[a] += ds.inv[0] * (s.ofN[a] - old[a])
	}
	for j := range n {
		if j == i {
			continue
		}
		t := ds.omega * dist2(pos, s.x[j*d:j*d+d])
		s.tN[j] = t
		c := ds.channel(i, j)
		fN, f1N := s.pfN[j*k:j*k+k], s.pf1N[j*k:j*k+k]
		ds.embed(c, t, s.sN+s.s[j], fN, f1N)
		old := s.pf[(i*n+j)*k : (i*n+j)*k+k]
		gc := s.gN[c*k : c*k+k]
		w := ds.inv[c]
		for a := range k {
			gc[a] += w * (fN[a] - old[a])
		}
	}
	s.logJN = ds.readout(s.gN, &s.prop)
	return s.logJN - s.logJ
}

func (s *deepSetState) Accept() {
	ds := s.ds
	n, d, k, i := ds.n, ds.d, ds.k, s.pi
	copy(s.x[i*d:i*d+d], s.pos)
	s.s[i] = s.sN
	copy(s.of[i*k:i*k+k], s.ofN)
	copy(s.of1[i*k:i*k+k], s.of1N)
	for j := range n {
		if j == i {
			continue
		}
		s.t[i*n+j], s.t[j*n+i] = s.tN[j], s.tN[j]
		ij, ji := (i*n+j)*k, (j*n+i)*k
		copy(s.pf[ij:ij+k], s.pfN[j*k:j*k+k])
		copy(s.pf[ji:ji+k], s.pfN[j*k:j*k+k])
		copy(s.pf1[ij:ij+k], s.pf1N[j*k:j*k+k])
		copy(s.pf1[ji:ji+k], s.pf1N[j*k:j*k+k])
	}
	s.g, s.gN = s.gN, s.g
	s.cur, s.prop = s.prop, s.cur
	s.logJ = s.logJN
	s.accepts++
	if ds.ResumEvery > 0 && s.accepts >= ds.ResumEvery {
		s.resum()
		s.accepts = 0
	}
}

func (s *deepSetState) Reject() {}

// coef writes q_m = δ_m A_m / n_c and, for the pair channels, qs =
// δ_m S_m / n_c: the derivatives of ln J with respect to an item's inputs
// u and σ are Σ_a q_ca f'_ca and Σ_a qs_ca f'_ca.
func (s *deepSetState) coef(ro *readoutCache) {
	ds := s.ds
	k := ds.k
	ds.backprop(ro)
	for c := range 3 {
		for a := range k {
			q := c*k + a
			s.q[q] = ro.delta[q] * ds.p[ds.oA+q] * ds.inv[c]
			if c > 0 {
				s.qs[q-k] = ro.delta[q] * ds.p[ds.oS+q-k] * ds.inv[c]
			}
		}
	}
}

func dotK(a, b []float64) float64 {
	v := 0.0
	for q, x := range a {
		v += x * b[q]
	}
	return v
}

// gradAt writes ∇_i ln J = 2ω [e_i r_i + Σ_j (e_ij (r_i − r_j) + e'_ij r_i)]
// for electron i at xi, with its one-body f' in of1 and its pair f' rows
// in pf1 (row j at stride), given q and qs from coef: ∇_i s_i = 2ω r_i,
// ∇_i t_ij = 2ω (r_i − r_j), ∇_i σ_ij = 2ω r_i.
func (s *deepSetState) gradAt(i int, xi, of1, pf1 []float64, stride int, dst []float64) {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	e := dotK(s.q[:k], of1)
	for c := range d {
		dst[c] = e * xi[c]
	}
	for j := range n {
		if j == i {
			continue
		}
		ch := ds.channel(i, j)
		f1 := pf1[j*stride : j*stride+k]
		e := dotK(s.q[ch*k:ch*k+k], f1)
		es := dotK(s.qs[(ch-1)*k:ch*k], f1)
		xj := s.x[j*d : j*d+d]
		for c := range d {
			dst[c] += e*(xi[c]-xj[c]) + es*xi[c]
		}
	}
	for c := range d {
		dst[c] *= 2 * ds.omega
	}
}

func (s *deepSetState) GradI(i int, dst []float64) {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	s.coef(&s.cur)
	s.gradAt(i, s.x[i*d:i*d+d], s.of1[i*k:i*k+k], s.pf1[i*n*k:(i+1)*n*k], k, dst)
}

func (s *deepSetState) ProposedGradI(dst []float64) {
	s.coef(&s.prop)
	s.gradAt(s.pi, s.pos, s.of1N, s.pf1N, s.ds.k, dst)
}

// Derivs: with v_ic = ∂g/∂x_ic (3K values per coordinate),
//
//	∂ln J/∂x_ic = δ·v_ic,
//	∇²ln J = Σ_ic Σ_h w_h f”(z_h) (U_h·v_ic)² + Σ_m δ_m ∇²g_m,
//
// the first term the read-out's Hessian along each coordinate, the second
// the pooled features' Laplacians: an item with pre-activation z
// contributes f” |∇z|² + f' ∇²z, with |∇z|² = 4ω A² s and ∇²z = 2dω A
// for an electron, and, summed over both electrons of a pair, |∇z|² =
// 4ω (2A(A + S) t + S² σ) and ∇²z = 4dω (A + S).
func (s *deepSetState) Derivs(grad []float64) float64 {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	m := 3 * k
	om := ds.omega
	ds.backprop(&s.cur)
	delta := s.cur.delta
	v := s.v
	for q := range v {
		v[q] = 0
	}
	lap := 0.0
	aw := ds.p[ds.oA : ds.oA+m]
	bw := ds.p[ds.oB : ds.oB+m]
	// One-body items.
	for i := range n {
		u := s.s[i]
		xi := s.x[i*d : i*d+d]
		for a := range k {
			_, f1, f2 := ds.act(aw[a]*u + bw[a])
			fa := ds.inv[0] * aw[a]
			lap += delta[a] * ds.inv[0] * (f2*aw[a]*aw[a]*4*om*u + f1*aw[a]*2*float64(d)*om)
			for c := range d {
				v[(i*d+c)*m+a] += fa * f1 * 2 * om * xi[c]
			}
		}
	}
	// Pair items.
	sw := ds.p[ds.oS : ds.oS+2*k]
	for i := range n {
		xi := s.x[i*d : i*d+d]
		for j := i + 1; j < n; j++ {
			xj := s.x[j*d : j*d+d]
			ch := ds.channel(i, j)
			t := s.t[i*n+j]
			sig := s.s[i] + s.s[j]
			w := ds.inv[ch]
			for a := range k {
				q := ch*k + a
				A, S := aw[q], sw[q-k]
				_, f1, f2 := ds.act(A*t + S*sig + bw[q])
				lap += delta[q] * w * 4 * om * (f2*(2*A*(A+S)*t+S*S*sig) + f1*float64(d)*(A+S))
				fa, fs := w*A*f1*2*om, w*S*f1*2*om
				for c := range d {
					dx := fa * (xi[c] - xj[c])
					v[(i*d+c)*m+q] += dx + fs*xi[c]
					v[(j*d+c)*m+q] += fs*xj[c] - dx
				}
			}
		}
	}
	for r := range n * d {
		grad[r] = dotK(delta, v[r*m:r*m+m])
	}
	for hh := range ds.h {
		wh := ds.p[ds.oW+hh]
		if wh == 0 {
			continue
		}
		_, _, f2 := ds.act(s.cur.z[hh])
		row := ds.p[ds.oU+hh*m : ds.oU+hh*m+m]
		sum := 0.0
		for r := range n * d {
			p := dotK(row, v[r*m:r*m+m])
			sum += p * p
		}
		lap += wh * f2 * sum
	}
	return lap
}

// ParamGrad back-propagates: ∂/∂L_m = g_m, ∂/∂w_h = f(z_h), ∂/∂c_h =
// w_h f'(z_h), ∂/∂U_hm = w_h f'(z_h) g_m, and through the pooling
// ∂/∂A_ca = δ_ca/n_c Σ_items f'_ca u, ∂/∂S_ca = δ_ca/n_c Σ_items f'_ca σ,
// ∂/∂B_ca = δ_ca/n_c Σ_items f'_ca.
func (s *deepSetState) ParamGrad(dst []float64) {
	ds := s.ds
	n, k := ds.n, ds.k
	m := 3 * k
	if len(dst) != len(ds.p) {
		panic(fmt.Sprintf("wavefunc: DeepSet ParamGrad: len(dst) = %d, want %d", len(dst), len(ds.p)))
	}
	ds.backprop(&s.cur)
	dA := dst[ds.oA : ds.oA+m]
	dB := dst[ds.oB : ds.oB+m]
	dS := dst[ds.oS : ds.oS+2*k]
	for q := range m {
		dA[q], dB[q] = 0, 0
	}
	for q := range dS {
		dS[q] = 0
	}
	for i := range n {
		u := s.s[i]
		for a, f1 := range s.of1[i*k : i*k+k] {
			dA[a] += f1 * u
			dB[a] += f1
		}
		for j := i + 1; j < n; j++ {
			u := s.t[i*n+j]
			sig := s.s[i] + s.s[j]
			off := ds.channel(i, j) * k
			for a, f1 := range s.pf1[(i*n+j)*k : (i*n+j)*k+k] {
				dA[off+a] += f1 * u
				dS[off-k+a] += f1 * sig
				dB[off+a] += f1
			}
		}
	}
	for c := range 3 {
		for a := range k {
			q := c*k + a
			w := s.cur.delta[q] * ds.inv[c]
			dA[q] *= w
			dB[q] *= w
			if c > 0 {
				dS[q-k] *= w
			}
		}
	}
	copy(dst[ds.oL:ds.oL+m], s.g)
	for hh := range ds.h {
		wf := ds.p[ds.oW+hh] * s.cur.f1[hh]
		row := dst[ds.oU+hh*m : ds.oU+hh*m+m]
		for q, gq := range s.g {
			row[q] = wf * gq
		}
		dst[ds.oC+hh] = wf
		dst[ds.oW+hh] = s.cur.f[hh]
	}
}
