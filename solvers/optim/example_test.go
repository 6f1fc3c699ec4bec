package optim_test

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/solvers/optim"
)

// SR as a preconditioner: solve (S + ε)δ = F, then let any rule apply δ.
func ExampleSR() {
	S := []float64{ // centred covariance of two log-derivatives
		4, 1,
		1, 0.5,
	}
	F := []float64{1, 0.25} // force, half the energy gradient
	sr := optim.SR{Shift: 1e-3}
	delta := make([]float64, 2)
	if err := sr.Solve(delta, S, F); err != nil {
		fmt.Println(err)
		return
	}
	params := []float64{0.5, 0.1}
	optim.NewGD(0.1).Step(params, delta)
	fmt.Printf("δ = [%.3f %.3f], θ = [%.4f %.4f]\n", delta[0], delta[1], params[0], params[1])
	// Output: δ = [0.250 0.000], θ = [0.4750 0.1000]
}
