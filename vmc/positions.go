package vmc

// Positioned is a walker of particles whose coordinates observables may
// read: particle after particle, D values each. The slice is the walker's
// own, valid until its next move: read it, do not keep or modify it.
type Positioned interface {
	Positions() []float64
}

var (
	_ Positioned = (*ContinuousWalker)(nil)
	_ Positioned = (*GibbsWalker)(nil)
)

// Positions are the walker's current coordinates.
func (w *ContinuousWalker) Positions() []float64 { return w.W.State().Positions() }

// Positions are the walker's current visible coordinates.
func (w *GibbsWalker) Positions() []float64 { return w.W.State().Positions() }
