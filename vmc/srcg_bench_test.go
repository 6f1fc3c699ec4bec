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
// N = 10 bosons in a 2D trap (tanh, Gaussian envelope, weights from
// N(0, 0.1²/fan_in)): 20-18-1 (P = 397) and 20-32-32-1 (P = 1761),
// importance sampling, 2 walkers × 1000 samples per iteration. Sampling and
// O_k are included, so this is the whole iteration.
//
//	go test -run '^$' -bench SRSolverFFNN -benchtime 3x -benchmem ./vmc/
func BenchmarkSRSolverFFNN(b *testing.B) {
	for _, layers := range [][]int{{20, 18, 1}, {20, 32, 32, 1}} {
		for _, solver := range []vmc.SRSolver{vmc.SRDense, vmc.SRCG} {
			const n, dim, walkers, samples = 10, 2, 2, 1000
			nn, err := wavefunc.NewFFNN(n, dim, layers, "tanh", 1)
			if err != nil {
				b.Fatal(err)
			}
			nn.Randomize(0.1, rand.New(rand.NewPCG(1, 2)))
			b.Run(fmt.Sprintf("P=%d/%v", nn.NumParams(), solver), func(b *testing.B) {
				h := &hamiltonian.Continuous{N: n, D: dim, Omega: 1}
				sys, err := vmc.NewContinuous(h, nn, sampler.Settings{Kind: sampler.Importance, Step: 0.3})
				if err != nil {
					b.Fatal(err)
				}
				sr := &optim.SR{Shift: 1e-3}
				d, err := vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: walkers, Samples: samples, BurnIn: 100,
					Iterations: 1 << 30, Seed: 1, Rule: optim.NewGD(1e-3), SR: sr, SRSolver: solver})
				if err != nil {
					b.Fatal(err)
				}
				benchSRStep(b, d, sr, walkers*samples)
			})
		}
	}
}
