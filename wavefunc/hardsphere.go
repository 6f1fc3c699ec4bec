package wavefunc

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// HardSphereJastrow is the hard-core pair factor
//
//	Ψ(x) = Π_{i<j} f(r_ij),  f(r) = 1 − a/r for r > a, 0 for r ≤ a,
//
// which vanishes whenever two particles of radius a overlap. It has no
// parameters. Its State caches all pair distances, so a single-particle
// move costs O(N·d) and one logarithm.
type HardSphereJastrow struct {
	n, d int
	a    float64
}

var _ Model = (*HardSphereJastrow)(nil)

// NewHardSphereJastrow returns the hard-sphere factor of n particles of
// radius a in d dimensions.
func NewHardSphereJastrow(n, d int, a float64) *HardSphereJastrow {
	if n < 1 || d < 1 || !(a >= 0) {
		panic(fmt.Sprintf("wavefunc: NewHardSphereJastrow(n=%d, d=%d, a=%g): need n, d ≥ 1 and a ≥ 0", n, d, a))
	}
	return &HardSphereJastrow{n: n, d: d, a: a}
}

// Particles is N.
func (h *HardSphereJastrow) Particles() int { return h.n }

// Dims is d.
func (h *HardSphereJastrow) Dims() int { return h.d }

// NumParams is 0: the radius is fixed.
func (h *HardSphereJastrow) NumParams() int { return 0 }

// Params returns dst[:0].
func (h *HardSphereJastrow) Params(dst []float64) []float64 {
	if dst == nil {
		dst = []float64{}
	}
	return dst[:0]
}

// SetParams accepts only an empty p.
func (h *HardSphereJastrow) SetParams(p []float64) {
	if len(p) != 0 {
		panic(fmt.Sprintf("wavefunc: HardSphereJastrow.SetParams with %d values, want 0", len(p)))
	}
}

// f is the pair factor at distance r.
func (h *HardSphereJastrow) f(r float64) float64 {
	if r <= h.a {
		return 0
	}
	return 1 - h.a/r
}

// du is u'(r) for u = ln f: a / (r(r − a)).
func (h *HardSphereJastrow) du(r float64) float64 { return h.a / (r * (r - h.a)) }

// d2u is u”(r): −a(2r − a) / (r(r − a))².
func (h *HardSphereJastrow) d2u(r float64) float64 {
	t := r * (r - h.a)
	return -h.a * (2*r - h.a) / (t * t)
}

// NewState returns the state at configuration x (N·d values).
func (h *HardSphereJastrow) NewState(x []float64) State {
	n, d := h.n, h.d
	if len(x) != n*d {
		panic(fmt.Sprintf("wavefunc: HardSphereJastrow.NewState with %d coordinates, want %d", len(x), n*d))
	}
	var ar cacheline.Arena[float64]
	s := cacheline.New[hardSphereState]()
	*s = hardSphereState{
		m:    h,
		x:    ar.Clone(x),
		r:    ar.Make(n * n),
		pos:  ar.Make(d),
		newR: ar.Make(n),
	}
	s.Refresh()
	return s
}

// hardSphereState keeps r_ij as a symmetric N×N matrix (zero diagonal)
// and ln Ψ; a proposal fills one new row.
type hardSphereState struct {
	m      *HardSphereJastrow
	x      []float64
	r      []float64
	logPsi float64
	// pending proposal
	i    int
	pos  []float64
	newR []float64
	dlog float64
}

func (s *hardSphereState) Positions() []float64 { return s.x }
func (s *hardSphereState) LogPsi() float64      { return s.logPsi }

// dist is the Euclidean distance between two particles' coordinates.
func dist(a, b []float64) float64 {
	s := 0.0
	for k := range a {
		t := a[k] - b[k]
		s += t * t
	}
	return math.Sqrt(s)
}

func (s *hardSphereState) Propose(i int, pos []float64) float64 {
	n, d := s.m.n, s.m.d
	s.i = i
	copy(s.pos, pos)
	// The ratio Π_j f(r'_ij)/f(r_ij), f(r)/f(r') = (r−a)r'/(r(r'−a)), is
	// accumulated as a product with one log at the end; the product is
	// folded into a log sum before it can leave the floating-point range.
	a := s.m.a
	ri := s.r[i*n : i*n+n]
	p, acc := 1.0, 0.0
	dead := false
	for j := 0; j < n; j++ {
		if j == i {
			s.newR[j] = 0
			continue
		}
		r := dist(pos, s.x[j*d:j*d+d])
		s.newR[j] = r
		if r <= a {
			dead = true
			continue
		}
		p *= (r - a) * ri[j] / (r * (ri[j] - a))
		if p > 1e150 || p < 1e-150 {
			acc += math.Log(p)
			p = 1
		}
	}
	if dead {
		s.dlog = math.Inf(-1)
	} else {
		s.dlog = acc + math.Log(p)
	}
	return s.dlog
}

func (s *hardSphereState) Accept() {
	n, d, i := s.m.n, s.m.d, s.i
	copy(s.x[i*d:i*d+d], s.pos)
	copy(s.r[i*n:i*n+n], s.newR)
	for j := 0; j < n; j++ {
		s.r[j*n+i] = s.newR[j]
	}
	s.logPsi += s.dlog
}

func (s *hardSphereState) Reject() {}

// gradAt writes Σ_j u'(r_ij)(r_i − r_j)/r_ij for particle i at position
// ri with distances rs to the others.
func (s *hardSphereState) gradAt(i int, ri, rs, dst []float64) {
	n, d := s.m.n, s.m.d
	for k := range dst {
		dst[k] = 0
	}
	for j := 0; j < n; j++ {
		if j == i {
			continue
		}
		r := rs[j]
		c := s.m.du(r) / r
		xj := s.x[j*d : j*d+d]
		for k := range dst {
			dst[k] += c * (ri[k] - xj[k])
		}
	}
}

func (s *hardSphereState) GradI(i int, dst []float64) {
	n, d := s.m.n, s.m.d
	s.gradAt(i, s.x[i*d:i*d+d], s.r[i*n:i*n+n], dst)
}

func (s *hardSphereState) ProposedGradI(dst []float64) {
	s.gradAt(s.i, s.pos, s.newR, dst)
}

// Derivs sums pair terms: ∇²u(r) = u” + (d−1)u'/r for each ordered pair.
func (s *hardSphereState) Derivs(grad []float64) float64 {
	n, d := s.m.n, s.m.d
	for k := range grad {
		grad[k] = 0
	}
	lap := 0.0
	for i := 0; i < n; i++ {
		xi := s.x[i*d : i*d+d]
		for j := i + 1; j < n; j++ {
			xj := s.x[j*d : j*d+d]
			r := s.r[i*n+j]
			du := s.m.du(r)
			c := du / r
			for k := range d {
				t := c * (xi[k] - xj[k])
				grad[i*d+k] += t
				grad[j*d+k] -= t
			}
			lap += 2 * (s.m.d2u(r) + float64(d-1)*du/r)
		}
	}
	return lap
}

func (s *hardSphereState) ParamGrad(dst []float64) {}

func (s *hardSphereState) Refresh() {
	n, d := s.m.n, s.m.d
	s.logPsi = 0
	for i := 0; i < n; i++ {
		s.r[i*n+i] = 0
		for j := i + 1; j < n; j++ {
			r := dist(s.x[i*d:i*d+d], s.x[j*d:j*d+d])
			s.r[i*n+j], s.r[j*n+i] = r, r
			s.logPsi += math.Log(s.m.f(r)) // −Inf when two spheres overlap
		}
	}
}
