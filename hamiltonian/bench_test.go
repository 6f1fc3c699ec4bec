package hamiltonian_test

import (
	"fmt"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// The local energy's own cost, with ratios that cost nothing: the upper
// bound on what the term loop adds to a wave function's ratios.
func BenchmarkSpinTerms(b *testing.B) {
	for _, model := range []string{hamiltonian.TFIM, hamiltonian.Heisenberg} {
		for _, l := range []int{10, 100} {
			b.Run(fmt.Sprintf("%s/L=%d", model, l), func(b *testing.B) {
				lat, _ := hamiltonian.NewLattice(hamiltonian.Chain, l, true)
				var h *hamiltonian.Spin
				if model == hamiltonian.TFIM {
					h, _ = hamiltonian.NewTFIM(lat, 1, 1)
				} else {
					h, _ = hamiltonian.NewHeisenberg(lat, 1, true)
				}
				s := make([]int8, l)
				for i := range s {
					s[i] = int8(1 - 2*(i*7/3%2))
				}
				var r hamiltonian.Ratioer = flat{}
				b.ReportAllocs()
				sum := 0.0
				for range b.N {
					sum += h.LocalEnergy(s, r)
				}
				if sum != sum {
					b.Fatal("NaN")
				}
			})
		}
	}
}
