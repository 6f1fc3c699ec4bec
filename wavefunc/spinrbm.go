package wavefunc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// SpinModel is a trial wave function of N spins s_i = ±1 with a flat
// vector of variational parameters: what the lattice driver and the spin
// sampler need. SpinRBM implements it. As for Model, the parameters are
// shared by all walkers' states, which only read them; states must be
// Refreshed after SetParams.
type SpinModel interface {
	// Sites is N.
	Sites() int
	// NumParams is the number of variational parameters.
	NumParams() int
	// Params copies the parameters into dst (allocated when nil) and
	// returns it.
	Params(dst []float64) []float64
	// SetParams replaces the parameters; it panics on a length mismatch.
	SetParams(p []float64)
	// NewState returns a walker state at configuration s (N values ±1,
	// copied).
	NewState(s []int8) SpinState
}

// SpinState is one walker's spin configuration with the cached quantities
// of Ψ at it. Ψ is real: the RBMs are positive and leave a sign structure
// to the Hamiltonian's basis (hamiltonian.Spin.RotateMarshall); a signed
// state (SpinPairProduct) has negative Ratios, and LogPsi, LogRatio are
// then those of |Ψ|. A SpinState is used by one goroutine; its moves
// allocate nothing.
type SpinState interface {
	// Spins is the current configuration (read-only view; change it with
	// Flip or SetSpins).
	Spins() []int8
	// SetSpins replaces the configuration and refreshes the caches.
	SetSpins(s []int8)
	// LogPsi is ln Ψ at the current configuration.
	LogPsi() float64
	// LogRatio is ln(Ψ(s')/Ψ(s)) for s' = s with spin i flipped and, when
	// j ≥ 0, spin j as well (the sampler's acceptance test).
	LogRatio(i, j int) float64
	// Ratio is Ψ(s')/Ψ(s) for the same s' (the local energy's weights).
	Ratio(i, j int) float64
	// Flip makes s' the current configuration.
	Flip(i, j int)
	// ParamGrad writes O_k = ∂ln Ψ/∂θ_k (NumParams values) into dst.
	ParamGrad(dst []float64)
	// Refresh recomputes the caches from the configuration and the
	// model's current parameters.
	Refresh()
}

// SignedSpinState is a SpinState whose Ψ has signs of its own (the pair
// product, products with it): exact sums over configurations need the
// sign, which LogPsi leaves out.
type SignedSpinState interface {
	SpinState
	// Sign is the sign of Ψ at the current configuration (0 where Ψ = 0).
	Sign() float64
}

var _ SpinModel = (*SpinRBM)(nil)

// SpinRBM is the restricted Boltzmann machine of Carleo and Troyer for N
// spins s_i = ±1 with H hidden units summed out,
//
//	Ψ(s) = exp(Σ_i a_i s_i) Π_j 2cosh(θ_j),  θ_j = b_j + Σ_i W_ij s_i,
//
// with real parameters, so Ψ > 0. The hidden-unit density is α = H/N.
// It is a lattice model, not a Model: configurations are spins, and
// States answer amplitude ratios for one or two flipped spins.
//
// Parameters, flat: a (N values), b (H values), W (N×H, row i holds W_i·).
// A symmetric RBM (NewSymmetricSpinRBM) shares them across a group of
// site permutations and exposes only the independent ones.
type SpinRBM struct {
	n, h int
	p    []float64 // a, b, W of all hidden units (expanded when symmetric)
	// For a symmetric RBM: the group (perm[g][k] = image of site k) and
	// the independent parameters a, b_f (features), w_f[k] (features×N).
	perm     [][]int
	features int
	red      []float64
	// e^{2W_ij} and e^{−2W_ij}, refreshed by SetParams. A flip of s_i
	// multiplies 2cosh(θ_j) by
	//   cosh(θ_j − 2s_iW_ij)/cosh θ_j = P_j e^{−2s_iW_ij} + M_j e^{2s_iW_ij},
	// P_j = 1/(1+e^{−2θ_j}), M_j = 1/(1+e^{2θ_j}) = 1 − P_j, so a
	// single-flip ratio needs no transcendental function per hidden unit.
	// Unlike cosh 2W − tanh θ sinh 2W, every term is positive: no
	// cancellation when θ or W is large.
	ep, em []float64
}

// NewSpinRBM returns an RBM over n spins with the given number of hidden
// units, all parameters zero. It panics on non-positive sizes; callers
// that take them from input validate them first.
func NewSpinRBM(n, hidden int) *SpinRBM {
	if n <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("wavefunc: NewSpinRBM(n=%d, hidden=%d): sizes must be positive", n, hidden))
	}
	m := &SpinRBM{n: n, h: hidden, p: make([]float64, n+hidden+n*hidden),
		ep: make([]float64, n*hidden), em: make([]float64, n*hidden)}
	m.SetParams(m.p)
	return m
}

// NewSymmetricSpinRBM returns an RBM whose parameters are shared across
// a group of site permutations (lattice translations, say): hidden unit
// (f, g), for feature f and group element g, has bias b_f and weights
// W_{g(k),(f,g)} = w_f[k], and all a_i equal a. Ψ is then invariant under
// the group (applying an element permutes the hidden units), and the
// independent parameters are a, b_f and w_f: 1 + F + F·N of them instead of
// N + H + N·H with H = F·|G|. Carleo and Troyer use this for lattices;
// hamiltonian.Lattice.SymmetryGroup gives the translations or the whole
// space group (translations × C4v on the square lattice, 8N elements). Ψ
// then lies in the group's trivial sector (zero momentum, A1), where the
// Marshall-rotated Heisenberg ground state is (hamiltonian/symmetry.go).
// A move costs O(F·|G|) like a plain RBM of F·|G| hidden units (cached θ,
// no allocation); the gradient O(F·|G|·N) per sample. It panics if an
// element is not a permutation of n sites; that the elements form a group
// is the caller's promise.
func NewSymmetricSpinRBM(n, features int, perms [][]int) *SpinRBM {
	if features <= 0 || len(perms) == 0 {
		panic(fmt.Sprintf("wavefunc: NewSymmetricSpinRBM(features=%d, %d permutations): need at least one of each", features, len(perms)))
	}
	if err := checkPermutations(n, perms); err != nil {
		panic(fmt.Sprintf("wavefunc: NewSymmetricSpinRBM: %v", err))
	}
	m := NewSpinRBM(n, features*len(perms))
	m.perm = perms
	m.features = features
	m.red = make([]float64, 1+features+features*n)
	return m
}

// Symmetric reports whether the parameters are shared across a group.
func (m *SpinRBM) Symmetric() bool { return m.perm != nil }

// Sites is N.
func (m *SpinRBM) Sites() int { return m.n }

// Hidden is H.
func (m *SpinRBM) Hidden() int { return m.h }

// NumParams is N + H + N·H, or 1 + F + F·N when symmetric.
func (m *SpinRBM) NumParams() int { return len(m.params()) }

// params is the independent parameter vector.
func (m *SpinRBM) params() []float64 {
	if m.perm != nil {
		return m.red
	}
	return m.p
}

// Params copies the parameters into dst (allocated when nil).
func (m *SpinRBM) Params(dst []float64) []float64 {
	src := m.params()
	if dst == nil {
		dst = make([]float64, len(src))
	}
	if len(dst) != len(src) {
		panic(fmt.Sprintf("wavefunc: SpinRBM.Params: len(dst) = %d, want %d", len(dst), len(src)))
	}
	copy(dst, src)
	return dst
}

// SetParams replaces the parameters; States must be Refreshed after it.
func (m *SpinRBM) SetParams(p []float64) {
	if len(p) != m.NumParams() {
		panic(fmt.Sprintf("wavefunc: SpinRBM.SetParams: %d values, want %d", len(p), m.NumParams()))
	}
	if m.perm == nil {
		copy(m.p, p)
	} else {
		copy(m.red, p)
		m.expand()
	}
	for k, w := range m.w() {
		m.ep[k] = math.Exp(2 * w)
		m.em[k] = math.Exp(-2 * w)
	}
}

// expand writes the shared parameters into a, b and W of every hidden unit.
func (m *SpinRBM) expand() {
	ng := len(m.perm)
	nf := m.features
	a, b, w := m.a(), m.b(), m.w()
	for i := range a {
		a[i] = m.red[0]
	}
	for f := range nf {
		wf := m.red[1+nf+f*m.n : 1+nf+(f+1)*m.n]
		for g, perm := range m.perm {
			j := f*ng + g
			b[j] = m.red[1+f]
			for k, site := range perm {
				w[site*m.h+j] = wf[k]
			}
		}
	}
}

// Randomize draws every parameter from a normal distribution of standard
// deviation scale (Carleo and Troyer start from scale ≈ 0.01).
func (m *SpinRBM) Randomize(scale float64, rng *rand.Rand) {
	p := make([]float64, m.NumParams())
	for k := range p {
		p[k] = scale * rng.NormFloat64()
	}
	m.SetParams(p)
}

func (m *SpinRBM) a() []float64 { return m.p[:m.n] }
func (m *SpinRBM) b() []float64 { return m.p[m.n : m.n+m.h] }
func (m *SpinRBM) w() []float64 { return m.p[m.n+m.h:] }

// logCosh2 is ln(2cosh x) without overflow.
func logCosh2(x float64) float64 {
	x = math.Abs(x)
	return x + math.Log1p(math.Exp(-2*x))
}

// LogPsi evaluates ln Ψ(s) from scratch, in O(N·H).
func (m *SpinRBM) LogPsi(s []int8) float64 {
	if len(s) != m.n {
		panic(fmt.Sprintf("wavefunc: SpinRBM.LogPsi: %d spins, want %d", len(s), m.n))
	}
	a, b, w := m.a(), m.b(), m.w()
	l := 0.0
	for i, si := range s {
		l += a[i] * float64(si)
	}
	for j := range m.h {
		t := b[j]
		for i, si := range s {
			t += w[i*m.h+j] * float64(si)
		}
		l += logCosh2(t)
	}
	return l
}

// spinRBMState is one walker's spin configuration with the cached angles
// θ_j and the logistic weights P_j, M_j of ±θ_j, so that the ratio for one
// or two flipped spins costs O(H) multiply-adds and an accepted move O(H)
// updates. It is used by one goroutine and only reads its model.
type spinRBMState struct {
	m     *SpinRBM
	s     []int8
	theta []float64
	pp    []float64 // P_j = 1/(1+e^{−2θ_j})
	pm    []float64 // M_j = 1/(1+e^{2θ_j}); tanh θ_j = P_j − M_j
	// x is a symmetric RBM's scratch row s∘g for the gradient.
	x []float64
}

// NewState returns a state at configuration s (N values ±1, copied).
func (m *SpinRBM) NewState(s []int8) SpinState {
	if len(s) != m.n {
		panic(fmt.Sprintf("wavefunc: SpinRBM.NewState: %d spins, want %d", len(s), m.n))
	}
	var ar cacheline.Arena[float64]
	st := cacheline.New[spinRBMState]()
	*st = spinRBMState{m: m, s: cacheline.Make[int8](len(s)),
		theta: ar.Make(m.h), pp: ar.Make(m.h), pm: ar.Make(m.h)}
	if m.perm != nil {
		st.x = ar.Make(m.n)
	}
	copy(st.s, s)
	st.Refresh()
	return st
}

// Spins is the current configuration (read-only view; change it with Flip
// or SetSpins).
func (st *spinRBMState) Spins() []int8 { return st.s }

// SetSpins replaces the configuration and refreshes the cache.
func (st *spinRBMState) SetSpins(s []int8) {
	copy(st.s, s)
	st.Refresh()
}

// Refresh recomputes θ from the configuration and the model's current
// parameters (after SetParams, and now and then to bound round-off).
func (st *spinRBMState) Refresh() {
	m := st.m
	b, w := m.b(), m.w()
	copy(st.theta, b)
	for i, si := range st.s {
		row := w[i*m.h : (i+1)*m.h]
		fs := float64(si)
		for j, wij := range row {
			st.theta[j] += wij * fs
		}
	}
	st.weights()
}

// weights recomputes P and M from θ, each without cancellation.
func (st *spinRBMState) weights() {
	for j, t := range st.theta {
		e := math.Exp(-2 * math.Abs(t))
		big, small := 1/(1+e), e/(1+e)
		if t >= 0 {
			st.pp[j], st.pm[j] = big, small
		} else {
			st.pp[j], st.pm[j] = small, big
		}
	}
}

// LogPsi is ln Ψ at the current configuration, from the cached angles.
func (st *spinRBMState) LogPsi() float64 {
	l := 0.0
	for i, si := range st.s {
		l += st.m.p[i] * float64(si)
	}
	for _, t := range st.theta {
		l += logCosh2(t)
	}
	return l
}

// LogRatio returns ln(Ψ(s')/Ψ(s)) for s' = s with spin i flipped and,
// when j ≥ 0, spin j as well, in O(H) multiply-adds and one logarithm.
func (st *spinRBMState) LogRatio(i, j int) float64 {
	lv := st.visibleLog(i, j)
	if prod := st.hiddenProduct(i, j, false); prod > 0 && !math.IsInf(prod, 0) {
		return lv + math.Log(prod)
	}
	// The product left the float64 range: add logarithms instead.
	return lv + st.hiddenProduct(i, j, true)
}

// Ratio returns Ψ(s')/Ψ(s) for the same s' as LogRatio, without the
// logarithm (the local energy needs the ratio itself). It is +Inf when
// the ratio exceeds the float64 range.
func (st *spinRBMState) Ratio(i, j int) float64 {
	prod := st.hiddenProduct(i, j, false)
	if prod > 0 && !math.IsInf(prod, 0) {
		return math.Exp(st.visibleLog(i, j)) * prod
	}
	return math.Exp(st.LogRatio(i, j))
}

// visibleLog is the change of Σ a_k s_k.
func (st *spinRBMState) visibleLog(i, j int) float64 {
	a := st.m.p
	lv := -2 * a[i] * float64(st.s[i])
	if j >= 0 {
		lv -= 2 * a[j] * float64(st.s[j])
	}
	return lv
}

// hiddenProduct is Π_k cosh(θ'_k)/cosh(θ_k), or with logs set the sum of
// the logarithms of the factors. A factor is P e^{−d} + M e^{d} with
// e^{±d} the cached e^{∓2s_iW_ik} (times e^{∓2s_jW_jk} for a pair).
func (st *spinRBMState) hiddenProduct(i, j int, logs bool) float64 {
	down, up := st.expRows(i)
	pp, pm := st.pp[:len(down)], st.pm[:len(down)]
	up = up[:len(down)]
	if j < 0 {
		if logs {
			l := 0.0
			for k, d := range down {
				l += math.Log(pp[k]*d + pm[k]*up[k])
			}
			return l
		}
		prod := 1.0
		for k, d := range down {
			prod *= pp[k]*d + pm[k]*up[k]
		}
		return prod
	}
	dj, uj := st.expRows(j)
	dj, uj = dj[:len(down)], uj[:len(down)]
	if logs {
		l := 0.0
		for k, d := range down {
			l += math.Log(pp[k]*d*dj[k] + pm[k]*up[k]*uj[k])
		}
		return l
	}
	prod := 1.0
	for k, d := range down {
		prod *= pp[k]*d*dj[k] + pm[k]*up[k]*uj[k]
	}
	return prod
}

// expRows returns e^{−2s_iW_i·} and e^{2s_iW_i·} for the current spin
// s_i: the factors by which a flip of s_i scales e^{θ} and e^{−θ}.
func (st *spinRBMState) expRows(i int) (down, up []float64) {
	m := st.m
	lo, hi := i*m.h, (i+1)*m.h
	if st.s[i] > 0 {
		return m.em[lo:hi], m.ep[lo:hi]
	}
	return m.ep[lo:hi], m.em[lo:hi]
}

// Flip flips spin i and, when j ≥ 0, spin j, updating θ and the
// weights in O(H) without transcendental functions: with e^{±d} the
// cached factors, P' = P e^{−d}/(P e^{−d} + M e^{d}) and likewise M', so
// P' + M' = 1 holds to rounding at every step. Refresh recomputes them
// from θ.
func (st *spinRBMState) Flip(i, j int) {
	m := st.m
	w := m.w()
	down, up := st.expRows(i)
	if j >= 0 {
		dj, uj := st.expRows(j)
		dj, uj, up = dj[:len(down)], uj[:len(down)], up[:len(down)]
		pp, pm := st.pp[:len(down)], st.pm[:len(down)]
		for k, d := range down {
			a, b := pp[k]*d*dj[k], pm[k]*up[k]*uj[k]
			pp[k], pm[k] = a/(a+b), b/(a+b)
		}
		st.flipTheta(w[i*m.h:(i+1)*m.h], st.s[i])
		st.flipTheta(w[j*m.h:(j+1)*m.h], st.s[j])
		st.s[i], st.s[j] = -st.s[i], -st.s[j]
		return
	}
	up = up[:len(down)]
	pp, pm := st.pp[:len(down)], st.pm[:len(down)]
	for k, d := range down {
		a, b := pp[k]*d, pm[k]*up[k]
		pp[k], pm[k] = a/(a+b), b/(a+b)
	}
	st.flipTheta(w[i*m.h:(i+1)*m.h], st.s[i])
	st.s[i] = -st.s[i]
}

func (st *spinRBMState) flipTheta(row []float64, s int8) {
	f := 2 * float64(s)
	theta := st.theta[:len(row)]
	for k, w := range row {
		theta[k] -= f * w
	}
}

// ParamGrad writes O_k = ∂ln Ψ/∂θ_k: s_i for a_i, tanh θ_j for b_j and
// s_i tanh θ_j for W_ij; for a symmetric RBM the sums of these over the
// hidden units sharing a parameter.
func (st *spinRBMState) ParamGrad(dst []float64) {
	m := st.m
	if len(dst) != m.NumParams() {
		panic(fmt.Sprintf("wavefunc: SpinState.ParamGrad: len(dst) = %d, want %d", len(dst), m.NumParams()))
	}
	if m.perm != nil {
		st.symParamGrad(dst)
		return
	}
	for i, si := range st.s {
		dst[i] = float64(si)
	}
	th := dst[m.n : m.n+m.h]
	for k, p := range st.pp {
		th[k] = p - st.pm[k]
	}
	ow := dst[m.n+m.h:]
	for i, si := range st.s {
		row := ow[i*m.h : (i+1)*m.h]
		if si > 0 {
			copy(row, th)
		} else {
			for k, t := range th {
				row[k] = -t
			}
		}
	}
}

// symParamGrad sums the hidden units' O over each shared parameter:
// O_{w_f[k]} = Σ_g s_{g(k)} tanh θ_{f,g}. The group element is the outer
// loop, so the row s∘g is gathered once for all features and the inner
// loop is a contiguous multiply-add (the sum over g keeps its order).
func (st *spinRBMState) symParamGrad(dst []float64) {
	m := st.m
	ng, nf := len(m.perm), m.features
	clear(dst)
	for _, si := range st.s {
		dst[0] += float64(si)
	}
	x := st.x
	for g, perm := range m.perm {
		perm = perm[:len(x)]
		for k, site := range perm {
			x[k] = float64(st.s[site])
		}
		for f := range nf {
			j := f*ng + g
			t := st.pp[j] - st.pm[j]
			dst[1+f] += t
			wf := dst[1+nf+f*m.n : 1+nf+(f+1)*m.n]
			wf = wf[:len(x)]
			for k, xk := range x {
				wf[k] += xk * t
			}
		}
	}
}
