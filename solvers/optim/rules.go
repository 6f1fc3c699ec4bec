package optim

import (
	"fmt"
	"math"
)

// Rule is an update rule: it moves the parameters against a gradient (or a
// preconditioned gradient such as the SR direction).
type Rule interface {
	// Step applies params −= update(grad) in place.
	Step(params, grad []float64)
	// Name identifies the rule in logs and checkpoints.
	Name() string
	// State returns a copy of the internal state (moments, velocity, step
	// count) for checkpoints.
	State() []float64
	// SetState restores a state returned by State.
	SetState(s []float64) error
}

var (
	_ Rule = (*GD)(nil)
	_ Rule = (*Momentum)(nil)
	_ Rule = (*Adam)(nil)
)

func checkLen(rule string, params, grad []float64, n int) {
	if len(params) != len(grad) || n >= 0 && len(params) != n {
		panic(fmt.Sprintf("optim: %s.Step: %d parameters, %d gradient components, rule built for %d", rule, len(params), len(grad), n))
	}
}

// GD is plain gradient descent: θ ← θ − LR·g. It has no state.
type GD struct {
	LR float64 // learning rate
}

// NewGD returns gradient descent with learning rate lr.
func NewGD(lr float64) *GD { return &GD{LR: lr} }

// Step applies θ ← θ − LR·g.
func (r *GD) Step(params, grad []float64) {
	checkLen("GD", params, grad, -1)
	for i, g := range grad {
		params[i] -= r.LR * g
	}
}

// Name returns "gd".
func (r *GD) Name() string { return "gd" }

// State returns an empty state.
func (r *GD) State() []float64 { return []float64{} }

// SetState accepts only an empty state.
func (r *GD) SetState(s []float64) error {
	if len(s) != 0 {
		return fmt.Errorf("optim: gd state has %d values, expected 0", len(s))
	}
	return nil
}

// Momentum is gradient descent with heavy-ball momentum:
// v ← Mu·v + g, θ ← θ − LR·v.
type Momentum struct {
	LR float64 // learning rate
	Mu float64 // momentum coefficient, typically 0.9
	v  []float64
}

// NewMomentum returns a momentum rule for n parameters.
func NewMomentum(lr, mu float64, n int) *Momentum {
	return &Momentum{LR: lr, Mu: mu, v: make([]float64, n)}
}

// Step applies v ← Mu·v + g, θ ← θ − LR·v.
func (r *Momentum) Step(params, grad []float64) {
	checkLen("Momentum", params, grad, len(r.v))
	for i, g := range grad {
		r.v[i] = r.Mu*r.v[i] + g
		params[i] -= r.LR * r.v[i]
	}
}

// Name returns "momentum".
func (r *Momentum) Name() string { return "momentum" }

// State returns a copy of the velocity.
func (r *Momentum) State() []float64 { return append([]float64{}, r.v...) }

// SetState restores the velocity.
func (r *Momentum) SetState(s []float64) error {
	if len(s) != len(r.v) {
		return fmt.Errorf("optim: momentum state has %d values, expected %d (the velocity)", len(s), len(r.v))
	}
	copy(r.v, s)
	return nil
}

// Adam is the rule of Kingma and Ba (arXiv:1412.6980) with bias-corrected
// moments: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², t ← t+1,
// θ ← θ − LR·m̂/(√v̂ + Eps) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
type Adam struct {
	LR    float64 // learning rate (the size of the first steps)
	Beta1 float64 // decay of the first moment, 0.9 by NewAdam
	Beta2 float64 // decay of the second moment, 0.999 by NewAdam
	Eps   float64 // guards the division, 1e-8 by NewAdam
	m, v  []float64
	t     int
}

// NewAdam returns Adam for n parameters with β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
func NewAdam(lr float64, n int) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, m: make([]float64, n), v: make([]float64, n)}
}

// Step applies one Adam update.
func (r *Adam) Step(params, grad []float64) {
	checkLen("Adam", params, grad, len(r.m))
	r.t++
	c1 := 1 - math.Pow(r.Beta1, float64(r.t))
	c2 := 1 - math.Pow(r.Beta2, float64(r.t))
	for i, g := range grad {
		r.m[i] = r.Beta1*r.m[i] + (1-r.Beta1)*g
		r.v[i] = r.Beta2*r.v[i] + (1-r.Beta2)*g*g
		params[i] -= r.LR * (r.m[i] / c1) / (math.Sqrt(r.v[i]/c2) + r.Eps)
	}
}

// Name returns "adam".
func (r *Adam) Name() string { return "adam" }

// Steps is the number of steps taken (t of the bias correction).
func (r *Adam) Steps() int { return r.t }

// State returns [t, m_1..m_n, v_1..v_n].
func (r *Adam) State() []float64 {
	s := make([]float64, 0, 1+2*len(r.m))
	s = append(s, float64(r.t))
	s = append(s, r.m...)
	return append(s, r.v...)
}

// SetState restores a state returned by State.
func (r *Adam) SetState(s []float64) error {
	n := len(r.m)
	if len(s) != 1+2*n {
		return fmt.Errorf("optim: adam state has %d values, expected %d (step count, %d first and %d second moments)", len(s), 1+2*n, n, n)
	}
	if t := s[0]; t < 0 || t != math.Trunc(t) || t > 1<<53 {
		return fmt.Errorf("optim: adam state: step count %g is not a non-negative integer", t)
	}
	for i, v := range s[1+n:] {
		if v < 0 || math.IsNaN(v) {
			return fmt.Errorf("optim: adam state: second moment %d is %g, expected ≥ 0", i, v)
		}
	}
	r.t = int(s[0])
	copy(r.m, s[1:1+n])
	copy(r.v, s[1+n:])
	return nil
}
