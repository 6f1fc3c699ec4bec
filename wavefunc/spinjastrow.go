package wavefunc

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SpinJastrow is a two-body spin Jastrow factor
//
//	Ψ_J(s) = exp(Σ_{i<j} v_{c(i,j)} s_i s_j),
//
// with one parameter per class c of pairs that a group of site
// permutations maps onto each other (on the periodic square lattice under
// its space group: one v per distance vector up to rotations and
// reflections, 20 on 10×10). Ψ_J is invariant under the group.
//
// Why it helps an RBM: expanded to second order, a real RBM's
// ln Π cosh θ_j adds Σ_ij K_ij s_i s_j with K a sum of outer products,
// positive semidefinite, so it can raise the weight of order at some
// wave vector but cannot suppress long-wavelength fluctuations, which the
// antiferromagnet's spin-wave Jastrow (v(q) of either sign) does. The
// factor costs O(1) per ratio and O(N) per accepted move from cached
// fields h_i = Σ_j v_ij s_j.
type SpinJastrow struct {
	n     int
	class []int32   // class of pair (i, j), n×n, −1 on the diagonal
	count []int     // pairs per class
	v     []float64 // the parameters
	vij   []float64 // v_{c(i,j)}, n×n, 0 on the diagonal
}

var _ SpinModel = (*SpinJastrow)(nil)

// NewSpinJastrow returns the Jastrow factor of n spins whose pair classes
// are the orbits of unordered pairs under the group perms (perm[g][k] =
// image of site k; the identity alone gives one parameter per pair), all
// parameters zero. Classes are numbered in the order of their first pair
// (0,1), (0,2), …, so the parameter layout is deterministic.
func NewSpinJastrow(n int, perms [][]int) (*SpinJastrow, error) {
	if n < 2 {
		return nil, fmt.Errorf("wavefunc: spin Jastrow needs at least 2 sites, got %d", n)
	}
	if err := checkPermutations(n, perms); err != nil {
		return nil, fmt.Errorf("wavefunc: spin Jastrow: %w", err)
	}
	// Union–find over pair indices i·n + j (i < j): each group element
	// joins a pair with its image.
	parent := make([]int32, n*n)
	for k := range parent {
		parent[k] = int32(k)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			a := find(int32(i*n + j))
			for _, p := range perms {
				gi, gj := p[i], p[j]
				if gi > gj {
					gi, gj = gj, gi
				}
				if b := find(int32(gi*n + gj)); b != a {
					parent[b] = a
				}
			}
		}
	}
	m := &SpinJastrow{n: n, class: make([]int32, n*n), vij: make([]float64, n*n)}
	label := make(map[int32]int32)
	for i := range n {
		m.class[i*n+i] = -1
		for j := i + 1; j < n; j++ {
			r := find(int32(i*n + j))
			c, ok := label[r]
			if !ok {
				c = int32(len(label))
				label[r] = c
				m.count = append(m.count, 0)
			}
			m.class[i*n+j], m.class[j*n+i] = c, c
			m.count[c]++
		}
	}
	m.v = make([]float64, len(label))
	return m, nil
}

// Sites is N.
func (m *SpinJastrow) Sites() int { return m.n }

// NumParams is the number of pair classes.
func (m *SpinJastrow) NumParams() int { return len(m.v) }

// ClassSizes is the number of pairs in each class (read-only).
func (m *SpinJastrow) ClassSizes() []int { return m.count }

// Params copies v into dst.
func (m *SpinJastrow) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(m.v))
	}
	copy(dst, m.v)
	return dst
}

// SetParams replaces v.
func (m *SpinJastrow) SetParams(p []float64) {
	if len(p) != len(m.v) {
		panic(fmt.Sprintf("wavefunc: SpinJastrow.SetParams: %d values, want %d", len(p), len(m.v)))
	}
	copy(m.v, p)
	for k, c := range m.class {
		if c >= 0 {
			m.vij[k] = m.v[c]
		}
	}
}

// Randomize draws every v from N(0, scale²).
func (m *SpinJastrow) Randomize(scale float64, rng *rand.Rand) {
	p := make([]float64, len(m.v))
	for k := range p {
		p[k] = scale * rng.NormFloat64()
	}
	m.SetParams(p)
}

// LogPsi evaluates ln Ψ_J(s) from scratch, in O(N²).
func (m *SpinJastrow) LogPsi(s []int8) float64 {
	if len(s) != m.n {
		panic(fmt.Sprintf("wavefunc: SpinJastrow.LogPsi: %d spins, want %d", len(s), m.n))
	}
	l := 0.0
	for i := range m.n {
		for j := i + 1; j < m.n; j++ {
			l += m.vij[i*m.n+j] * float64(s[i]) * float64(s[j])
		}
	}
	return l
}

// spinJastrowState caches the fields h_i = Σ_j v_ij s_j: ln Ψ_J = ½ Σ s_i h_i.
type spinJastrowState struct {
	m *SpinJastrow
	s []int8
	h []float64
}

// NewState returns a walker state at s (copied).
func (m *SpinJastrow) NewState(s []int8) SpinState {
	if len(s) != m.n {
		panic(fmt.Sprintf("wavefunc: SpinJastrow.NewState: %d spins, want %d", len(s), m.n))
	}
	st := &spinJastrowState{m: m, s: append([]int8(nil), s...), h: make([]float64, m.n)}
	st.Refresh()
	return st
}

func (st *spinJastrowState) Spins() []int8 { return st.s }

func (st *spinJastrowState) SetSpins(s []int8) {
	copy(st.s, s)
	st.Refresh()
}

func (st *spinJastrowState) Refresh() {
	n := st.m.n
	for i := range n {
		row := st.m.vij[i*n : (i+1)*n]
		t := 0.0
		for j, sj := range st.s {
			t += row[j] * float64(sj)
		}
		st.h[i] = t
	}
}

func (st *spinJastrowState) LogPsi() float64 {
	l := 0.0
	for i, si := range st.s {
		l += float64(si) * st.h[i]
	}
	return l / 2
}

// LogRatio: flipping s_i negates its n−1 pair terms, −2 s_i h_i; flipping
// i and j as well leaves their common term unchanged, so it is added back.
func (st *spinJastrowState) LogRatio(i, j int) float64 {
	d := -2 * float64(st.s[i]) * st.h[i]
	if j >= 0 {
		d += -2*float64(st.s[j])*st.h[j] + 4*st.m.vij[i*st.m.n+j]*float64(st.s[i])*float64(st.s[j])
	}
	return d
}

func (st *spinJastrowState) Ratio(i, j int) float64 { return math.Exp(st.LogRatio(i, j)) }

func (st *spinJastrowState) Flip(i, j int) {
	st.flip(i)
	if j >= 0 {
		st.flip(j)
	}
}

// flip updates every field for s_f → −s_f: h_k changes by −2 v_kf s_f.
func (st *spinJastrowState) flip(f int) {
	n := st.m.n
	d := -2 * float64(st.s[f])
	for k := range n {
		st.h[k] += d * st.m.vij[k*n+f]
	}
	st.s[f] = -st.s[f]
}

// ParamGrad: O_c = Σ_{i<j, c(i,j) = c} s_i s_j, in O(N²).
func (st *spinJastrowState) ParamGrad(dst []float64) {
	m := st.m
	if len(dst) != len(m.v) {
		panic(fmt.Sprintf("wavefunc: SpinJastrow ParamGrad: len(dst) = %d, want %d", len(dst), len(m.v)))
	}
	clear(dst)
	for i := range m.n {
		si := float64(st.s[i])
		cls := m.class[i*m.n : (i+1)*m.n]
		for j := i + 1; j < m.n; j++ {
			dst[cls[j]] += si * float64(st.s[j])
		}
	}
}

// SpinProduct is the product of spin trial states on the same sites,
// Ψ = Π_k Ψ_k (an RBM times a SpinJastrow, say). Its parameters are the
// factors' in order.
type SpinProduct struct {
	f   []SpinModel
	off []int // factor k's parameters are [off[k], off[k+1])
}

var _ SpinModel = (*SpinProduct)(nil)

// NewSpinProduct multiplies the factors, which must have the same sites.
func NewSpinProduct(factors ...SpinModel) (*SpinProduct, error) {
	if len(factors) == 0 {
		return nil, fmt.Errorf("wavefunc: spin product of no factors")
	}
	p := &SpinProduct{f: factors, off: []int{0}}
	for k, f := range factors {
		if f.Sites() != factors[0].Sites() {
			return nil, fmt.Errorf("wavefunc: spin product: factor %d has %d sites, factor 0 has %d", k, f.Sites(), factors[0].Sites())
		}
		p.off = append(p.off, p.off[k]+f.NumParams())
	}
	return p, nil
}

// Factors are the factors (read-only).
func (p *SpinProduct) Factors() []SpinModel { return p.f }

func (p *SpinProduct) Sites() int     { return p.f[0].Sites() }
func (p *SpinProduct) NumParams() int { return p.off[len(p.f)] }

func (p *SpinProduct) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, p.NumParams())
	}
	for k, f := range p.f {
		f.Params(dst[p.off[k]:p.off[k+1]])
	}
	return dst
}

func (p *SpinProduct) SetParams(x []float64) {
	if len(x) != p.NumParams() {
		panic(fmt.Sprintf("wavefunc: SpinProduct.SetParams: %d values, want %d", len(x), p.NumParams()))
	}
	for k, f := range p.f {
		f.SetParams(x[p.off[k]:p.off[k+1]])
	}
}

// Randomize randomizes the factors in order, each that can, from the same
// stream: the first factor's start is the one it has alone.
func (p *SpinProduct) Randomize(scale float64, rng *rand.Rand) {
	for _, f := range p.f {
		if r, ok := f.(interface {
			Randomize(float64, *rand.Rand)
		}); ok {
			r.Randomize(scale, rng)
		}
	}
}

type spinProductState struct {
	p  *SpinProduct
	st []SpinState
}

func (p *SpinProduct) NewState(s []int8) SpinState {
	st := &spinProductState{p: p}
	for _, f := range p.f {
		st.st = append(st.st, f.NewState(s))
	}
	return st
}

func (st *spinProductState) Spins() []int8 { return st.st[0].Spins() }

func (st *spinProductState) SetSpins(s []int8) {
	for _, f := range st.st {
		f.SetSpins(s)
	}
}

func (st *spinProductState) LogPsi() float64 {
	l := 0.0
	for _, f := range st.st {
		l += f.LogPsi()
	}
	return l
}

// Sign is the product of the factors' signs (a factor without a Sign
// method is positive).
func (st *spinProductState) Sign() float64 {
	sg := 1.0
	for _, f := range st.st {
		if s, ok := f.(SignedSpinState); ok {
			sg *= s.Sign()
		}
	}
	return sg
}

func (st *spinProductState) LogRatio(i, j int) float64 {
	l := 0.0
	for _, f := range st.st {
		l += f.LogRatio(i, j)
	}
	return l
}

func (st *spinProductState) Ratio(i, j int) float64 {
	r := 1.0
	for _, f := range st.st {
		r *= f.Ratio(i, j)
	}
	return r
}

func (st *spinProductState) Flip(i, j int) {
	for _, f := range st.st {
		f.Flip(i, j)
	}
}

func (st *spinProductState) ParamGrad(dst []float64) {
	p := st.p
	if len(dst) != p.NumParams() {
		panic(fmt.Sprintf("wavefunc: SpinProduct ParamGrad: len(dst) = %d, want %d", len(dst), p.NumParams()))
	}
	for k, f := range st.st {
		f.ParamGrad(dst[p.off[k]:p.off[k+1]])
	}
}

func (st *spinProductState) Refresh() {
	for _, f := range st.st {
		f.Refresh()
	}
}

// LogPsi evaluates ln Ψ(s) from scratch as the sum of the factors'; it
// panics if a factor has no such evaluation.
func (p *SpinProduct) LogPsi(s []int8) float64 {
	l := 0.0
	for k, f := range p.f {
		e, ok := f.(interface{ LogPsi([]int8) float64 })
		if !ok {
			panic(fmt.Sprintf("wavefunc: SpinProduct.LogPsi: factor %d (%T) has no LogPsi(s)", k, f))
		}
		l += e.LogPsi(s)
	}
	return l
}
