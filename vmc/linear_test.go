package vmc_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/mpitest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// TestLinearMethod: on 2 in-process ranks the linear method's H and S sums
// travel in the iteration's one collective, and for two non-interacting
// particles, whose exact state the RBM contains (a = W = 0 at σ² = 1/ω),
// a few steps take the variance from the random start's to nearly zero.
func TestLinearMethod(t *testing.T) {
	const iters = 6
	err := comm.RunLocal(2, func(c comm.Comm) error {
		cc := &mpitest.Counting{Comm: c}
		opt := vmc.Options{Walkers: 2, Samples: 300, BurnIn: 50, Iterations: iters, Seed: 5,
			Rule: optim.NewGD(1), Linear: &optim.Linear{}}
		d, err := vmc.New(cc, rbmSystem(t, 2), opt)
		if err != nil {
			return err
		}
		var errs []error
		var first, last vmc.Record
		for i := range iters {
			before := cc.Collectives()
			rec, err := d.Step(context.Background())
			if err != nil {
				return err
			}
			if i == 0 {
				first = rec
			}
			last = rec
			if got := cc.Collectives() - before; got != 1 {
				errs = append(errs, fmt.Errorf("rank %d iteration %d: %d collectives, want 1", c.Rank(), i, got))
			}
		}
		// The random start (weights of 0.1) has variance ~1e-2; the
		// exact state has 0.
		if !(last.Variance < 1e-4 && last.Variance < 1e-2*first.Variance) {
			errs = append(errs, fmt.Errorf("variance %g → %g after %d linear-method steps", first.Variance, last.Variance, iters))
		}
		return errors.Join(errs...)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// opaqueModel hides its states' KineticParamDerivs, as a user's model
// without them would.
type opaqueModel struct{ wavefunc.Model }

type opaqueState struct{ wavefunc.State }

func (m opaqueModel) NewState(x []float64) wavefunc.State { return opaqueState{m.Model.NewState(x)} }

// TestLinearMethodNeedsDerivatives: a wave function without ∂E_L/∂θ is
// refused when the driver is made.
func TestLinearMethodNeedsDerivatives(t *testing.T) {
	sl, err := wavefunc.NewSlater(2, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true})
	sys, err := vmc.NewContinuous(h, opaqueModel{sl}, sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: 1, Samples: 10, Iterations: 1, Rule: optim.NewGD(1), Linear: &optim.Linear{}})
	if err == nil || !strings.Contains(err.Error(), "KineticParamDeriver") {
		t.Fatalf("error %v, want one naming KineticParamDeriver", err)
	}
}
