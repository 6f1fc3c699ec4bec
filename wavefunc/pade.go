package wavefunc

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// Pade is the Padé–Jastrow factor for electrons,
//
//	ln Ψ = Σ_{i<j} a_ij r_ij / (1 + β r_ij),
//
// whose cusp a_ij fixes the Kato cusp condition of the Coulomb repulsion for
// the pair's spins (the first ⌈N/2⌉ particles are spin-up): a = 1/(d−1) for
// antiparallel and 1/(d+1) for parallel spins, that is 1 and 1/3 in 2D,
// 1/2 and 1/4 in 3D. β is the one variational parameter. Keep β > 0: for
// β ≤ 0 the factor is singular at r = −1/β.
type Pade struct {
	n, d   int
	cusp   []float64 // N×N, a_ij
	nUp    int
	params [1]float64
}

var _ Model = (*Pade)(nil)

// NewPade returns the Padé–Jastrow factor for n electrons in d dimensions
// with the initial β. It panics unless n ≥ 2 and d is 2 or 3 (the cusp is
// not finite in one dimension).
func NewPade(n, d int, beta float64) *Pade {
	if n < 2 {
		panic(fmt.Sprintf("wavefunc: NewPade: %d particles, need at least 2 for a pair factor", n))
	}
	if d != 2 && d != 3 {
		panic(fmt.Sprintf("wavefunc: NewPade: %d dimensions, the cusp is defined for 2 and 3", d))
	}
	up := (n + 1) / 2
	c := make([]float64, n*n)
	for i := range n {
		for j := range n {
			if (i < up) == (j < up) {
				c[i*n+j] = 1 / float64(d+1)
			} else {
				c[i*n+j] = 1 / float64(d-1)
			}
		}
	}
	return &Pade{n: n, d: d, cusp: c, nUp: up, params: [1]float64{beta}}
}

// Particles is N.
func (p *Pade) Particles() int { return p.n }

// Dims is d.
func (p *Pade) Dims() int { return p.d }

// NumParams is 1 (β).
func (p *Pade) NumParams() int { return 1 }

// Cusp is a_ij for particles i ≠ j.
func (p *Pade) Cusp(i, j int) float64 { return p.cusp[i*p.n+j] }

// Params copies [β] into dst.
func (p *Pade) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 1)
	}
	if len(dst) != 1 {
		panic(fmt.Sprintf("wavefunc: Pade.Params: len(dst) = %d, want 1", len(dst)))
	}
	dst[0] = p.params[0]
	return dst
}

// SetParams sets β.
func (p *Pade) SetParams(q []float64) {
	if len(q) != 1 {
		panic(fmt.Sprintf("wavefunc: Pade.SetParams: len = %d, want 1", len(q)))
	}
	p.params[0] = q[0]
}

// NewState returns a walker state at x.
func (p *Pade) NewState(x []float64) State {
	if len(x) != p.n*p.d {
		panic(fmt.Sprintf("wavefunc: Pade.NewState: len(x) = %d, want %d", len(x), p.n*p.d))
	}
	var ar cacheline.Arena[float64]
	s := cacheline.New[padeState]()
	*s = padeState{
		p:    p,
		x:    ar.Clone(x),
		r:    ar.Make(p.n * p.n),
		u:    ar.Make(p.n * p.n),
		rN:   ar.Make(p.n),
		uN:   ar.Make(p.n),
		pos:  ar.Make(p.d),
		diff: ar.Make(p.d),
	}
	s.Refresh()
	return s
}

// padeState caches the pair distances r_ij and terms u_ij = a r/(1+βr)
// (symmetric N×N); a move of particle i recomputes its row in O(N·d).
type padeState struct {
	p      *Pade
	x      []float64
	r, u   []float64
	rN, uN []float64 // row of the moved particle at the proposal
	sum    float64   // Σ_{i<j} u_ij
	sumN   float64
	pi     int
	pos    []float64
	diff   []float64
}

func (s *padeState) Positions() []float64 { return s.x }

func (s *padeState) LogPsi() float64 { return s.sum }

func (s *padeState) Refresh() {
	p := s.p
	n, d := p.n, p.d
	beta := p.params[0]
	s.sum = 0
	for i := range n {
		s.r[i*n+i], s.u[i*n+i] = 0, 0
		for j := i + 1; j < n; j++ {
			r := dist(s.x[i*d:(i+1)*d], s.x[j*d:(j+1)*d])
			u := p.cusp[i*n+j] * r / (1 + beta*r)
			s.r[i*n+j], s.r[j*n+i] = r, r
			s.u[i*n+j], s.u[j*n+i] = u, u
			s.sum += u
		}
	}
}

func (s *padeState) Propose(i int, pos []float64) float64 {
	p := s.p
	n, d := p.n, p.d
	beta := p.params[0]
	copy(s.pos, pos)
	s.pi = i
	delta := 0.0
	for j := range n {
		if j == i {
			s.rN[j], s.uN[j] = 0, 0
			continue
		}
		r := dist(pos, s.x[j*d:(j+1)*d])
		u := p.cusp[i*n+j] * r / (1 + beta*r)
		s.rN[j], s.uN[j] = r, u
		delta += u - s.u[i*n+j]
	}
	s.sumN = s.sum + delta
	return delta
}

func (s *padeState) Accept() {
	p := s.p
	n, d, i := p.n, p.d, s.pi
	copy(s.x[i*d:], s.pos)
	for j := range n {
		s.r[i*n+j], s.r[j*n+i] = s.rN[j], s.rN[j]
		s.u[i*n+j], s.u[j*n+i] = s.uN[j], s.uN[j]
	}
	s.sum = s.sumN
}

func (s *padeState) Reject() {}

// gradAt writes ∇_i ln Ψ for particle i at xi, with distances r[j] to the
// other particles: Σ_j a_ij u'(r_ij) (x_i − x_j)/r_ij, u' = 1/(1+βr)².
func (s *padeState) gradAt(i int, xi, r, dst []float64) {
	p := s.p
	n, d := p.n, p.d
	beta := p.params[0]
	for c := range d {
		dst[c] = 0
	}
	for j := range n {
		if j == i {
			continue
		}
		q := 1 + beta*r[j]
		f := p.cusp[i*n+j] / (q * q * r[j])
		xj := s.x[j*d : (j+1)*d]
		for c := range d {
			dst[c] += f * (xi[c] - xj[c])
		}
	}
}

func (s *padeState) GradI(i int, dst []float64) {
	n, d := s.p.n, s.p.d
	s.gradAt(i, s.x[i*d:(i+1)*d], s.r[i*n:(i+1)*n], dst)
}

func (s *padeState) ProposedGradI(dst []float64) {
	s.gradAt(s.pi, s.pos, s.rN, dst)
}

// Derivs sums over pairs: each pair adds ±a u'(r) r̂ to the two particles'
// gradients and 2 a (u” + (d−1) u'/r) to the Laplacian, with
// u” = −2β/(1+βr)³.
func (s *padeState) Derivs(grad []float64) float64 {
	p := s.p
	n, d := p.n, p.d
	beta := p.params[0]
	for k := range grad {
		grad[k] = 0
	}
	lap := 0.0
	for i := range n {
		for j := i + 1; j < n; j++ {
			r := s.r[i*n+j]
			a := p.cusp[i*n+j]
			q := 1 + beta*r
			up := a / (q * q)
			upp := -2 * a * beta / (q * q * q)
			f := up / r
			for c := range d {
				t := f * (s.x[i*d+c] - s.x[j*d+c])
				grad[i*d+c] += t
				grad[j*d+c] -= t
			}
			lap += 2 * (upp + float64(d-1)*up/r)
		}
	}
	return lap
}

// ParamGrad writes ∂ln Ψ/∂β = −Σ_{i<j} a_ij r_ij²/(1+βr_ij)².
func (s *padeState) ParamGrad(dst []float64) {
	p := s.p
	n := p.n
	beta := p.params[0]
	g := 0.0
	for i := range n {
		for j := i + 1; j < n; j++ {
			r := s.r[i*n+j]
			q := 1 + beta*r
			g -= p.cusp[i*n+j] * r * r / (q * q)
		}
	}
	dst[0] = g
}
