package hamiltonian_test

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// doubleWell is a user's external potential V = Σ_k (x_k² − 1)²: it
// needs its value and a width to start walkers from.
type doubleWell struct{}

func (doubleWell) Potential(x []float64, d int) float64 {
	v := 0.0
	for _, xk := range x {
		t := xk*xk - 1
		v += t * t
	}
	return v
}

func (doubleWell) Width(int) float64 { return 1 }

// yukawa is a user's pair interaction g·e^{−r/λ}/r.
type yukawa struct{ g, lambda float64 }

func (y yukawa) V(r float64) float64 { return y.g * math.Exp(-r/y.lambda) / r }
func (yukawa) Core() float64         { return 0 }

// A Hamiltonian of two particles in one dimension in a double well with a
// Yukawa repulsion, ready for vmc.NewContinuous.
func ExampleNewParticles() {
	h, err := hamiltonian.NewParticles(2, 1, doubleWell{}, yukawa{g: 1, lambda: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Both particles at the wells' minima x = ±1: only the repulsion,
	// e^{−1}/2.
	fmt.Printf("V(−1, 1) = %.6f\n", h.Potential([]float64{-1, 1}))
	// Output: V(−1, 1) = 0.183940
}

// The built-in two-electron quantum dot, with Taut's exact energy.
func ExampleNewTrap() {
	h, err := hamiltonian.NewTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true, Fermions: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, ok := h.Exact()
	fmt.Println(e, ok)
	// Output: 3 true
}
