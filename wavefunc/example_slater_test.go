package wavefunc_test

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Six non-interacting electrons in a 2D trap: the Slater determinant at
// α = ω is exact, so the local energy is the shell sum 10ω anywhere.
func ExampleNewSlater() {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 6, D: 2, Omega: 1, Fermions: true})
	m, err := wavefunc.NewSlater(6, 2, 1)
	if err != nil {
		panic(err)
	}
	x := []float64{0.1, 0.2, -0.5, 0.3, 0.7, -0.1, -0.2, -0.6, 0.4, 0.9, -1.1, 0.05}
	s := m.NewState(x)
	grad := make([]float64, len(x))
	lap := s.Derivs(grad)
	fmt.Printf("E_L = %.6f\n", h.LocalEnergy(x, grad, lap))
	_, err = wavefunc.NewSlater(4, 2, 1)
	fmt.Println(err)
	// Output:
	// E_L = 10.000000
	// wavefunc: 4 electrons do not fill closed shells in 2D; closed-shell numbers are 2, 6, 12, 20, 30, 42, 56, 72, 90, 110
}

// A single-particle move on a Gaussian × hard-sphere product: the log
// ratio (−½·(4 − 1) + ln(5/6) − ln(3/4)), then Accept; a move onto the other
// sphere has Ψ = 0.
func ExampleNewProduct() {
	m := wavefunc.NewProduct(
		wavefunc.NewGaussian(2, 1, 0.5, 1),
		wavefunc.NewHardSphereJastrow(2, 1, 0.5),
	)
	s := m.NewState([]float64{-1, 1})
	fmt.Printf("ln Ψ = %.4f\n", s.LogPsi())
	fmt.Printf("ratio = %.4f\n", s.Propose(0, []float64{-2}))
	s.Accept()
	fmt.Printf("ln Ψ = %.4f\n", s.LogPsi())
	fmt.Println(s.Propose(0, []float64{0.8}))
	s.Reject()
	// Output:
	// ln Ψ = -1.2877
	// ratio = -1.3946
	// ln Ψ = -2.6823
	// -Inf
}
