package wavefunc_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Slater × Padé × DeepSet for six electrons in a 2D dot: the network
// starts at ln J = 0, and, once its weights are non-zero, exchanging two
// spin-up electrons (0 and 2) leaves ln|Ψ| unchanged, while exchanging a
// spin-up with a spin-down one (0 and 3) does not.
func ExampleNewDeepSet() {
	net, err := wavefunc.NewDeepSet(6, 2, 4, 8, "tanh", 1)
	if err != nil {
		panic(err)
	}
	net.Randomize(0.5, rand.New(rand.NewPCG(1, 2)))
	sl, err := wavefunc.NewSlater(6, 2, 1)
	if err != nil {
		panic(err)
	}
	m := wavefunc.NewProduct(sl, wavefunc.NewPade(6, 2, 0.5), net)
	x := []float64{0.1, 0.2, -0.5, 0.3, 0.7, -0.1, -0.2, -0.6, 0.4, 0.9, -1.1, 0.05}
	fmt.Printf("parameters: %d, ln J = %g\n", m.NumParams(), net.NewState(x).LogPsi())

	p := net.Params(nil)
	for k := range p {
		p[k] += 0.3 * math.Sin(float64(k)) // any non-zero read-out
	}
	net.SetParams(p)
	swapped := func(i, j int) []float64 {
		y := append([]float64(nil), x...)
		y[2*i], y[2*j] = y[2*j], y[2*i]
		y[2*i+1], y[2*j+1] = y[2*j+1], y[2*i+1]
		return y
	}
	l := m.NewState(x).LogPsi()
	// Reordered sums round differently: compare to 1e-12.
	fmt.Printf("same-spin swap keeps ln|Ψ|: %v\n", math.Abs(m.NewState(swapped(0, 2)).LogPsi()-l) < 1e-12)
	fmt.Printf("opposite-spin swap changes ln|Ψ|: %v\n", math.Abs(m.NewState(swapped(0, 3)).LogPsi()-l) > 1e-6)
	// Output:
	// parameters: 158, ln J = 0
	// same-spin swap keeps ln|Ψ|: true
	// opposite-spin swap changes ln|Ψ|: true
}
