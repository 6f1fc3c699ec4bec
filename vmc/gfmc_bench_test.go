package vmc

import (
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// BenchmarkGFMCJump: one GFMC walker on the 10×10 Heisenberg lattice with
// the space-group RBM α = 4 of configs/heisenberg-10x10.toml (random
// parameters): the cost of propagating it over τ = 0.1, which is a few
// jumps, each a local energy with the rates of every connected
// configuration. Reports jumps/s; allocates nothing.
func BenchmarkGFMCJump(b *testing.B) {
	sq, err := hamiltonian.NewLattice(hamiltonian.Square, 10, true)
	if err != nil {
		b.Fatal(err)
	}
	h, err := hamiltonian.NewHeisenberg(sq, 1, true)
	if err != nil {
		b.Fatal(err)
	}
	g, err := sq.SpaceGroup()
	if err != nil {
		b.Fatal(err)
	}
	m := wavefunc.NewSymmetricSpinRBM(h.N, 4, g)
	m.Randomize(0.01, rand.New(rand.NewPCG(1, 2)))
	sys, err := NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		b.Fatal(err)
	}
	wk, err := sys.NewWalker(0, 0, 1)
	if err != nil {
		b.Fatal(err)
	}
	lw := wk.(*LatticeWalker)
	for range 20 {
		sampleInterval(lw.W)
	}
	w := &gfmcWalker{st: lw.st, rng: rand.New(rand.NewPCG(3, 4))}
	if err := w.advance(h, 0.1, -67); err != nil { // sizes the scratch
		b.Fatal(err)
	}
	jumps := w.jump
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := w.advance(h, 0.1, -67); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((w.jump-jumps)/b.Elapsed().Seconds(), "jumps/s")
}
