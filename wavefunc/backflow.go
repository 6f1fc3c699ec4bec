package wavefunc

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// Backflow is the closed-shell Slater determinant of a quantum dot with
// backflow (quasi-particle) coordinates and one variational orbital width
// per shell: nodes that move with the electrons. Electron i enters the
// determinants at
//
//	q_i = x_i + Σ_{j≠i} η_{ij}(r_ij) (x_i − x_j),  η(r) = a / (1 + b r²),
//
// with (a, b) one pair for parallel and one for antiparallel spins
// (Kwon, Ceperley and Martin, PRB 48, 12037 (1993); López Ríos et al., PRE
// 74, 066701 (2006)). η is a function of r², so q is smooth at r_ij = 0 and
// so is the Laplacian; it decays as 1/r², and a = 0 is the plain Slater
// determinant. Each spin fills the same N/2 lowest Hermite functions
//
//	φ_n(q) = Π_k H_{n_k}(√α_s q_k) · exp(−α_s q²/2),
//
// α_s the width of the orbital's shell s = Σ n_k (all α_s = ω, a = 0 is the
// non-interacting ground state), and
//
//	ln|Ψ| = ln|det D↑| + ln|det D↓|,  D_ij = φ_j(q_i).
//
// Ψ stays antisymmetric: exchanging two same-spin electrons exchanges their
// quasi-particle coordinates, two rows of one determinant.
//
// A move changes every q_i, so a State rebuilds both determinants and their
// inverses per proposal, O(N²d + N³); for N ≤ 20 that is a few microseconds.
// The derivatives follow the chain rule through q: with F_ib = ∂ln|det|/∂q_ib
// and J = ∂q/∂x, ∇ln|Ψ| = Jᵀ F and
//
//	∇²ln|Ψ| = Σ F·∇²q + Σ_{ka} Σ_{ib,jc} H_{ib,jc} J_{ib,ka} J_{jc,ka},
//	H_{ib,jc} = δ_ij Σ_l D⁻¹_li ∂_b∂_c φ_l(q_i) − A_{ib,j} A_{jc,i},
//	A_{ib,j} = Σ_l ∂_b φ_l(q_i) D⁻¹_lj,
//
// the second derivatives of ln|det| in q (only same-spin pairs couple), an
// O(N³d³) sum done once per sample.
//
// Parameters, in order: α_0 … α_{S−1} (S shells per spin), then a∥, b∥,
// a↑↓, b↑↓. Keep every α_s > 0 and b > 0 (η is singular at r² = −1/b).
type Backflow struct {
	n, d   int
	m      int // orbitals per spin, N/2
	qn     [][3]int
	shell  []int // shell of each orbital
	shells int
	nmax   int
	params []float64
}

var _ Model = (*Backflow)(nil)

// Backflow parameter offsets after the S widths.
const (
	bfAPar = iota
	bfBPar
	bfAAnti
	bfBAnti
	bfParams
)

// NewBackflow returns the backflow determinant of n electrons in d = 1, 2
// or 3 dimensions, every shell at orbital width alpha, backflow switched
// off (a = 0, the plain Slater determinant) with range parameter b for
// both spin pairs. An n that does not close a shell is an error listing
// the closed-shell numbers.
func NewBackflow(n, d int, alpha, b float64) (*Backflow, error) {
	sl, err := NewSlater(n, d, alpha)
	if err != nil {
		return nil, err
	}
	if !(b > 0) || math.IsInf(b, 0) {
		return nil, fmt.Errorf("wavefunc: backflow range b = %g, need a finite value > 0", b)
	}
	bf := &Backflow{n: n, d: d, m: n / 2, qn: sl.qn[:n/2], nmax: sl.nmax, shells: sl.nmax + 1}
	for _, q := range bf.qn {
		bf.shell = append(bf.shell, q[0]+q[1]+q[2])
	}
	bf.params = make([]float64, bf.shells+bfParams)
	for s := range bf.shells {
		bf.params[s] = alpha
	}
	bf.params[bf.shells+bfBPar] = b
	bf.params[bf.shells+bfBAnti] = b
	return bf, nil
}

// Particles is N.
func (b *Backflow) Particles() int { return b.n }

// Dims is d.
func (b *Backflow) Dims() int { return b.d }

// Shells is S, the number of orbital widths.
func (b *Backflow) Shells() int { return b.shells }

// NumParams is S + 4.
func (b *Backflow) NumParams() int { return len(b.params) }

// Params copies [α_0 … α_{S−1}, a∥, b∥, a↑↓, b↑↓] into dst (allocated when nil).
func (b *Backflow) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(b.params))
	}
	copy(dst, b.params)
	return dst[:len(b.params)]
}

// SetParams replaces the parameters; it panics on a length mismatch.
func (b *Backflow) SetParams(p []float64) {
	if len(p) != len(b.params) {
		panic(fmt.Sprintf("wavefunc: Backflow.SetParams with %d values, want %d", len(p), len(b.params)))
	}
	copy(b.params, p)
}

// eta returns η(r²), ∂η/∂r / r, and g = η” + (d+1)η'/r for the pair
// (i, j): the last is Σ_k ∇²_k of η(r) w_b divided by 2 w_b.
func (b *Backflow) eta(i, j int, t float64) (eta, dr, g float64) {
	o := b.shells
	if i/b.m != j/b.m {
		o += bfAAnti
	}
	a, bb := b.params[o], b.params[o+1]
	p := 1 / (1 + bb*t)
	eta = a * p
	dr = -2 * a * bb * p * p
	g = float64(b.d+2)*dr + 8*a*bb*bb*t*p*p*p
	return
}

// NewState returns the state at configuration x (N·d values, copied).
func (b *Backflow) NewState(x []float64) State {
	n, d, m := b.n, b.d, b.m
	if len(x) != n*d {
		panic(fmt.Sprintf("wavefunc: Backflow.NewState with %d coordinates, want %d", len(x), n*d))
	}
	nd := n * d
	// The state lives in cache lines of its own: walkers run on separate
	// cores, and a line shared with another walker's state would be
	// written by both (internal/cacheline).
	var ar cacheline.Arena[float64]
	st := cacheline.New[backflowState]()
	*st = backflowState{
		b:    b,
		herm: ar.Make(b.shells * 3 * (b.nmax + 1)),
		tt:   ar.Make(b.shells * 3),
		ex:   ar.Make(b.shells),
		val:  ar.Make(m),
		grad: ar.Make(m * d),
		hess: ar.Make(m * d * d),
		work: ar.Make(m * m),
		jt:   ar.Make(nd * nd),
		amat: ar.Make(nd * m),
		hblk: ar.Make(m * d * m * d),
		dg:   ar.Make(nd),
	}
	st.cur, st.prop = newBFConf(&ar, n, d, m), newBFConf(&ar, n, d, m)
	copy(st.cur.x, x)
	st.Refresh()
	return st
}

// bfConf is a configuration with its quasi-particle coordinates, the
// inverse of each determinant (T_σ[k*m+j] = (D_σ⁻¹)_jk, as in Slater) and,
// once asked for, F = ∂ln|det|/∂q.
type bfConf struct {
	x, q   []float64
	inv    [2][]float64
	logDet float64
	f      []float64
	fOK    bool
}

func newBFConf(ar *cacheline.Arena[float64], n, d, m int) *bfConf {
	c := cacheline.New[bfConf]()
	c.x, c.q, c.f = ar.Make(n*d), ar.Make(n*d), ar.Make(n*d)
	for sp := range c.inv {
		c.inv[sp] = ar.Make(m * m)
	}
	return c
}

// backflowState holds the current configuration and the pending proposal
// as two bfConfs; Accept swaps them.
type backflowState struct {
	b         *Backflow
	cur, prop *bfConf
	pi        int

	// scratch
	herm, tt, ex    []float64 // Hermite values, scaled coordinates, Gaussians per shell
	val, grad, hess []float64 // φ_l, ∇φ_l, ∂_b∂_c φ_l of one electron
	work            []float64
	jt              []float64 // jt[(k*d+a)*N*d + i*d+b] = ∂q_ib/∂x_ka
	amat            []float64 // A_{ib,j} of one spin block
	hblk            []float64 // H of one spin block
	dg              []float64
	pd              *paramDiff // KineticParamDerivs' private copy, made on first use
}

func (st *backflowState) Positions() []float64 { return st.cur.x }

func (st *backflowState) LogPsi() float64 { return st.cur.logDet }

// orbitals fills val with φ_l(q); with lvl ≥ 1 also grad (∂_b φ_l, d per
// orbital) and with lvl ≥ 2 hess (∂_b∂_c φ_l, d² per orbital). In one
// dimension, f_n(t) = H_n(t) e^{−t²/2} has f_n' = (2n H_{n−1} − t H_n) e^{−t²/2}
// and, by Hermite's equation, f_n” = (t² − 1 − 2n) H_n e^{−t²/2}.
func (st *backflowState) orbitals(q []float64, lvl int) {
	b := st.b
	d, w := b.d, b.nmax+1
	q2 := 0.0
	for c := range d {
		q2 += q[c] * q[c]
	}
	for s := range b.shells {
		sa := math.Sqrt(b.params[s])
		for c := range d {
			t := sa * q[c]
			st.tt[s*3+c] = t
			hermite(st.herm[(s*3+c)*w:(s*3+c+1)*w], t)
		}
		st.ex[s] = math.Exp(-0.5 * b.params[s] * q2)
	}
	for l, qn := range b.qn {
		s := b.shell[l]
		al := b.params[s]
		e := st.ex[s]
		var h0, h1, h2 [3]float64
		for c := range d {
			nc := qn[c]
			h := st.herm[(s*3+c)*w:]
			t := st.tt[s*3+c]
			h0[c] = h[nc]
			if lvl >= 1 {
				dh := 0.0
				if nc > 0 {
					dh = 2 * float64(nc) * h[nc-1]
				}
				h1[c] = dh - t*h[nc]
			}
			if lvl >= 2 {
				h2[c] = (t*t - 1 - 2*float64(nc)) * h[nc]
			}
		}
		p := e
		for c := range d {
			p *= h0[c]
		}
		st.val[l] = p
		if lvl < 1 {
			continue
		}
		sa := math.Sqrt(al)
		for bb := range d {
			g := sa * e * h1[bb]
			for c := range d {
				if c != bb {
					g *= h0[c]
				}
			}
			st.grad[l*d+bb] = g
		}
		if lvl < 2 {
			continue
		}
		for bb := range d {
			for cc := range d {
				v := al * e
				if bb == cc {
					v *= h2[bb]
				} else {
					v *= h1[bb] * h1[cc]
				}
				for c := range d {
					if c != bb && c != cc {
						v *= h0[c]
					}
				}
				st.hess[(l*d+bb)*d+cc] = v
			}
		}
	}
}

// build computes c.q from c.x, then both determinants and their inverses.
func (st *backflowState) build(c *bfConf) {
	b := st.b
	n, d, m := b.n, b.d, b.m
	for i := range n {
		xi := c.x[i*d : i*d+d]
		qi := c.q[i*d : i*d+d]
		copy(qi, xi)
		for j := range n {
			if j == i {
				continue
			}
			xj := c.x[j*d : j*d+d]
			var w [3]float64
			t := 0.0
			for a := range d {
				w[a] = xi[a] - xj[a]
				t += w[a] * w[a]
			}
			eta, _, _ := b.eta(i, j, t)
			for a := range d {
				qi[a] += eta * w[a]
			}
		}
	}
	c.logDet = 0
	for sp := range 2 {
		a := st.work[:m*m]
		for k := range m {
			i := sp*m + k
			st.orbitals(c.q[i*d:i*d+d], 0)
			for j, p := range st.val {
				a[j*m+k] = p
			}
		}
		c.logDet += invert(a, c.inv[sp], m)
	}
	c.fOK = false
}

// fill computes F_ib = Σ_l D⁻¹_li ∂_b φ_l(q_i) once per configuration.
func (st *backflowState) fill(c *bfConf) {
	if c.fOK {
		return
	}
	n, d, m := st.b.n, st.b.d, st.b.m
	for i := range n {
		st.orbitals(c.q[i*d:i*d+d], 1)
		t := c.inv[i/m][(i%m)*m : (i%m)*m+m]
		f := c.f[i*d : i*d+d]
		for a := range f {
			f[a] = 0
		}
		for l, tl := range t {
			for a := range d {
				f[a] += st.grad[l*d+a] * tl
			}
		}
	}
	c.fOK = true
}

func (st *backflowState) Propose(i int, pos []float64) float64 {
	d := st.b.d
	st.pi = i
	copy(st.prop.x, st.cur.x)
	copy(st.prop.x[i*d:i*d+d], pos)
	st.build(st.prop)
	if math.IsInf(st.prop.logDet, -1) || math.IsNaN(st.prop.logDet) {
		return math.Inf(-1)
	}
	return st.prop.logDet - st.cur.logDet
}

func (st *backflowState) Accept() { st.cur, st.prop = st.prop, st.cur }

func (st *backflowState) Reject() {}

// gradAt writes ∇_i ln|Ψ| = Σ_jb F_jb ∂q_jb/∂x_i, which with w = x_i − x_j is
// F_i + Σ_{j≠i} [η_ij (F_i − F_j) + (η'/r)_ij w (w·(F_i − F_j))].
func (st *backflowState) gradAt(c *bfConf, i int, dst []float64) {
	b := st.b
	n, d := b.n, b.d
	st.fill(c)
	fi := c.f[i*d : i*d+d]
	copy(dst, fi)
	xi := c.x[i*d : i*d+d]
	for j := range n {
		if j == i {
			continue
		}
		fj := c.f[j*d : j*d+d]
		xj := c.x[j*d : j*d+d]
		var w, df [3]float64
		t, wf := 0.0, 0.0
		for a := range d {
			w[a] = xi[a] - xj[a]
			df[a] = fi[a] - fj[a]
			t += w[a] * w[a]
			wf += w[a] * df[a]
		}
		eta, dr, _ := b.eta(i, j, t)
		for a := range d {
			dst[a] += eta*df[a] + dr*w[a]*wf
		}
	}
}

func (st *backflowState) GradI(i int, dst []float64) { st.gradAt(st.cur, i, dst) }

func (st *backflowState) ProposedGradI(dst []float64) { st.gradAt(st.prop, st.pi, dst) }

func (st *backflowState) Refresh() { st.build(st.cur) }

// Sign is the sign of Ψ at configuration x (N·d values): +1 or −1, or 0 on
// a node. A State carries only ln|Ψ|, which is all sampling needs; Sign is
// for checking antisymmetry.
func (b *Backflow) Sign(x []float64) float64 {
	st := b.NewState(x).(*backflowState)
	d, m := b.d, b.m
	sign := 1.0
	for sp := range 2 {
		a := make([]float64, m*m)
		for k := range m {
			i := sp*m + k
			st.orbitals(st.cur.q[i*d:i*d+d], 0)
			copy(a[k*m:k*m+m], st.val)
		}
		sign *= detSign(a, m)
	}
	return sign
}

// detSign is the sign of det a (m×m, destroyed) by Gaussian elimination
// with partial pivoting.
func detSign(a []float64, m int) float64 {
	sign := 1.0
	for c := range m {
		p := c
		for r := c + 1; r < m; r++ {
			if math.Abs(a[r*m+c]) > math.Abs(a[p*m+c]) {
				p = r
			}
		}
		if a[p*m+c] == 0 {
			return 0
		}
		if p != c {
			sign = -sign
			for j := range m {
				a[c*m+j], a[p*m+j] = a[p*m+j], a[c*m+j]
			}
		}
		if a[c*m+c] < 0 {
			sign = -sign
		}
		for r := c + 1; r < m; r++ {
			f := a[r*m+c] / a[c*m+c]
			for j := c; j < m; j++ {
				a[r*m+j] -= f * a[c*m+j]
			}
		}
	}
	return sign
}
