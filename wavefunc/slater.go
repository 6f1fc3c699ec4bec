package wavefunc

import (
	"fmt"
	"math"
	"strings"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// Slater is the closed-shell Slater determinant of a quantum dot: N
// electrons in d dimensions, spin-up electrons 0…N/2−1 and spin-down
// N/2…N−1, each spin filling the same N/2 lowest harmonic-oscillator
// orbitals
//
//	φ_n(r) = Π_k H_{n_k}(√α x_k) · exp(−α r²/2),
//
// Hermite functions of scale α (the one variational parameter; α = ω is
// the exact non-interacting ground state). The Gaussian factor is the same
// for every orbital, so it leaves the determinants as exp(−α Σ r²/2):
//
//	ln|Ψ| = −α/2 Σ_i r_i² + ln|det D↑| + ln|det D↓|,  D_ij = P_j(r_i),
//
// with P_j the Hermite-polynomial parts. A State keeps the inverse of each
// D: the ratio after a one-electron move costs O(N·d), the
// Sherman–Morrison update on acceptance O(N²), and the inverse is rebuilt
// from scratch every RefreshEvery accepted moves to bound round-off.
type Slater struct {
	n, d  int
	m     int     // orbitals per spin, N/2
	alpha float64 // orbital scale
	qn    [][3]int
	nmax  int // highest Hermite degree in use

	// RefreshEvery is the number of accepted moves between full
	// recomputations of the inverses (NewSlater sets 1000; the
	// round-off of one Sherman–Morrison step is ~1e-16·cond(D)).
	RefreshEvery int
}

var _ Model = (*Slater)(nil)

// maxShell bounds the shells NewSlater fills (N ≤ 110 in 2D, 440 in 3D).
const maxShell = 9

// ClosedShells lists the closed-shell electron numbers 2·Σ_{s≤S} g_s of a
// d-dimensional oscillator, g_s the degeneracy of shell s, up to maxShell.
func ClosedShells(d int) []int {
	var out []int
	total := 0
	for s := 0; s <= maxShell; s++ {
		total += len(shellOrbitals(s, d))
		out = append(out, 2*total)
	}
	return out
}

// shellOrbitals lists the quantum numbers (n_x, n_y, n_z) with Σ n_k = s
// in d dimensions (unused components zero).
func shellOrbitals(s, d int) [][3]int {
	var out [][3]int
	switch d {
	case 1:
		out = append(out, [3]int{s, 0, 0})
	case 2:
		for nx := s; nx >= 0; nx-- {
			out = append(out, [3]int{nx, s - nx, 0})
		}
	case 3:
		for nx := s; nx >= 0; nx-- {
			for ny := s - nx; ny >= 0; ny-- {
				out = append(out, [3]int{nx, ny, s - nx - ny})
			}
		}
	}
	return out
}

// NewSlater returns the closed-shell Slater determinant of n electrons in
// d = 1, 2 or 3 dimensions with orbital scale alpha. An n that does not
// close a shell is an error that lists the closed-shell numbers.
func NewSlater(n, d int, alpha float64) (*Slater, error) {
	if d < 1 || d > 3 {
		return nil, fmt.Errorf("wavefunc: Slater determinant in %d dimensions, need 1, 2 or 3", d)
	}
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("wavefunc: Slater orbital scale alpha = %g, need a finite value > 0", alpha)
	}
	var qn [][3]int
	shell := -1
	for s := 0; s <= maxShell && 2*len(qn) < n; s++ {
		qn = append(qn, shellOrbitals(s, d)...)
		shell = s
	}
	if n < 2 || 2*len(qn) != n {
		magic := ClosedShells(d)
		strs := make([]string, len(magic))
		for k, v := range magic {
			strs[k] = fmt.Sprint(v)
		}
		return nil, fmt.Errorf("wavefunc: %d electrons do not fill closed shells in %dD; closed-shell numbers are %s",
			n, d, strings.Join(strs, ", "))
	}
	return &Slater{n: n, d: d, m: n / 2, alpha: alpha, qn: qn, nmax: shell, RefreshEvery: 1000}, nil
}

// Particles is N.
func (s *Slater) Particles() int { return s.n }

// Dims is d.
func (s *Slater) Dims() int { return s.d }

// NumParams is 1: the orbital scale α.
func (s *Slater) NumParams() int { return 1 }

// Alpha is the orbital scale.
func (s *Slater) Alpha() float64 { return s.alpha }

// Params copies [α] into dst (allocated when nil).
func (s *Slater) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 1)
	}
	dst[0] = s.alpha
	return dst[:1]
}

// SetParams sets α = p[0]; it panics unless len(p) = 1.
func (s *Slater) SetParams(p []float64) {
	if len(p) != 1 {
		panic(fmt.Sprintf("wavefunc: Slater.SetParams with %d values, want 1", len(p)))
	}
	s.alpha = p[0]
}

// hermite fills h[0…nmax] with the physicists' Hermite polynomials at t:
// H_0 = 1, H_1 = 2t, H_{n+1} = 2t H_n − 2n H_{n−1}.
func hermite(h []float64, t float64) {
	h[0] = 1
	if len(h) > 1 {
		h[1] = 2 * t
	}
	for n := 1; n+1 < len(h); n++ {
		h[n+1] = 2*t*h[n] - 2*float64(n)*h[n-1]
	}
}

// NewState returns the state at configuration x (N·d values).
func (s *Slater) NewState(x []float64) State {
	n, d, m := s.n, s.d, s.m
	if len(x) != n*d {
		panic(fmt.Sprintf("wavefunc: Slater.NewState with %d coordinates, want %d", len(x), n*d))
	}
	var ar cacheline.Arena[float64]
	st := cacheline.New[slaterState]()
	*st = slaterState{
		s:    s,
		x:    ar.Clone(x),
		pos:  ar.Make(d),
		herm: ar.Make(3 * (s.nmax + 1)),
		pv:   ar.Make(m),
		pp:   ar.Make(m),
		gv:   ar.Make(m * d),
		lv:   ar.Make(m),
		vk:   ar.Make(m),
		work: ar.Make(m * m),
	}
	for sp := range st.inv {
		st.inv[sp] = ar.Make(m * m)
	}
	st.Refresh()
	return st
}

// slaterState holds, per spin σ, T_σ[k*m+j] = (D_σ⁻¹)_jk: row k of T is
// column k of the inverse, so both the ratio and the update read
// contiguous memory.
type slaterState struct {
	s       *Slater
	x       []float64
	inv     [2][]float64
	logDet  float64 // ln|det D↑| + ln|det D↓|
	r2      float64 // Σ r_i²
	accepts int

	// pending proposal
	i     int
	pos   []float64
	pp    []float64 // P_j at pos
	ratio float64   // det ratio R of the moved electron's determinant
	dr2   float64

	// scratch
	herm       []float64 // Hermite values per coordinate, 3 blocks of nmax+1
	pv, gv, lv []float64 // P_j, ∇P_j, ∇²P_j of one electron
	vk         []float64
	work       []float64
}

func (st *slaterState) Positions() []float64 { return st.x }

func (st *slaterState) LogPsi() float64 { return st.logDet - 0.5*st.s.alpha*st.r2 }

// orbitals fills pv with P_j(r); with grad also gv (∇P_j, d per orbital)
// and lv (∇²P_j).
func (st *slaterState) orbitals(r []float64, grad bool) {
	s := st.s
	d, w := s.d, s.nmax+1
	sa := math.Sqrt(s.alpha)
	for k := range d {
		hermite(st.herm[k*w:k*w+w], sa*r[k])
	}
	h := st.herm
	for j, q := range s.qn[:s.m] {
		// One-dimensional factors and their first and second
		// derivatives in x_k: d/dx H_n(√α x) = √α·2n H_{n−1},
		// d²/dx² = α·4n(n−1) H_{n−2}.
		var f, f1, f2 [3]float64
		for k := range d {
			nk := q[k]
			f[k] = h[k*w+nk]
			if !grad {
				continue
			}
			if nk >= 1 {
				f1[k] = sa * 2 * float64(nk) * h[k*w+nk-1]
			}
			if nk >= 2 {
				f2[k] = s.alpha * 4 * float64(nk*(nk-1)) * h[k*w+nk-2]
			}
		}
		switch d {
		case 1:
			st.pv[j] = f[0]
			if grad {
				st.gv[j] = f1[0]
				st.lv[j] = f2[0]
			}
		case 2:
			st.pv[j] = f[0] * f[1]
			if grad {
				st.gv[2*j] = f1[0] * f[1]
				st.gv[2*j+1] = f[0] * f1[1]
				st.lv[j] = f2[0]*f[1] + f[0]*f2[1]
			}
		case 3:
			st.pv[j] = f[0] * f[1] * f[2]
			if grad {
				st.gv[3*j] = f1[0] * f[1] * f[2]
				st.gv[3*j+1] = f[0] * f1[1] * f[2]
				st.gv[3*j+2] = f[0] * f[1] * f1[2]
				st.lv[j] = f2[0]*f[1]*f[2] + f[0]*f2[1]*f[2] + f[0]*f[1]*f2[2]
			}
		}
	}
}

// row is electron i's spin σ and row in D_σ.
func (st *slaterState) row(i int) (sp, k int) { return i / st.s.m, i % st.s.m }

func sq(r []float64) float64 {
	t := 0.0
	for _, v := range r {
		t += v * v
	}
	return t
}

func (st *slaterState) Propose(i int, pos []float64) float64 {
	d, m := st.s.d, st.s.m
	st.i = i
	copy(st.pos, pos)
	st.orbitals(pos, false)
	copy(st.pp, st.pv)
	sp, k := st.row(i)
	t := st.inv[sp][k*m : k*m+m]
	r := 0.0
	for j, p := range st.pp {
		r += p * t[j]
	}
	st.ratio = r
	st.dr2 = sq(pos) - sq(st.x[i*d:i*d+d])
	if r == 0 {
		return math.Inf(-1)
	}
	return math.Log(math.Abs(r)) - 0.5*st.s.alpha*st.dr2
}

// Accept applies the Sherman–Morrison update with the orbital values pp
// that Propose stored.
func (st *slaterState) Accept() {
	d, m := st.s.d, st.s.m
	sp, k := st.row(st.i)
	inv := st.inv[sp]
	tk := inv[k*m : k*m+m]
	for l := range m {
		if l == k {
			continue
		}
		tl := inv[l*m : l*m+m]
		v := 0.0
		for j, p := range st.pp {
			v += p * tl[j]
		}
		st.vk[l] = v / st.ratio
	}
	for l := range m {
		if l == k {
			continue
		}
		tl := inv[l*m : l*m+m]
		c := st.vk[l]
		for j := range tl {
			tl[j] -= c * tk[j]
		}
	}
	c := 1 / st.ratio
	for j := range tk {
		tk[j] *= c
	}
	copy(st.x[st.i*d:st.i*d+d], st.pos)
	st.logDet += math.Log(math.Abs(st.ratio))
	st.r2 += st.dr2
	st.accepts++
	// The update divides by R, so its round-off grows as 1/|R|: a move
	// off a near-node configuration is followed by a fresh inverse.
	if math.Abs(st.ratio) < 1e-3 || st.s.RefreshEvery > 0 && st.accepts >= st.s.RefreshEvery {
		st.Refresh()
	}
}

func (st *slaterState) Reject() {}

// detGrad writes ∇ ln|D| of the electron in row k of spin sp, at a
// position whose orbitals are in gv, with the inverse column scaled by c
// (1, or 1/R for a pending proposal), and returns ∇²D/D.
func (st *slaterState) detGrad(sp, k int, c float64, dst []float64) float64 {
	d, m := st.s.d, st.s.m
	t := st.inv[sp][k*m : k*m+m]
	for a := range dst {
		dst[a] = 0
	}
	l := 0.0
	for j, tj := range t {
		tj *= c
		for a := range d {
			dst[a] += st.gv[j*d+a] * tj
		}
		l += st.lv[j] * tj
	}
	return l
}

func (st *slaterState) GradI(i int, dst []float64) {
	d := st.s.d
	r := st.x[i*d : i*d+d]
	st.orbitals(r, true)
	sp, k := st.row(i)
	st.detGrad(sp, k, 1, dst)
	for a := range dst {
		dst[a] -= st.s.alpha * r[a]
	}
}

func (st *slaterState) ProposedGradI(dst []float64) {
	st.orbitals(st.pos, true)
	sp, k := st.row(st.i)
	st.detGrad(sp, k, 1/st.ratio, dst)
	for a := range dst {
		dst[a] -= st.s.alpha * st.pos[a]
	}
}

// Derivs uses ∇²ln|D| = ∇²D/D − |∇D/D|² per electron (D is linear in
// each row) and the Gaussian's −α per coordinate.
func (st *slaterState) Derivs(grad []float64) float64 {
	n, d := st.s.n, st.s.d
	lap := -st.s.alpha * float64(n*d)
	for i := range n {
		r := st.x[i*d : i*d+d]
		g := grad[i*d : i*d+d]
		st.orbitals(r, true)
		sp, k := st.row(i)
		lap += st.detGrad(sp, k, 1, g)
		for a := range g {
			lap -= g[a] * g[a]
			g[a] -= st.s.alpha * r[a]
		}
	}
	return lap
}

// ParamGrad uses ∂P_j(r)/∂α = r·∇P_j(r)/(2α), so
// ∂ln|Ψ|/∂α = −Σ r²/2 + Σ_i r_i·∇_i ln|D| / (2α).
func (st *slaterState) ParamGrad(dst []float64) {
	n, d := st.s.n, st.s.d
	var g [3]float64
	t := 0.0
	for i := range n {
		r := st.x[i*d : i*d+d]
		st.orbitals(r, true)
		sp, k := st.row(i)
		st.detGrad(sp, k, 1, g[:d])
		for a := range d {
			t += r[a] * g[a]
		}
	}
	dst[0] = -0.5*st.r2 + t/(2*st.s.alpha)
}

// Refresh rebuilds both inverses and ln|det| by Gauss–Jordan elimination
// with partial pivoting. A singular determinant (two same-spin electrons
// at one point) gives ln|Ψ| = −Inf.
func (st *slaterState) Refresh() {
	n, d, m := st.s.n, st.s.d, st.s.m
	st.accepts = 0
	st.r2 = 0
	for i := range n {
		st.r2 += sq(st.x[i*d : i*d+d])
	}
	st.logDet = 0
	for sp := range 2 {
		// A = Dᵀ, A[j][i] = P_j(r_i): its inverse is T directly.
		a := st.work[:m*m]
		for k := range m {
			i := sp*m + k
			st.orbitals(st.x[i*d:i*d+d], false)
			for j, p := range st.pv {
				a[j*m+k] = p
			}
		}
		st.logDet += invert(a, st.inv[sp], m)
	}
}

// invert writes the inverse of the m×m matrix a (destroyed) into inv and
// returns ln|det a| (−Inf, with inv filled with NaN, when a is singular).
func invert(a, inv []float64, m int) float64 {
	l, _ := invertSigned(a, inv, m)
	return l
}

// invertSigned is invert that also returns the sign of det a (0 when a is
// singular).
func invertSigned(a, inv []float64, m int) (logDet, sign float64) {
	for i := range inv {
		inv[i] = 0
	}
	for i := range m {
		inv[i*m+i] = 1
	}
	sign = 1
	for c := range m {
		p, best := c, math.Abs(a[c*m+c])
		for r := c + 1; r < m; r++ {
			if v := math.Abs(a[r*m+c]); v > best {
				p, best = r, v
			}
		}
		if best == 0 {
			for i := range inv {
				inv[i] = math.NaN()
			}
			return math.Inf(-1), 0
		}
		if p != c {
			sign = -sign
			for j := range m {
				a[c*m+j], a[p*m+j] = a[p*m+j], a[c*m+j]
				inv[c*m+j], inv[p*m+j] = inv[p*m+j], inv[c*m+j]
			}
		}
		piv := a[c*m+c]
		if piv < 0 {
			sign = -sign
		}
		logDet += math.Log(math.Abs(piv))
		ip := 1 / piv
		for j := range m {
			a[c*m+j] *= ip
			inv[c*m+j] *= ip
		}
		for r := range m {
			if r == c {
				continue
			}
			f := a[r*m+c]
			if f == 0 {
				continue
			}
			for j := range m {
				a[r*m+j] -= f * a[c*m+j]
				inv[r*m+j] -= f * inv[c*m+j]
			}
		}
	}
	return logDet, sign
}
