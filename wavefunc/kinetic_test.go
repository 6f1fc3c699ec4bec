package wavefunc_test

import (
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// TestKineticParamDerivsWavecheck checks the linear method's K_k of the
// Slater determinant (analytic) and of the backflow determinant, DeepSet
// and FFNN (central differences inside the State) with wavecheck, which
// differentiates Derivs of fresh States in each parameter. h = 1e-4: the
// reference's truncation h²·K”/6 is ≈ 1e-8·K” and the State's own
// differences (h = 1e-5) are closer still, so tol = 1e-6 has a wide margin
// while a missing or misplaced term is of order one.
func TestKineticParamDerivsWavecheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	nn, err := wavefunc.NewFFNN(2, 2, []int{4, 5, 1}, "tanh", 1)
	if err != nil {
		t.Fatal(err)
	}
	nn.Randomize(0.8, rng)
	cases := []modelCase{
		{"slater 2D N=6", mustSlater(t, 6, 2, 0.8), 0},
		{"slater 2D N=12", mustSlater(t, 12, 2, 1.3), 0},
		{"slater 3D N=8", mustSlater(t, 8, 3, 0.9), 0},
		{"slater 1D N=4", mustSlater(t, 4, 1, 1.1), 0},
		{"slater × padé 2D N=6", wavefunc.NewProduct(mustSlater(t, 6, 2, 0.9), wavefunc.NewPade(6, 2, 0.5)), 0},
		{"ffnn 2D N=2", nn, 0},
		{"deepset 2D N=6", mustDeepSet(t, 6, 2, 2, 3, "tanh", 1, 0.7, 2), 0},
	}
	for _, c := range backflowModels(t) {
		cases = append(cases, modelCase{"backflow " + c.name, c.m, 0})
	}
	for _, c := range cases {
		x := randConfig(rng, c.m.Particles()*c.m.Dims(), 1)
		if err := wavecheck.KineticParamDerivs(c.m, x, 1e-4, 1e-6); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestKineticParamDerivsAllocs: after the first call, which makes the
// scratch, K costs no allocation (the linear method calls it per sample).
func TestKineticParamDerivsAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 64))
	for _, m := range []wavefunc.Model{
		wavefunc.NewProduct(mustSlater(t, 6, 2, 0.9), wavefunc.NewPade(6, 2, 0.5)),
		mustBackflow(t, 6, 2, 1, 1),
		mustDeepSet(t, 2, 2, 2, 2, "tanh", 1, 0.7, 3),
	} {
		x := randConfig(rng, m.Particles()*m.Dims(), 1)
		st := m.NewState(x)
		g := make([]float64, len(x))
		st.Derivs(g)
		k := make([]float64, m.NumParams())
		kd := st.(wavefunc.KineticParamDeriver)
		kd.KineticParamDerivs(g, k)
		if a := testing.AllocsPerRun(10, func() { kd.KineticParamDerivs(g, k) }); a != 0 {
			t.Errorf("%T: %v allocations per call, want 0", m, a)
		}
	}
}
