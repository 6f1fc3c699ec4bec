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

// square10 is the 10×10 Heisenberg lattice (Marshall basis, exchange
// moves) with a plain RBM of α·N hidden units (sym == "") or an RBM
// symmetric over the named group, random weights of scale 0.01.
func square10(b *testing.B, sym string, alpha int) *vmc.Lattice {
	lat, err := hamiltonian.NewLattice(hamiltonian.Square, 10, true)
	if err != nil {
		b.Fatal(err)
	}
	h, err := hamiltonian.NewHeisenberg(lat, 1, true)
	if err != nil {
		b.Fatal(err)
	}
	var m *wavefunc.SpinRBM
	if sym == "" {
		m = wavefunc.NewSpinRBM(100, alpha*100)
	} else {
		g, err := lat.SymmetryGroup(sym)
		if err != nil {
			b.Fatal(err)
		}
		m = wavefunc.NewSymmetricSpinRBM(100, alpha, g)
	}
	m.Randomize(0.01, rand.New(rand.NewPCG(1, 2)))
	s, err := vmc.NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// Samples per second of one walker at 10×10: a sweep of 100 exchange
// proposals, the local energy and the O_k, as an optimisation iteration
// takes them.
func BenchmarkSquare10Samples(b *testing.B) {
	for _, c := range []struct {
		sym   string
		alpha int
	}{{"", 1}, {"", 4}, {"translations", 4}, {"space-group", 1}, {"space-group", 4}} {
		name := c.sym
		if name == "" {
			name = "plain"
		}
		b.Run(fmt.Sprintf("%s/alpha=%d", name, c.alpha), func(b *testing.B) {
			s := square10(b, c.sym, c.alpha)
			w, err := s.NewWalker(0, 0, 1)
			if err != nil {
				b.Fatal(err)
			}
			for range 20 {
				w.Sweep()
			}
			o := make([]float64, s.NumParams())
			b.ReportAllocs()
			for b.Loop() {
				w.Sweep()
				w.Measure(o)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// One optimisation iteration at 10×10 with each SR solver: the
// space-group RBM α = 4 (P = 405) at M = 1000 samples, and the plain
// RBM α = 1 (P = 10 200) at M = 400 < P, where dense S (10⁸ doubles) is
// out of reach.
func BenchmarkSquare10SRIteration(b *testing.B) {
	for _, c := range []struct {
		sym            string
		alpha, samples int
		solvers        []vmc.SRSolver
	}{
		{"space-group", 4, 250, []vmc.SRSolver{vmc.SRDense, vmc.SRCG, vmc.SRMin}},
		{"", 1, 100, []vmc.SRSolver{vmc.SRCG, vmc.SRMin}},
	} {
		for _, solver := range c.solvers {
			s := square10(b, c.sym, c.alpha)
			b.Run(fmt.Sprintf("P=%d/M=%d/%v", s.NumParams(), 4*c.samples, solver), func(b *testing.B) {
				opt := vmc.Options{Walkers: 4, Samples: c.samples, BurnIn: 10, Seed: 1, Rule: optim.NewGD(1e-4),
					SR: &optim.SR{Shift: 0.01, CGTol: 1e-5}, SRSolver: solver}
				d, err := vmc.New(comm.NewSerial(), s, opt)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := d.Step(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
