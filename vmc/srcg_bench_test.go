package vmc_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// benchSRStep times optimisation iterations of d and reports samples/s,
// ms/iteration and the CG iterations of the last solve.
func benchSRStep(b *testing.B, d *vmc.Driver, sr *optim.SR, samples int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Step(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*samples)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/iteration")
	b.ReportMetric(float64(sr.Iterations()), "cg-iters")
}

// BenchmarkSRSolver compares an SR iteration on the dense path (Σ O_k O_l
// per sample, P² all-reduce, Cholesky) with the matrix-free one (kept O
// vectors, CG with S·v products), for P = 100, 400 and 1761 parameters, with
// scripted walkers whose sampling is free: the figures are the SR cost
// alone. 2 walkers × 1000 samples per iteration.
//
//	go test -run '^$' -bench SRSolver/scripted -benchtime 3x -benchmem ./vmc/
func BenchmarkSRSolver(b *testing.B) {
	for _, p := range []int{100, 400, 1761} {
		for _, solver := range []vmc.SRSolver{vmc.SRDense, vmc.SRCG} {
			b.Run(fmt.Sprintf("scripted/P=%d/%v", p, solver), func(b *testing.B) {
				const walkers, samples = 2, 1000
				sr := &optim.SR{Shift: 1e-3}
				d, err := vmc.New(comm.NewSerial(), &scripted{p: make([]float64, p)}, vmc.Options{Walkers: walkers, Samples: samples,
					Iterations: 1 << 30, Seed: 1, Rule: optim.NewGD(1e-6), SR: sr, SRSolver: solver})
				if err != nil {
					b.Fatal(err)
				}
				benchSRStep(b, d, sr, walkers*samples)
			})
		}
	}
}

// BenchmarkSRSolverFFNN is the same comparison for real networks of
// N = 10 bosons in a 2D trap (tanh, Gaussian envelope 0.5, weights from
// N(0, 0.1²/fan_in)): 20-18-1 (P = 397) and 20-32-32-1 (P = 1761),
// importance sampling, 2 walkers × 1000 samples per iteration, sampling
// and O_k included. Each network is first trained for 20 SR iterations
// towards the exact E = 10, as a real run would be: S becomes
// ill-conditioned as the variance falls, and the CG iterations grow from a
// handful at the random start to hundreds or thousands, depending on the
// tolerance. The matrix-
// free path runs at the optim default tolerance 1e-10 and at the 1e-5 of
// `vmcmpi run`.
//
//	go test -run '^$' -bench SRSolverFFNN -benchtime 3x -benchmem ./vmc/
func BenchmarkSRSolverFFNN(b *testing.B) {
	const n, dim, walkers, samples = 10, 2, 2, 1000
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: n, D: dim, Omega: 1})
	set := sampler.Settings{Kind: sampler.Importance, Step: 0.5}
	for _, layers := range [][]int{{20, 18, 1}, {20, 32, 32, 1}} {
		nn, err := wavefunc.NewFFNN(n, dim, layers, "tanh", 0.5)
		if err != nil {
			b.Fatal(err)
		}
		nn.Randomize(0.1, rand.New(rand.NewPCG(1, 2)))
		sys, err := vmc.NewContinuous(h, nn, set)
		if err != nil {
			b.Fatal(err)
		}
		train, err := vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: walkers, Samples: samples, BurnIn: 200, Iterations: 20, Seed: 1,
			Rule: optim.NewGD(0.1), SR: &optim.SR{Shift: 1e-3, CGTol: 1e-4}, SRSolver: vmc.SRCG})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := train.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		trained := train.Params()
		for _, tc := range []struct {
			solver vmc.SRSolver
			tol    float64
		}{{vmc.SRDense, 0}, {vmc.SRCG, 1e-10}, {vmc.SRCG, 1e-5}} {
			name := fmt.Sprintf("P=%d/%v", nn.NumParams(), tc.solver)
			if tc.solver == vmc.SRCG {
				name += fmt.Sprintf("/tol=%g", tc.tol)
			}
			b.Run(name, func(b *testing.B) {
				sys.SetParams(trained)
				sr := &optim.SR{Shift: 1e-3, CGTol: tc.tol}
				// A small learning rate keeps the state representative
				// while the timed iterations run.
				d, err := vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: walkers, Samples: samples, BurnIn: 200,
					Iterations: 1 << 30, Seed: 2, Rule: optim.NewGD(1e-3), SR: sr, SRSolver: tc.solver})
				if err != nil {
					b.Fatal(err)
				}
				benchSRStep(b, d, sr, walkers*samples)
			})
		}
	}
}
