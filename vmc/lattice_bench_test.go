package vmc

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// benchLattice is a periodic chain of l sites with a full spin RBM of
// density alpha and random weights of scale 0.1 (acceptance ≈ ½).
func benchLattice(b *testing.B, model string, l, alpha int) (*LatticeWalker, *wavefunc.SpinRBM) {
	lat, err := hamiltonian.NewLattice("chain", l, true)
	if err != nil {
		b.Fatal(err)
	}
	var h *hamiltonian.Spin
	move := sampler.SingleFlip
	if model == hamiltonian.TFIM {
		h, err = hamiltonian.NewTFIM(lat, 1, 1)
	} else {
		h, err = hamiltonian.NewHeisenberg(lat, 1, true)
		move = sampler.Exchange
	}
	if err != nil {
		b.Fatal(err)
	}
	m := wavefunc.NewSpinRBM(l, alpha*l)
	m.Randomize(0.1, rand.New(rand.NewPCG(1, 2)))
	sys, err := NewLattice(h, m, sampler.SpinSettings{Move: move})
	if err != nil {
		b.Fatal(err)
	}
	w, err := sys.NewWalker(0, 0, 1)
	if err != nil {
		b.Fatal(err)
	}
	return w.(*LatticeWalker), m
}

// Spin-flip (TFIM) and exchange (Heisenberg) Metropolis proposals per
// second; a Sweep is L proposals.
func BenchmarkSpinMoves(b *testing.B) {
	for _, model := range []string{hamiltonian.TFIM, hamiltonian.Heisenberg} {
		for _, l := range []int{10, 40, 100} {
			for _, alpha := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/L=%d/alpha=%d", model, l, alpha), func(b *testing.B) {
					w, _ := benchLattice(b, model, l, alpha)
					b.ReportAllocs()
					b.ResetTimer()
					for range b.N {
						w.Sweep()
					}
					b.ReportMetric(float64(b.N)*float64(l)/b.Elapsed().Seconds(), "proposals/s")
					a, p := w.W.Counts()
					b.ReportMetric(float64(a)/float64(p), "acceptance")
				})
			}
		}
	}
}

// Local-energy evaluations per second: L single-flip ratios for the TFIM,
// one exchange ratio per antiparallel bond for the Heisenberg chain, over
// 64 configurations of the chain stored beforehand.
func BenchmarkSpinLocalEnergy(b *testing.B) {
	for _, model := range []string{hamiltonian.TFIM, hamiltonian.Heisenberg} {
		for _, l := range []int{10, 40, 100} {
			for _, alpha := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/L=%d/alpha=%d", model, l, alpha), func(b *testing.B) {
					w, m := benchLattice(b, model, l, alpha)
					const configs = 64
					// Precomputed configurations, so the loop times E_L alone.
					states := make([]wavefunc.SpinState, configs)
					ratios := make([]hamiltonian.Ratioer, configs)
					for k := range states {
						w.Sweep()
						states[k] = m.NewState(w.st.Spins())
						ratios[k] = states[k]
					}
					b.ReportAllocs()
					b.ResetTimer()
					sum := 0.0
					for i := range b.N {
						k := i % configs
						sum += w.h.LocalEnergy(states[k].Spins(), ratios[k])
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
					if sum != sum {
						b.Fatal("NaN local energy")
					}
				})
			}
		}
	}
}
