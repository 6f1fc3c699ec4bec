package vmc

// Iterative is implemented by a Rule, Preconditioner or LinearSolver whose
// settings follow the iteration (solvers/optim's Scheduled rule and SR with
// a ShiftDecay): the driver calls SetIteration(t) on each before iteration
// t's update. t is the driver's iteration count, which checkpoints carry,
// so a resumed run takes the same steps.
type Iterative interface {
	SetIteration(t int)
}

// learningRater is a rule that reports its current learning rate (the
// history's learning_rate column then shows the schedule).
type learningRater interface {
	LearningRate() float64
}

// setIteration tells the optimiser's parts which iteration this is.
func (d *Driver) setIteration() {
	for _, x := range []any{d.opt.Rule, d.opt.SR, d.opt.Linear} {
		if it, ok := x.(Iterative); ok {
			it.SetIteration(d.iter)
		}
	}
}

// learningRate is the history's learning rate: the rule's own when it has
// a schedule, else Options.LearningRate.
func (d *Driver) learningRate() float64 {
	if lr, ok := d.opt.Rule.(learningRater); ok {
		return lr.LearningRate()
	}
	return d.opt.LearningRate
}
