package sampler_test

import (
	"math"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// gauss is a minimal trial function for the sampler's own tests, written
// independently of package wavefunc's models: ln Ψ = −α Σ x², with an
// optional hard wall: Ψ = 0 where x_0 of any particle exceeds wall.
type gauss struct {
	n, d  int
	alpha float64
	wall  float64 // 0: none
}

func (g *gauss) Particles() int                 { return g.n }
func (g *gauss) Dims() int                      { return g.d }
func (g *gauss) NumParams() int                 { return 1 }
func (g *gauss) Params(dst []float64) []float64 { return append(dst[:0], g.alpha) }
func (g *gauss) SetParams(p []float64)          { g.alpha = p[0] }
func (g *gauss) NewState(x []float64) wavefunc.State {
	s := &gaussState{g: g, x: append([]float64(nil), x...), pos: make([]float64, g.d)}
	return s
}

type gaussState struct {
	g   *gauss
	x   []float64
	i   int
	pos []float64
}

func (s *gaussState) Positions() []float64 { return s.x }
func (s *gaussState) LogPsi() float64 {
	l := 0.0
	for _, v := range s.x {
		l -= s.g.alpha * v * v
	}
	for i := 0; i < s.g.n; i++ {
		if s.g.wall > 0 && s.x[i*s.g.d] > s.g.wall {
			return math.Inf(-1)
		}
	}
	return l
}
func (s *gaussState) Propose(i int, pos []float64) float64 {
	s.i = i
	copy(s.pos, pos)
	if s.g.wall > 0 && pos[0] > s.g.wall {
		return math.Inf(-1)
	}
	d := s.g.d
	r := 0.0
	for k := range d {
		o := s.x[i*d+k]
		r -= s.g.alpha * (pos[k]*pos[k] - o*o)
	}
	return r
}
func (s *gaussState) Accept() { copy(s.x[s.i*s.g.d:], s.pos) }
func (s *gaussState) Reject() {}
func (s *gaussState) GradI(i int, dst []float64) {
	for k := range s.g.d {
		dst[k] = -2 * s.g.alpha * s.x[i*s.g.d+k]
	}
}
func (s *gaussState) ProposedGradI(dst []float64) {
	for k := range s.g.d {
		dst[k] = -2 * s.g.alpha * s.pos[k]
	}
}
func (s *gaussState) Derivs(grad []float64) float64 {
	for k, v := range s.x {
		grad[k] = -2 * s.g.alpha * v
	}
	return -2 * s.g.alpha * float64(len(s.x))
}
func (s *gaussState) ParamGrad(dst []float64) {
	l := 0.0
	for _, v := range s.x {
		l -= v * v
	}
	dst[0] = l
}
func (s *gaussState) Refresh() {}
