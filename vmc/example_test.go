package vmc_test

import (
	"context"
	"fmt"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Three bosons in a 2D trap: gradient descent moves α from 0.3 to the
// exact ½, where every local energy is N·d·ω/2 = 3.
func Example() {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 3, D: 2, Omega: 1})
	sys, err := vmc.NewContinuous(h, wavefunc.NewGaussian(3, 2, 0.3, 1),
		sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		panic(err)
	}
	d, err := vmc.New(comm.NewSerial(), sys, vmc.Options{
		Walkers: 2, Samples: 500, BurnIn: 100, Iterations: 40, Production: 2000, Seed: 1,
		Rule: optim.NewGD(0.05),
	})
	if err != nil {
		panic(err)
	}
	res, err := d.Run(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Printf("alpha = %.6f\nenergy = %.6f ± %.6f (exact %g)\n", res.Params[0], res.Energy, res.Error, res.Exact)
	// Output:
	// alpha = 0.500000
	// energy = 3.000000 ± 0.000000 (exact 3)
}
