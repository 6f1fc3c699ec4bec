package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

const (
	sites = 12  // L, even so that the Sz = 0 sector exists
	j2    = 0.5 // J2/J1: the Majumdar–Ghosh point
)

// j1j2 is H = Σ_i S_i·S_{i+1} + J2 Σ_i S_i·S_{i+2} on a ring of l sites, in
// the basis rotated on every other site (Marshall's sign rule), where the
// dimer ground state has positive amplitudes a real RBM can represent.
func j1j2(l int, j2 float64) (*hamiltonian.Spin, error) {
	h := hamiltonian.NewSpin(l)
	sub := make([]int8, l)
	for i := range sub {
		sub[i] = int8(i % 2)
	}
	err := h.RotateMarshall(sub)
	for i := range l {
		err = errors.Join(err,
			h.AddBond(i, (i+1)%l, hamiltonian.HeisenbergBond(1)),
			h.AddBond(i, (i+2)%l, hamiltonian.HeisenbergBond(j2)))
	}
	return h, err
}

// opts are the driver's settings: 200 iterations of SR on 1000 samples
// each, then 20000 samples with the parameters frozen.
var opts = vmc.Options{Walkers: 4, Samples: 250, BurnIn: 100, Iterations: 200, Production: 5000,
	Seed: 1, SR: &optim.SR{Shift: 0.01}, Rule: optim.NewGD(0.2)}

func main() {
	if _, _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "j1j2:", err)
		os.Exit(1)
	}
}

// run trains a spin RBM on the chain by stochastic reconfiguration,
// diagonalises the same operator by Lanczos and prints both energies.
func run(w io.Writer) (res *vmc.Result, e0 float64, err error) {
	h, err := j1j2(sites, j2)
	if err != nil {
		return nil, 0, err
	}
	psi := wavefunc.NewSpinRBM(sites, sites/2) // one hidden unit per dimer
	psi.Randomize(0.01, rand.New(rand.NewPCG(1, 2)))
	// Exchange moves keep Σ s_i = 0, the singlet ground state's sector.
	sys, err := vmc.NewLattice(h, psi, sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		return nil, 0, err
	}
	d, err := vmc.New(comm.NewSerial(), sys, opts)
	if err != nil {
		return nil, 0, err
	}
	if res, err = d.Run(context.Background()); err != nil {
		return nil, 0, err
	}
	ed, err := exact.GroundState(h, exact.Options{})
	if err != nil {
		return nil, 0, err
	}
	fmt.Fprintf(w, "VMC     E/N = %.6f ± %.6f\nLanczos E/N = %.6f  (E = %.8f, %s sector of dimension %d)\n",
		res.Energy/sites, res.Error/sites, ed.Energy/sites, ed.Energy, ed.Sector, ed.Dim)
	fmt.Fprintf(w, "relative error %.1e\n", math.Abs((res.Energy-ed.Energy)/ed.Energy))
	return res, ed.Energy, nil
}
