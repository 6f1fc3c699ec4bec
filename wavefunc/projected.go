package wavefunc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

var _ SpinModel = (*ProjectedSpin)(nil)

// ProjectedSpin restores symmetries of a spin wave function by projection
// onto the trivial sector of a set of site permutations P (a group, or a
// set of coset representatives):
//
//	Ψ_P(s) = Σ_{p∈P} Ψ(p s)  [+ Σ_{p∈P} Ψ(−p s) with the spin flip],
//
// where (p s)_{p[k]} = s_k moves the spin of site k to site p[k]. When P is
// a group, or P·G is one for a G under which Ψ is already invariant (the
// point group over a translation-invariant Ψ gives the whole space group),
// Ψ_P is invariant under it with all characters +1: zero momentum and the
// A1 irrep of C4v, even spin parity with the flip, which is where the
// Marshall-rotated Heisenberg ground state lies (hamiltonian/symmetry.go).
// Because amplitudes are positive, no image can cancel another.
//
// A sum over images is another way to make Ψ invariant than sharing
// weights over the group (NewSymmetricSpinRBM, a product over images);
// Nomura (J. Phys. Condens. Matter 33, 174003 (2021)) and Choo et al.
// (PRL 121, 167204 (2018)) restore symmetries this way. On the 6×6
// Heisenberg lattice it is not more accurate than the product at equal
// cost (BENCHMARKS.md, 10×10 Heisenberg).
//
// The parameters are the inner model's. A walker holds one inner state per
// image, so every ratio, move and gradient costs |P| times (2|P| with the
// flip) the inner model's, plus O(|P|) exponentials per ratio.
type ProjectedSpin struct {
	inner SpinModel
	n     int
	perm  [][]int // perm[q] of image q: site k of s goes to perm[q][k]
	sign  []int8  // −1 for the flipped images
}

// NewProjectedSpin returns the projection of inner onto the trivial sector
// of the site permutations perms (element p maps site k to p[k], as
// hamiltonian.Lattice.SymmetryGroup lists them), and of the global spin
// flip s → −s when flip is set. The elements are copied. It returns an
// error when perms is empty, an element is not a permutation of the
// inner's sites, or the inner model is complex (its amplitudes carry
// phases that a projection of positive amplitudes does not handle).
func NewProjectedSpin(inner SpinModel, perms [][]int, flip bool) (*ProjectedSpin, error) {
	if c, ok := inner.(interface{ Complex() bool }); ok && c.Complex() {
		return nil, fmt.Errorf("wavefunc: NewProjectedSpin: a complex model cannot be projected (amplitudes must be positive)")
	}
	n := inner.Sites()
	if len(perms) == 0 {
		return nil, fmt.Errorf("wavefunc: NewProjectedSpin: no permutations")
	}
	m := &ProjectedSpin{inner: inner, n: n}
	if err := checkPermutations(n, perms); err != nil {
		return nil, fmt.Errorf("wavefunc: NewProjectedSpin: %w", err)
	}
	for _, p := range perms {
		m.perm = append(m.perm, append([]int(nil), p...))
		m.sign = append(m.sign, 1)
	}
	if flip {
		for g := range perms {
			m.perm = append(m.perm, m.perm[g])
			m.sign = append(m.sign, -1)
		}
	}
	return m, nil
}

// Inner is the projected model, whose parameters these are.
func (m *ProjectedSpin) Inner() SpinModel { return m.inner }

// Images is the number of terms of the sum: |P|, or 2|P| with the flip.
func (m *ProjectedSpin) Images() int { return len(m.perm) }

// Sites is N.
func (m *ProjectedSpin) Sites() int { return m.n }

// NumParams is the inner model's.
func (m *ProjectedSpin) NumParams() int { return m.inner.NumParams() }

// Params copies the inner model's parameters into dst (allocated when nil).
func (m *ProjectedSpin) Params(dst []float64) []float64 { return m.inner.Params(dst) }

// SetParams replaces the inner model's parameters; States must be
// Refreshed after it.
func (m *ProjectedSpin) SetParams(p []float64) { m.inner.SetParams(p) }

// Randomize randomizes the inner model as its own Randomize does, or else
// draws every parameter from N(0, scale²).
func (m *ProjectedSpin) Randomize(scale float64, rng *rand.Rand) {
	if r, ok := m.inner.(interface {
		Randomize(float64, *rand.Rand)
	}); ok {
		r.Randomize(scale, rng)
		return
	}
	p := make([]float64, m.NumParams())
	for k := range p {
		p[k] = scale * rng.NormFloat64()
	}
	m.SetParams(p)
}

// image writes image q of s into x.
func (m *ProjectedSpin) image(q int, s, x []int8) {
	sg := m.sign[q]
	for k, site := range m.perm[q] {
		x[site] = sg * s[k]
	}
}

// LogPsi evaluates ln Ψ_P(s) from scratch (through fresh inner states: it
// allocates, and is meant for checks, not for sampling).
func (m *ProjectedSpin) LogPsi(s []int8) float64 {
	if len(s) != m.n {
		panic(fmt.Sprintf("wavefunc: ProjectedSpin.LogPsi: %d spins, want %d", len(s), m.n))
	}
	return m.NewState(s).LogPsi()
}

// projectedState is one walker's configuration with an inner state at
// every image and the images' ln Ψ and weights in Ψ_P.
type projectedState struct {
	m   *ProjectedSpin
	s   []int8
	img []SpinState
	// logs[q] = ln Ψ(image q); w[q] = Ψ(image q)/Ψ_P, summing to 1;
	// logPsi = ln Ψ_P.
	logs, w []float64
	logPsi  float64
	// lr[q] is image q's ln ratio for the move (pi, pj) when pending: the
	// sampler asks LogRatio and then Flips the same move, which then
	// needs no second evaluation.
	lr      []float64
	pi, pj  int
	pending bool
	grad    []float64 // one image's O_k
	x       []int8    // an image's configuration, for SetSpins
}

// NewState returns a state at configuration s (N values ±1, copied).
func (m *ProjectedSpin) NewState(s []int8) SpinState {
	if len(s) != m.n {
		panic(fmt.Sprintf("wavefunc: ProjectedSpin.NewState: %d spins, want %d", len(s), m.n))
	}
	nq := len(m.perm)
	var ar cacheline.Arena[float64]
	st := cacheline.New[projectedState]()
	*st = projectedState{m: m, s: cacheline.Make[int8](m.n), img: make([]SpinState, nq),
		logs: ar.Make(nq), w: ar.Make(nq), lr: ar.Make(nq), grad: ar.Make(m.NumParams()),
		x: cacheline.Make[int8](m.n)}
	copy(st.s, s)
	for q := range nq {
		m.image(q, s, st.x)
		st.img[q] = m.inner.NewState(st.x)
	}
	st.collect()
	return st
}

// Spins is the current configuration (read-only view).
func (st *projectedState) Spins() []int8 { return st.s }

// SetSpins replaces the configuration and refreshes every image.
func (st *projectedState) SetSpins(s []int8) {
	copy(st.s, s)
	for q, im := range st.img {
		st.m.image(q, st.s, st.x)
		im.SetSpins(st.x)
	}
	st.collect()
}

// Refresh recomputes every image's caches (after SetParams).
func (st *projectedState) Refresh() {
	for _, im := range st.img {
		im.Refresh()
	}
	st.collect()
}

// collect reads every image's ln Ψ and recomputes the weights.
func (st *projectedState) collect() {
	for q, im := range st.img {
		st.logs[q] = im.LogPsi()
	}
	st.weigh()
}

// weigh sets ln Ψ_P and the weights from the images' ln Ψ, shifted by
// their maximum so that neither overflows.
func (st *projectedState) weigh() {
	mx := math.Inf(-1)
	for _, l := range st.logs {
		mx = math.Max(mx, l)
	}
	sum := 0.0
	for q, l := range st.logs {
		st.w[q] = math.Exp(l - mx)
		sum += st.w[q]
	}
	for q := range st.w {
		st.w[q] /= sum
	}
	st.logPsi = mx + math.Log(sum)
	st.pending = false
}

// LogPsi is ln Ψ_P at the current configuration.
func (st *projectedState) LogPsi() float64 { return st.logPsi }

// sites maps a move to image q's sites.
func (st *projectedState) sites(q, i, j int) (int, int) {
	p := st.m.perm[q]
	if j >= 0 {
		return p[i], p[j]
	}
	return p[i], -1
}

// LogRatio is ln Σ_q w_q r_q, with r_q image q's ratio, summed as
// exponentials shifted by their maximum.
func (st *projectedState) LogRatio(i, j int) float64 {
	// ln(w_q r_q) = ln Ψ(image q) − ln Ψ_P + ln r_q, so no weight's
	// underflow matters.
	mx := math.Inf(-1)
	for q, im := range st.img {
		a, b := st.sites(q, i, j)
		st.lr[q] = im.LogRatio(a, b)
		mx = math.Max(mx, st.lr[q]+st.logs[q])
	}
	st.pi, st.pj, st.pending = i, j, true
	if math.IsInf(mx, 0) || math.IsNaN(mx) {
		return mx
	}
	sum := 0.0
	for q, l := range st.lr {
		sum += math.Exp(l + st.logs[q] - mx)
	}
	return mx + math.Log(sum) - st.logPsi
}

// Ratio is Σ_q w_q r_q, or exp(LogRatio) when the plain sum leaves the
// float64 range.
func (st *projectedState) Ratio(i, j int) float64 {
	r := 0.0
	for q, im := range st.img {
		a, b := st.sites(q, i, j)
		r += st.w[q] * im.Ratio(a, b)
	}
	if r > 0 && !math.IsInf(r, 0) {
		return r
	}
	return math.Exp(st.LogRatio(i, j))
}

// Flip flips the spins in every image, adding each image's ln ratio to its
// ln Ψ (from LogRatio of the same move when that was the last question).
func (st *projectedState) Flip(i, j int) {
	reuse := st.pending && st.pi == i && st.pj == j
	for q, im := range st.img {
		a, b := st.sites(q, i, j)
		if reuse {
			st.logs[q] += st.lr[q]
		} else {
			st.logs[q] += im.LogRatio(a, b)
		}
		im.Flip(a, b)
	}
	st.s[i] = -st.s[i]
	if j >= 0 {
		st.s[j] = -st.s[j]
	}
	st.weigh()
}

// ParamGrad writes O_k = Σ_q w_q O_k(image q).
func (st *projectedState) ParamGrad(dst []float64) {
	if len(dst) != len(st.grad) {
		panic(fmt.Sprintf("wavefunc: ProjectedSpin state ParamGrad: len(dst) = %d, want %d", len(dst), len(st.grad)))
	}
	clear(dst)
	g := st.grad
	for q, im := range st.img {
		im.ParamGrad(g)
		w := st.w[q]
		g = g[:len(dst)]
		for k, v := range g {
			dst[k] += w * v
		}
	}
}
