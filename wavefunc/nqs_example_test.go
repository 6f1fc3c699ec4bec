package wavefunc_test

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// At a = 0, W = 0 and σ² = 1/ω the RBM is the non-interacting ground state
// of the trap: the local energy −½(∇²ln Ψ + |∇ln Ψ|²) + ½ω²|x|² is
// N·d·ω/2 at every configuration.
func ExampleNewRBM() {
	const omega = 1.0
	r := wavefunc.NewRBM(2, 2, 4, 1/omega) // 2 particles in 2D, 4 hidden units
	x := []float64{0.3, -0.1, -0.7, 0.4}
	s := r.NewState(x)
	grad := make([]float64, len(x))
	lap := s.Derivs(grad)
	e := -0.5 * lap
	for k := range x {
		e += -0.5*grad[k]*grad[k] + 0.5*omega*omega*x[k]*x[k]
	}
	fmt.Printf("E_L = %.12f, parameters %d\n", e, r.NumParams())
	// Output: E_L = 2.000000000000, parameters 24
}

// The Padé–Jastrow factor multiplies any model; the product's parameters
// are the RBM's followed by β.
func ExampleNewPade() {
	r := wavefunc.NewRBM(2, 2, 4, 1)
	m := wavefunc.NewProduct(r, wavefunc.NewPade(2, 2, 0.5))
	p := m.Params(nil)
	fmt.Println(len(p), p[len(p)-1])
	// Output: 25 0.5
}
