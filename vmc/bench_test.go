package vmc_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// BenchmarkWalkerGoroutines measures production sampling (sweep + local
// energy) of 4 walkers of 10 hard-sphere bosons in 3D on 1 and 2
// goroutines; the ratio of the samples/s is the walker-goroutine speed-up.
//
//	go test -run '^$' -bench WalkerGoroutines -benchtime 20x ./vmc/
func BenchmarkWalkerGoroutines(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			const n, d, walkers, samples = 10, 3, 4, 20000
			h := hamiltonian.MustTrap(hamiltonian.Trap{N: n, D: d, Omega: 1, HardSphere: 0.0043})
			m := wavefunc.NewProduct(wavefunc.NewGaussian(n, d, 0.5, 1), wavefunc.NewHardSphereJastrow(n, d, 0.0043))
			sys, err := vmc.NewContinuous(h, m, sampler.Settings{Kind: sampler.Importance, Step: 0.3})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				drv, err := vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: walkers, Production: samples, Workers: workers, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := drv.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*walkers*samples)/b.Elapsed().Seconds(), "samples/s")
			b.ReportMetric(float64(b.N*walkers*samples*n)/b.Elapsed().Seconds(), "moves/s")
		})
	}
}

// BenchmarkIteration measures the driver's own cost per sample of an
// optimisation iteration (accumulating Σ O_k, Σ E_L O_k and, with SR, the
// upper triangle of Σ O_k O_l, then the all-reduce, solve and update), with
// walkers whose sampling is free (scripted), for P parameters.
//
//	go test -run '^$' -bench Iteration -benchmem ./vmc/
func BenchmarkIteration(b *testing.B) {
	for _, p := range []int{10, 100, 400} {
		for _, sr := range []bool{false, true} {
			name := fmt.Sprintf("P=%d/gradient", p)
			if sr {
				name = fmt.Sprintf("P=%d/sr", p)
			}
			b.Run(name, func(b *testing.B) {
				const walkers, samples = 2, 1000
				opt := vmc.Options{Walkers: walkers, Samples: samples, Iterations: 1 << 30, Seed: 1, Rule: optim.NewGD(1e-6)}
				if sr {
					opt.SR = &optim.SR{Shift: 1e-3}
				}
				d, err := vmc.New(comm.NewSerial(), &scripted{p: make([]float64, p)}, opt)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := d.Step(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*walkers*samples)/b.Elapsed().Seconds(), "samples/s")
			})
		}
	}
}
