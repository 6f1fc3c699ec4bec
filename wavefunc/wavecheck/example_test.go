package wavecheck_test

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// Checking a model: the derivatives against finite differences, a chain
// of moves against fresh states, and the allocations of a walker step.
// A new model is checked the same way, at a few configurations.
func Example() {
	m := wavefunc.NewGaussian(3, 2, 0.4, 1) // 3 particles in 2D, α = 0.4
	x := []float64{0.1, -0.3, 0.7, 0.2, -0.5, 0.4}
	if err := wavecheck.Model(m, x, wavecheck.Options{Seed: 1}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ok")
	// Output: ok
}

// The checks one by one, with the step and tolerances spelled out.
func ExampleDerivs() {
	m := wavefunc.NewGaussian(2, 3, 0.5, 2)
	x := []float64{0.3, -0.1, 0.8, -0.6, 0.2, 0.5}
	// h = 1e-4: truncation ~h² ≈ 1e-8 and rounding ~1e-16/h² ≈ 1e-8,
	// far below tol = 1e-6.
	fmt.Println(wavecheck.Derivs(m, x, 1e-4, 1e-6))
	// Output: <nil>
}
