package wavefunc

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// Product is Ψ = Π_k Ψ_k of models of the same particles: ln Ψ, its
// gradient and Laplacian add, and the parameter vector is the
// concatenation of the factors' parameters in order.
type Product struct {
	ms  []Model
	off []int // parameter offsets, len(ms)+1
}

var _ Model = (*Product)(nil)

// NewProduct returns the product of ms (at least one), which must agree
// on the number of particles and dimensions; it panics otherwise, a
// programming error.
func NewProduct(ms ...Model) Model {
	if len(ms) == 0 {
		panic("wavefunc: NewProduct of no models")
	}
	p := &Product{ms: append([]Model(nil), ms...), off: make([]int, len(ms)+1)}
	for k, m := range ms {
		if m.Particles() != ms[0].Particles() || m.Dims() != ms[0].Dims() {
			panic(fmt.Sprintf("wavefunc: NewProduct factor %d has %d particles in %d dimensions, factor 0 has %d in %d",
				k, m.Particles(), m.Dims(), ms[0].Particles(), ms[0].Dims()))
		}
		p.off[k+1] = p.off[k] + m.NumParams()
	}
	return p
}

// Factors returns the factor models in order.
func (p *Product) Factors() []Model { return p.ms }

// Particles is the factors' N.
func (p *Product) Particles() int { return p.ms[0].Particles() }

// Dims is the factors' d.
func (p *Product) Dims() int { return p.ms[0].Dims() }

// NumParams is the sum of the factors' parameter counts.
func (p *Product) NumParams() int { return p.off[len(p.ms)] }

// Params concatenates the factors' parameters, in order, into dst (allocated when nil).
func (p *Product) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, p.NumParams())
	}
	for k, m := range p.ms {
		m.Params(dst[p.off[k]:p.off[k+1]])
	}
	return dst[:p.NumParams()]
}

// SetParams hands each factor its slice of v, in order.
func (p *Product) SetParams(v []float64) {
	if len(v) != p.NumParams() {
		panic(fmt.Sprintf("wavefunc: Product.SetParams with %d values, want %d", len(v), p.NumParams()))
	}
	for k, m := range p.ms {
		m.SetParams(v[p.off[k]:p.off[k+1]])
	}
}

// NewState returns the product of the factors' states at configuration x.
func (p *Product) NewState(x []float64) State {
	s := cacheline.New[productState]()
	*s = productState{
		p:   p,
		ss:  cacheline.Make[State](len(p.ms)),
		tmp: cacheline.Make[float64](len(x)),
	}
	for k, m := range p.ms {
		s.ss[k] = m.NewState(x)
	}
	return s
}

// productState composes the factors' States. A proposal stops at the
// first factor that vanishes, and only the factors that saw it are told
// to accept or reject.
type productState struct {
	p        *Product
	ss       []State
	tmp      []float64 // scratch for summing gradients
	proposed int       // factors holding a pending proposal
}

func (s *productState) Positions() []float64 { return s.ss[0].Positions() }

func (s *productState) LogPsi() float64 {
	l := 0.0
	for _, f := range s.ss {
		l += f.LogPsi()
	}
	return l
}

func (s *productState) Propose(i int, pos []float64) float64 {
	r := 0.0
	s.proposed = 0
	for _, f := range s.ss {
		r += f.Propose(i, pos)
		s.proposed++
		if math.IsInf(r, -1) {
			break
		}
	}
	return r
}

func (s *productState) Accept() {
	if s.proposed != len(s.ss) {
		panic("wavefunc: Product Accept of a proposal where Ψ vanishes")
	}
	for _, f := range s.ss {
		f.Accept()
	}
}

func (s *productState) Reject() {
	for _, f := range s.ss[:s.proposed] {
		f.Reject()
	}
}

func (s *productState) GradI(i int, dst []float64) {
	s.ss[0].GradI(i, dst)
	t := s.tmp[:len(dst)]
	for _, f := range s.ss[1:] {
		f.GradI(i, t)
		for k := range dst {
			dst[k] += t[k]
		}
	}
}

func (s *productState) ProposedGradI(dst []float64) {
	s.ss[0].ProposedGradI(dst)
	t := s.tmp[:len(dst)]
	for _, f := range s.ss[1:] {
		f.ProposedGradI(t)
		for k := range dst {
			dst[k] += t[k]
		}
	}
}

func (s *productState) Derivs(grad []float64) float64 {
	lap := s.ss[0].Derivs(grad)
	for _, f := range s.ss[1:] {
		lap += f.Derivs(s.tmp)
		for k := range grad {
			grad[k] += s.tmp[k]
		}
	}
	return lap
}

func (s *productState) ParamGrad(dst []float64) {
	for k, f := range s.ss {
		f.ParamGrad(dst[s.p.off[k]:s.p.off[k+1]])
	}
}

func (s *productState) Refresh() {
	for _, f := range s.ss {
		f.Refresh()
	}
}
