package wavefunc

import (
	"math"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// Backflow, DeepSet and FFNN supply the linear method's K_k (see
// KineticParamDeriver) by central differences in each parameter,
//
//	K_k ≈ [T_k⁺ − T_k⁻]/(2h_k),  T = ∇²ln|Ψ_f| + 2 grad·∇ln|Ψ_f|,
//
// with Ψ_f the factor and grad the whole wave function's gradient (fixed),
// evaluated on a private copy of the model and a private State at the
// walker's configuration, so the shared model is never written. The step
// h_k = kineticStep·max(1, |θ_k|) balances truncation, h²·T”'/6 ≈ 1e-10,
// against rounding, ε·|T|/h ≈ 1e-11·|T|: both far below the statistical
// noise of the sums the linear method builds from K. The analytic form
// needs third derivatives of the networks and of the backflow determinant
// in x and θ; the price of differences is 2P evaluations of Derivs per
// sample, fine for the backflow's S + 4 parameters and a small DeepSet,
// heavy for networks of hundreds of parameters (use SR there).
const kineticStep = 1e-5

// paramDiff holds the private copy and its scratch, made on a State's first
// call so that sampling without the linear method pays nothing.
type paramDiff struct {
	own       Model // the model's copy, with its own parameter vector
	st        State
	p, gp, gm []float64
}

func newParamDiff(own Model, x []float64) *paramDiff {
	var ar cacheline.Arena[float64]
	f := cacheline.New[paramDiff]()
	*f = paramDiff{own: own, st: own.NewState(x), p: ar.Make(own.NumParams()), gp: ar.Make(len(x)), gm: ar.Make(len(x))}
	return f
}

// kinetic writes K_k for the parameters of shared (whose copy f holds) at
// configuration x into dst.
func (f *paramDiff) kinetic(shared Model, x, grad, dst []float64) {
	shared.Params(f.p)
	copy(f.st.Positions(), x)
	for k := range dst {
		t := f.p[k]
		h := kineticStep * math.Max(1, math.Abs(t))
		up, dn := t+h, t-h
		f.p[k] = up
		f.own.SetParams(f.p)
		f.st.Refresh()
		v := f.st.Derivs(f.gp)
		f.p[k] = dn
		f.own.SetParams(f.p)
		f.st.Refresh()
		v -= f.st.Derivs(f.gm)
		f.p[k] = t
		for i, g := range grad {
			v += 2 * g * (f.gp[i] - f.gm[i])
		}
		dst[k] = v / (up - dn)
	}
}

var (
	_ KineticParamDeriver = (*backflowState)(nil)
	_ KineticParamDeriver = (*deepSetState)(nil)
	_ KineticParamDeriver = (*ffnnState)(nil)
)

// KineticParamDerivs: central differences in θ (kinetic_fd.go).
func (st *backflowState) KineticParamDerivs(grad, dst []float64) {
	if st.pd == nil {
		own := *st.b
		own.params = append([]float64(nil), st.b.params...)
		st.pd = newParamDiff(&own, st.cur.x)
	}
	st.pd.kinetic(st.b, st.cur.x, grad, dst)
}

// KineticParamDerivs: central differences in θ (kinetic_fd.go).
func (s *deepSetState) KineticParamDerivs(grad, dst []float64) {
	if s.pd == nil {
		own := *s.ds
		own.p = append([]float64(nil), s.ds.p...)
		s.pd = newParamDiff(&own, s.x)
	}
	s.pd.kinetic(s.ds, s.x, grad, dst)
}

// KineticParamDerivs: central differences in θ (kinetic_fd.go).
func (s *ffnnState) KineticParamDerivs(grad, dst []float64) {
	if s.pd == nil {
		own := *s.nn
		own.p = append([]float64(nil), s.nn.p...)
		s.pd = newParamDiff(&own, s.x)
	}
	s.pd.kinetic(s.nn, s.x, grad, dst)
}
