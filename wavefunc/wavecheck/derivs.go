package wavecheck

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// LaplacianFloor is the smallest relative tolerance the Laplacian check
// uses, whatever tol is asked for: the second difference divides the
// rounding of ln|Ψ| by h², a few times 1e-8·|ln Ψ| per coordinate at
// h = 1e-4, and the sum over N·d coordinates adds those up.
const LaplacianFloor = 1e-5

// gradITol bounds the disagreement between GradI and the full gradient of
// Derivs: two analytic routes to the same numbers, equal to a few
// roundings (relative 1e-10, or absolute 1e-12 near zero).
const gradITol = 1e-10

func logPsi(m wavefunc.Model, x []float64) float64 {
	return m.NewState(x).LogPsi()
}

// coordDiffs returns the central differences of ln|Ψ| at x in every
// coordinate and the sum of the second differences.
func coordDiffs(m wavefunc.Model, x []float64, h float64) (grad []float64, lap float64) {
	grad = make([]float64, len(x))
	xp := append([]float64(nil), x...)
	l0 := logPsi(m, x)
	for k := range x {
		xp[k] = x[k] + h
		lp := logPsi(m, xp)
		xp[k] = x[k] - h
		lm := logPsi(m, xp)
		xp[k] = x[k]
		grad[k] = (lp - lm) / (2 * h)
		lap += (lp - 2*l0 + lm) / (h * h)
	}
	return grad, lap
}

// Derivs runs Gradient, Laplacian and ParamGrad at x with step h and
// relative tolerance tol, and returns the first disagreement. For smooth
// models with parameters of order one, h = 1e-4 and tol = 1e-6 (see the
// package documentation for how to choose them).
func Derivs(m wavefunc.Model, x []float64, h, tol float64) error {
	fd, fdLap := coordDiffs(m, x, h)
	s := m.NewState(x)
	grad := make([]float64, len(x))
	lap := s.Derivs(grad)
	if err := checkGradient(m, s, grad, fd, tol); err != nil {
		return err
	}
	if err := checkLaplacian(lap, fdLap, tol); err != nil {
		return err
	}
	// O_k from the same State, after Derivs, as a walker measures them.
	return paramGrad(m, s, x, h, tol)
}

// Gradient compares the gradient that State.Derivs writes at x with
// central differences of ln|Ψ| (step h, relative tolerance tol), and
// GradI of every particle with that gradient.
func Gradient(m wavefunc.Model, x []float64, h, tol float64) error {
	fd, _ := coordDiffs(m, x, h)
	s := m.NewState(x)
	grad := make([]float64, len(x))
	s.Derivs(grad)
	return checkGradient(m, s, grad, fd, tol)
}

// Laplacian compares the Laplacian that State.Derivs returns at x with
// the sum of second differences of ln|Ψ| (step h), within relative
// tolerance max(tol, LaplacianFloor).
func Laplacian(m wavefunc.Model, x []float64, h, tol float64) error {
	_, fdLap := coordDiffs(m, x, h)
	lap := m.NewState(x).Derivs(make([]float64, len(x)))
	return checkLaplacian(lap, fdLap, tol)
}

func checkGradient(m wavefunc.Model, s wavefunc.State, grad, fd []float64, tol float64) error {
	for k := range grad {
		if e := relErr(grad[k], fd[k], 1); !(e <= tol) {
			return &Mismatch{Quantity: "gradient", Index: k, Move: -1, Got: grad[k], Want: fd[k],
				Reference: "finite difference", Err: e, Tol: tol}
		}
	}
	d := m.Dims()
	gi := make([]float64, d)
	for i := range m.Particles() {
		s.GradI(i, gi)
		for k := range d {
			g := grad[i*d+k]
			if e := relErr(gi[k], g, 1e-300); !(e <= gradITol) && !(math.Abs(gi[k]-g) <= 1e-12) {
				return &Mismatch{Quantity: "GradI", Index: i*d + k, Move: -1, Got: gi[k], Want: g,
					Reference: "Derivs", Err: e, Tol: gradITol}
			}
		}
	}
	return nil
}

func checkLaplacian(lap, fdLap, tol float64) error {
	tol = math.Max(tol, LaplacianFloor)
	if e := relErr(lap, fdLap, 1); !(e <= tol) {
		return &Mismatch{Quantity: "laplacian", Index: -1, Move: -1, Got: lap, Want: fdLap,
			Reference: "finite difference", Err: e, Tol: tol}
	}
	return nil
}

// ParamGrad compares O_k = ∂ln|Ψ|/∂θ_k from State.ParamGrad at x with
// central differences in each parameter (step h, relative tolerance tol).
// It changes m's parameters while it runs and restores them before it
// returns, so no other State of m may be in use meanwhile.
func ParamGrad(m wavefunc.Model, x []float64, h, tol float64) error {
	return paramGrad(m, m.NewState(x), x, h, tol)
}

func paramGrad(m wavefunc.Model, s wavefunc.State, x []float64, h, tol float64) error {
	o := make([]float64, m.NumParams())
	s.ParamGrad(o)
	p := m.Params(nil)
	defer m.SetParams(p)
	pp := append([]float64(nil), p...)
	for k := range o {
		pp[k] = p[k] + h
		m.SetParams(pp)
		lp := logPsi(m, x)
		pp[k] = p[k] - h
		m.SetParams(pp)
		lm := logPsi(m, x)
		pp[k] = p[k]
		fd := (lp - lm) / (2 * h)
		if e := relErr(o[k], fd, 1); !(e <= tol) {
			return &Mismatch{Quantity: "ParamGrad", Index: k, Move: -1, Got: o[k], Want: fd,
				Reference: "finite difference", Err: e, Tol: tol}
		}
	}
	return nil
}

// KineticParamDerivs compares, for a model whose States implement
// wavefunc.KineticParamDeriver (the linear method's input), K_k =
// ∂_k∇²ln|Ψ| + 2∇ln|Ψ|·∂_k∇ln|Ψ| at x with central differences in each
// parameter of ∇²ln|Ψ| + |∇ln|Ψ||² from Derivs of fresh States (step h,
// relative tolerance tol). A model without the method is an error. It
// changes m's parameters while it runs and restores them, as ParamGrad.
func KineticParamDerivs(m wavefunc.Model, x []float64, h, tol float64) error {
	s := m.NewState(x)
	if !wavefunc.HasKineticParamDerivs(s) {
		return fmt.Errorf("wavecheck: %T does not give kinetic parameter derivatives", s)
	}
	grad := make([]float64, len(x))
	s.Derivs(grad)
	got := make([]float64, m.NumParams())
	s.(wavefunc.KineticParamDeriver).KineticParamDerivs(grad, got)
	kin := func() float64 {
		g := make([]float64, len(x))
		l := m.NewState(x).Derivs(g)
		for _, v := range g {
			l += v * v
		}
		return l
	}
	p := m.Params(nil)
	defer m.SetParams(p)
	pp := append([]float64(nil), p...)
	for k := range got {
		pp[k] = p[k] + h
		m.SetParams(pp)
		up := kin()
		pp[k] = p[k] - h
		m.SetParams(pp)
		dn := kin()
		pp[k] = p[k]
		fd := (up - dn) / (2 * h)
		if e := relErr(got[k], fd, 1); !(e <= tol) {
			return &Mismatch{Quantity: "KineticParamDerivs", Index: k, Move: -1, Got: got[k], Want: fd,
				Reference: "finite difference", Err: e, Tol: tol}
		}
	}
	return nil
}
