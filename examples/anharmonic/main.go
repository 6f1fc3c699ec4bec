package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// quartic is the trap V(x) = x²/2 + λx⁴, λ = 0.1, for one particle on a line.
type quartic struct{}

func (quartic) V(x float64) float64                    { return x*x/2 + 0.1*x*x*x*x }
func (q quartic) Potential(x []float64, _ int) float64 { return q.V(x[0]) }
func (quartic) Width(int) float64                      { return 0.7 } // of the harmonic |ψ|²

func main() {
	if _, _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "anharmonic:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) (res *vmc.Result, psi wavefunc.Model, err error) {
	h, err1 := hamiltonian.NewParticles(1, 1, quartic{})
	nn, err2 := wavefunc.NewFFNN(1, 1, []int{1, 4, 1}, "tanh", 0) // learns what a Gaussian misses
	if err = errors.Join(err1, err2); err != nil {
		return nil, nil, err
	}
	nn.Randomize(0.5, rand.New(rand.NewPCG(1, 2)))
	psi = wavefunc.NewProduct(wavefunc.NewGaussian(1, 1, 0.5, 1), nn)
	sys, err := vmc.NewContinuous(h, psi, sampler.Settings{Kind: sampler.Importance, Step: 0.5})
	if err != nil {
		return nil, nil, err
	}
	d, err := vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: 2, Samples: 250, BurnIn: 200,
		Iterations: 200, Production: 20000, Seed: 1, SR: &optim.SR{Shift: 1e-4}, Rule: optim.NewGD(0.2)})
	if err != nil {
		return nil, nil, err
	}
	if res, err = d.Run(context.Background()); err != nil {
		return nil, nil, err
	}
	exact, _ := reference(quartic{}.V, 8, 0.02)
	fmt.Fprintf(w, "VMC   E = %.6f ± %.6f\nexact E = %.9f (finite differences)\nE − exact = %+.1f σ\n",
		res.Energy, res.Error, exact, (res.Energy-exact)/res.Error)
	return res, psi, nil
}
