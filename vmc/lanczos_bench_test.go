package vmc

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Lanczos-step samples per second of one walker on the periodic L×L
// Heisenberg lattice with the space-group RBM α = 4: a sample interval,
// E_L and (H²ψ)/ψ, which takes a local energy at each connected
// configuration (about 0.6·2N of them near the Néel state).
func BenchmarkLanczosSample(b *testing.B) {
	for _, l := range []int{6, 10} {
		b.Run(fmt.Sprintf("L=%d", l), func(b *testing.B) {
			lat, err := hamiltonian.NewLattice(hamiltonian.Square, l, true)
			if err != nil {
				b.Fatal(err)
			}
			h, err := hamiltonian.NewHeisenberg(lat, 1, true)
			if err != nil {
				b.Fatal(err)
			}
			g, err := lat.SpaceGroup()
			if err != nil {
				b.Fatal(err)
			}
			m := wavefunc.NewSymmetricSpinRBM(l*l, 4, g)
			m.Randomize(0.01, rand.New(rand.NewPCG(1, 2)))
			s, err := NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange})
			if err != nil {
				b.Fatal(err)
			}
			w, err := s.NewWalker(0, 0, 1)
			if err != nil {
				b.Fatal(err)
			}
			lw := w.(*LatticeWalker)
			for range 20 {
				lw.Sweep()
			}
			var conn []hamiltonian.Connection
			_, _, conn = localEnergy2(h, lw.st, conn)
			b.ReportAllocs()
			for b.Loop() {
				lw.Sweep()
				_, _, conn = localEnergy2(h, lw.st, conn)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
