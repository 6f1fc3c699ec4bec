package regress

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// GPBounds bounds each hyperparameter of an SEKernel: Lo and Hi hold
// amplitude, the length scales, then the noise (all positive).
type GPBounds struct {
	Lo, Hi SEKernel
}

// Validate checks that every bound is positive and that Lo ≤ Hi.
func (b *GPBounds) Validate() error {
	lo, hi := b.Lo.vector(), b.Hi.vector()
	if len(lo) != len(hi) {
		return fmt.Errorf("kernel bounds: %d lower and %d upper values", len(lo), len(hi))
	}
	names := b.Lo.names()
	for i := range lo {
		if !(lo[i] > 0) || !(hi[i] > 0) || math.IsInf(hi[i], 0) {
			return fmt.Errorf("kernel bound of %s [%g, %g] must be positive and finite", names[i], lo[i], hi[i])
		}
		if lo[i] > hi[i] {
			return fmt.Errorf("kernel bound of %s: lower %g above upper %g", names[i], lo[i], hi[i])
		}
	}
	return nil
}

func (k *SEKernel) vector() []float64 {
	v := append([]float64{k.Amp}, k.Len...)
	return append(v, k.Noise)
}

func (k *SEKernel) names() []string {
	s := []string{"amplitude"}
	for d := range k.Len {
		s = append(s, fmt.Sprintf("length[%d]", d))
	}
	return append(s, "noise")
}

func kernelFrom(v []float64) SEKernel {
	n := len(v)
	return SEKernel{Amp: v[0], Len: append([]float64(nil), v[1:n-1]...), Noise: v[n-1]}
}

// LogMarginalGrad returns the log marginal likelihood of the GP with
// kernel k and its gradient with respect to the logs of (Amp, Len..., Noise):
// ∂L/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ), α = K⁻¹y (Rasmussen & Williams eq. 5.9).
func LogMarginalGrad(x []float64, d int, y []float64, k SEKernel) (float64, []float64, error) {
	g, err := NewGP(x, d, y, k)
	if err != nil {
		return 0, nil, err
	}
	inv, err := g.Inverse()
	if err != nil {
		return 0, nil, err
	}
	n := len(y)
	grad := make([]float64, d+2)
	for i := range n {
		xi := x[i*d : (i+1)*d]
		for j := range n {
			xj := x[j*d : (j+1)*d]
			w := 0.5 * (g.alpha[i]*g.alpha[j] - inv.At(i, j))
			ks := k.Signal(xi, xj)
			grad[0] += w * 2 * ks
			for e, l := range k.Len {
				u := (xi[e] - xj[e]) / l
				grad[1+e] += w * ks * u * u
			}
			if i == j {
				grad[d+1] += w * 2 * k.Noise * k.Noise
			}
		}
	}
	return g.LogMarginal(), grad, nil
}

// FitKernel maximises the log marginal likelihood over the hyperparameters
// within bounds, by BFGS on u with log θ = log lo + (log hi − log lo)·s(u),
// s the logistic function, starting from start (clamped into the bounds).
// It returns the kernel and its log marginal likelihood. Each evaluation
// costs a Cholesky factorisation and an inverse of the n×n covariance:
// subsample large data sets.
func FitKernel(x []float64, d int, y []float64, start SEKernel, b GPBounds) (SEKernel, float64, error) {
	if err := b.Validate(); err != nil {
		return SEKernel{}, 0, err
	}
	lo, hi := b.Lo.vector(), b.Hi.vector()
	if len(lo) != d+2 || len(start.Len) != d {
		return SEKernel{}, 0, fmt.Errorf("kernel bounds and start need %d length scales", d)
	}
	sv := start.vector()
	p := len(lo)
	u0 := make([]float64, p)
	for i := range p {
		if lo[i] == hi[i] {
			continue
		}
		f := (math.Log(sv[i]) - math.Log(lo[i])) / (math.Log(hi[i]) - math.Log(lo[i]))
		f = math.Min(math.Max(f, 1e-3), 1-1e-3)
		u0[i] = math.Log(f / (1 - f))
	}
	theta := func(u []float64) []float64 {
		v := make([]float64, p)
		for i := range p {
			s := 1 / (1 + math.Exp(-u[i]))
			v[i] = math.Exp(math.Log(lo[i]) + (math.Log(hi[i])-math.Log(lo[i]))*s)
		}
		return v
	}
	var lastErr error
	// The optimiser asks for the value and the gradient at the same point
	// in turn; one factorisation serves both.
	var memoU, memoG []float64
	var memoL float64
	var memoErr error
	eval := func(u []float64) (float64, []float64, error) {
		if memoU == nil || !slices.Equal(u, memoU) {
			memoL, memoG, memoErr = LogMarginalGrad(x, d, y, kernelFrom(theta(u)))
			memoU = append(memoU[:0], u...)
		}
		return memoL, memoG, memoErr
	}
	problem := optimize.Problem{
		Func: func(u []float64) float64 {
			l, _, err := eval(u)
			if err != nil {
				lastErr = err
				return math.Inf(1)
			}
			return -l
		},
		Grad: func(grad, u []float64) {
			_, gl, err := eval(u)
			if err != nil {
				lastErr = err
				for i := range grad {
					grad[i] = 0
				}
				return
			}
			for i := range p {
				s := 1 / (1 + math.Exp(-u[i]))
				grad[i] = -gl[i] * (math.Log(hi[i]) - math.Log(lo[i])) * s * (1 - s)
			}
		},
	}
	res, err := optimize.Minimize(problem, u0, &optimize.Settings{MajorIterations: 60}, &optimize.BFGS{})
	if res == nil {
		if err == nil {
			err = lastErr
		}
		return SEKernel{}, 0, fmt.Errorf("GP hyperparameters: %w", err)
	}
	// A line search that cannot progress (err != nil) still leaves the
	// best point found, which is what we want.
	k := kernelFrom(theta(res.X))
	if math.IsInf(res.F, 0) || math.IsNaN(res.F) {
		return SEKernel{}, 0, fmt.Errorf("GP hyperparameters: no finite likelihood (%v)", lastErr)
	}
	return k, -res.F, nil
}
