package wavecheck

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Options tunes Model. The zero value checks a smooth model whose
// parameters and coordinates are of order one.
type Options struct {
	// Step is the finite-difference step h; 0 means 1e-4.
	Step float64
	// Tol is the relative tolerance of the derivative checks; 0 means 1e-6.
	Tol float64
	// Moves is the length of the move chain; 0 means 1000.
	Moves int
	// MoveTol is the relative tolerance of the move checks; 0 means 1e-10.
	MoveTol float64
	// Walk is the standard deviation of the proposed steps; 0 means 0.5.
	Walk float64
	// Seed seeds the proposals and the allocation check.
	Seed uint64
	// AllocRuns is the number of steps MoveAllocs averages over; 0 means
	// 100, and a negative value skips the allocation check.
	AllocRuns int
}

func (o Options) withDefaults() Options {
	if o.Step == 0 {
		o.Step = 1e-4
	}
	if o.Tol == 0 {
		o.Tol = 1e-6
	}
	if o.Moves == 0 {
		o.Moves = 1000
	}
	if o.MoveTol == 0 {
		o.MoveTol = 1e-10
	}
	if o.Walk == 0 {
		o.Walk = 0.5
	}
	if o.AllocRuns == 0 {
		o.AllocRuns = 100
	}
	return o
}

// Model runs every check on m at x: Derivs, KineticParamDerivs (when m's
// States implement wavefunc.KineticParamDeriver), Moves with Metropolis
// proposals, and MoveAllocs (which must be zero). It returns nil when all
// pass, and otherwise the failures joined (errors.Join).
func Model(m wavefunc.Model, x []float64, opt Options) error {
	opt = opt.withDefaults()
	if len(x) != m.Particles()*m.Dims() {
		return fmt.Errorf("wavecheck: %d coordinates for %d particles in %d dimensions", len(x), m.Particles(), m.Dims())
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	var errs []error
	if err := Derivs(m, x, opt.Step, opt.Tol); err != nil {
		errs = append(errs, err)
	}
	if wavefunc.HasKineticParamDerivs(m.NewState(x)) {
		if err := KineticParamDerivs(m, x, opt.Step, opt.Tol); err != nil {
			errs = append(errs, err)
		}
	}
	if err := Moves(m, x, opt.Moves, opt.MoveTol, Metropolis(m, rng, opt.Walk)); err != nil {
		errs = append(errs, err)
	}
	if opt.AllocRuns > 0 {
		if a := MoveAllocs(m, x, opt.Walk, opt.AllocRuns, rng); a != 0 {
			errs = append(errs, fmt.Errorf("wavecheck: %v allocations per walker step, want 0", a))
		}
	}
	return errors.Join(errs...)
}

// TB is the part of testing.TB that Test uses.
type TB interface {
	Helper()
	Error(args ...any)
}

// Test runs Model and reports its failures on t (a *testing.T or
// *testing.B).
func Test(t TB, m wavefunc.Model, x []float64, opt Options) {
	t.Helper()
	if err := Model(m, x, opt); err != nil {
		t.Error(err)
	}
}
