package optim

import (
	"fmt"
	"math"
)

// Decay shrinks a setting v₀ (a learning rate, an SR shift) with the
// iteration t = 0, 1, …:
//
//	"exp":      v(t) = v₀ · max(MinFactor, e^{−Rate·t}),
//	"inverse":  v(t) = v₀ · max(MinFactor, 1/(1 + Rate·t)),
//
// and keeps v₀ for Kind "" or "none" (the zero value). MinFactor is the
// floor as a fraction of v₀, so one Decay serves settings of any size
// (the absolute and the relative SR shift together).
type Decay struct {
	Kind      string  // "", "none", "exp" or "inverse"
	Rate      float64 // ≥ 0
	MinFactor float64 // in [0, 1]
}

// Factor is v(t)/v₀.
func (s Decay) Factor(t int) float64 {
	var f float64
	switch s.Kind {
	case "exp":
		f = math.Exp(-s.Rate * float64(t))
	case "inverse":
		f = 1 / (1 + s.Rate*float64(t))
	default:
		return 1
	}
	return math.Max(f, s.MinFactor)
}

// At is v(t) for v(0) = v0.
func (s Decay) At(v0 float64, t int) float64 {
	if s.Kind == "" || s.Kind == "none" {
		return v0
	}
	return v0 * s.Factor(t)
}

// Validate reports a Kind, Rate or MinFactor out of range.
func (s Decay) Validate() error {
	switch s.Kind {
	case "", "none", "exp", "inverse":
	default:
		return fmt.Errorf("optim: decay kind %q, want \"none\", \"exp\" or \"inverse\"", s.Kind)
	}
	if !(s.Rate >= 0) || math.IsInf(s.Rate, 0) {
		return fmt.Errorf("optim: decay rate %g, want a finite value ≥ 0", s.Rate)
	}
	if !(s.MinFactor >= 0 && s.MinFactor <= 1) {
		return fmt.Errorf("optim: decay floor factor %g, want a value in [0, 1]", s.MinFactor)
	}
	return nil
}

// Scheduled is a GD, Momentum or Adam rule whose learning rate follows a
// Decay over the iterations and whose steps are clipped: before the inner
// rule sees the direction g (the gradient, or the SR or linear-method
// step), g is scaled to Euclidean norm MaxNorm when it is longer. The
// iteration comes from SetIteration (the vmc driver calls it before each
// update with its checkpointed iteration count), so a resumed run takes
// the same steps. Name, State and SetState are the inner rule's.
type Scheduled struct {
	Inner   Rule
	Decay   Decay
	MaxNorm float64 // 0: no clipping

	lr0  float64
	t    int
	clip []float64
}

var _ Rule = (*Scheduled)(nil)

// learningRate is the learning rate field of the package's rules.
type learningRate interface{ lr() *float64 }

func (r *GD) lr() *float64       { return &r.LR }
func (r *Momentum) lr() *float64 { return &r.LR }
func (r *Adam) lr() *float64     { return &r.LR }

// NewScheduled wraps inner, a *GD, *Momentum or *Adam of this package
// whose LR is the initial learning rate. A decay of another Rule, or a
// negative or non-finite maxNorm, is an error.
func NewScheduled(inner Rule, decay Decay, maxNorm float64) (*Scheduled, error) {
	if err := decay.Validate(); err != nil {
		return nil, err
	}
	if !(maxNorm >= 0) || math.IsInf(maxNorm, 0) {
		return nil, fmt.Errorf("optim: step clipping norm %g, want a finite value ≥ 0 (0: none)", maxNorm)
	}
	s := &Scheduled{Inner: inner, Decay: decay, MaxNorm: maxNorm}
	if l, ok := inner.(learningRate); ok {
		s.lr0 = *l.lr()
	} else if decay.Kind != "" && decay.Kind != "none" {
		return nil, fmt.Errorf("optim: a learning-rate decay needs GD, Momentum or Adam, not %T", inner)
	}
	return s, nil
}

// SetIteration sets the iteration t whose learning rate the next Step uses.
func (s *Scheduled) SetIteration(t int) {
	s.t = t
	if l, ok := s.Inner.(learningRate); ok {
		*l.lr() = s.Decay.At(s.lr0, t)
	}
}

// LearningRate is the learning rate of the current iteration.
func (s *Scheduled) LearningRate() float64 { return s.Decay.At(s.lr0, s.t) }

// Step clips grad to MaxNorm (into scratch; grad is not modified) and
// applies the inner rule.
func (s *Scheduled) Step(params, grad []float64) {
	if s.MaxNorm > 0 {
		n := 0.0
		for _, g := range grad {
			n += g * g
		}
		if n = math.Sqrt(n); n > s.MaxNorm {
			s.clip = grow(s.clip, len(grad))
			c := s.MaxNorm / n
			for k, g := range grad {
				s.clip[k] = c * g
			}
			grad = s.clip
		}
	}
	s.Inner.Step(params, grad)
}

// Name is the inner rule's.
func (s *Scheduled) Name() string { return s.Inner.Name() }

// State is the inner rule's.
func (s *Scheduled) State() []float64 { return s.Inner.State() }

// SetState restores the inner rule's state.
func (s *Scheduled) SetState(v []float64) error { return s.Inner.SetState(v) }
