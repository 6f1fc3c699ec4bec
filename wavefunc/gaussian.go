package wavefunc

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// Gaussian is the product of one-body Gaussians
//
//	Ψ(x) = exp(−α Σ_i (x_i² + y_i² + β z_i²)),
//
// β weighting only the third coordinate (d = 3). Its one parameter is α;
// β is fixed. At α = ω/2, β = 1 it is the exact ground state of
// non-interacting bosons in an isotropic trap of frequency ω.
type Gaussian struct {
	n, d        int
	alpha, beta float64
}

var _ Model = (*Gaussian)(nil)

// NewGaussian returns the Gaussian trial function of n particles in d
// dimensions. beta only matters for d = 3.
func NewGaussian(n, d int, alpha, beta float64) *Gaussian {
	if n < 1 || d < 1 {
		panic(fmt.Sprintf("wavefunc: NewGaussian(n=%d, d=%d): need n, d ≥ 1", n, d))
	}
	return &Gaussian{n: n, d: d, alpha: alpha, beta: beta}
}

// Particles is N.
func (g *Gaussian) Particles() int { return g.n }

// Dims is d.
func (g *Gaussian) Dims() int { return g.d }

// NumParams is 1: α (β is fixed).
func (g *Gaussian) NumParams() int { return 1 }

// Alpha is the current variational parameter.
func (g *Gaussian) Alpha() float64 { return g.alpha }

// Params copies [α] into dst (allocated when nil).
func (g *Gaussian) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 1)
	}
	dst[0] = g.alpha
	return dst
}

// SetParams sets α = p[0]; it panics unless len(p) = 1.
func (g *Gaussian) SetParams(p []float64) {
	if len(p) != 1 {
		panic(fmt.Sprintf("wavefunc: Gaussian.SetParams with %d values, want 1", len(p)))
	}
	g.alpha = p[0]
}

// weight is the coefficient of coordinate k in Σ(x² + y² + βz²).
func (g *Gaussian) weight(k int) float64 {
	if k == 2 {
		return g.beta
	}
	return 1
}

// q is x² + y² + βz² of one particle.
func (g *Gaussian) q(r []float64) float64 {
	s := 0.0
	for k, v := range r {
		s += g.weight(k) * v * v
	}
	return s
}

// NewState returns the state at configuration x (N·d values).
func (g *Gaussian) NewState(x []float64) State {
	if len(x) != g.n*g.d {
		panic(fmt.Sprintf("wavefunc: Gaussian.NewState with %d coordinates, want %d", len(x), g.n*g.d))
	}
	var ar cacheline.Arena[float64]
	s := cacheline.New[gaussianState]()
	*s = gaussianState{m: g, x: ar.Clone(x), pos: ar.Make(g.d)}
	s.Refresh()
	return s
}

// gaussianState caches Q = Σ_i q(r_i), so ln Ψ = −αQ and a move costs O(d).
type gaussianState struct {
	m   *Gaussian
	x   []float64
	sum float64 // Q
	// pending proposal
	i   int
	pos []float64
	dq  float64
}

func (s *gaussianState) Positions() []float64 { return s.x }
func (s *gaussianState) LogPsi() float64      { return -s.m.alpha * s.sum }

func (s *gaussianState) Propose(i int, pos []float64) float64 {
	d := s.m.d
	s.i = i
	copy(s.pos, pos)
	s.dq = s.m.q(pos) - s.m.q(s.x[i*d:i*d+d])
	return -s.m.alpha * s.dq
}

func (s *gaussianState) Accept() {
	d := s.m.d
	copy(s.x[s.i*d:s.i*d+d], s.pos)
	s.sum += s.dq
}

func (s *gaussianState) Reject() {}

func (s *gaussianState) GradI(i int, dst []float64) {
	d := s.m.d
	s.m.grad(s.x[i*d:i*d+d], dst)
}

func (s *gaussianState) ProposedGradI(dst []float64) { s.m.grad(s.pos, dst) }

// grad writes ∇ ln Ψ of one particle at r: −2α w_k r_k.
func (g *Gaussian) grad(r, dst []float64) {
	for k, v := range r {
		dst[k] = -2 * g.alpha * g.weight(k) * v
	}
}

func (s *gaussianState) Derivs(grad []float64) float64 {
	d := s.m.d
	for i := 0; i < s.m.n; i++ {
		s.m.grad(s.x[i*d:i*d+d], grad[i*d:i*d+d])
	}
	w := 0.0
	for k := range d {
		w += s.m.weight(k)
	}
	return -2 * s.m.alpha * w * float64(s.m.n)
}

func (s *gaussianState) ParamGrad(dst []float64) { dst[0] = -s.sum }

func (s *gaussianState) Refresh() {
	d := s.m.d
	s.sum = 0
	for i := 0; i < s.m.n; i++ {
		s.sum += s.m.q(s.x[i*d : i*d+d])
	}
}
