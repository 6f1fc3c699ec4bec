package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

func TestPadeDerivsAndMoves(t *testing.T) {
	for _, tc := range []struct {
		n, d int
		beta float64
	}{
		{2, 2, 0.4}, {3, 2, 1.0}, {4, 3, 0.3}, {7, 2, 0.8},
	} {
		rng := rand.New(rand.NewPCG(11, uint64(tc.n)))
		pj := wavefunc.NewPade(tc.n, tc.d, tc.beta)
		x := randConfig(rng, tc.n*tc.d, 1)
		// h = 1e-4, tol 1e-6 (wavecheck's choice for smooth functions; the
		// pair distances in a unit Gaussian cloud are far from r = 0).
		if err := wavecheck.Derivs(pj, x, 1e-4, 1e-6); err != nil {
			t.Fatalf("N=%d d=%d: %v", tc.n, tc.d, err)
		}
		probe := pj.NewState(x)
		if err := wavecheck.Moves(pj, x, 100, 1e-10, gaussMove(rng, probe, tc.d, 0.5)); err != nil {
			t.Fatalf("N=%d d=%d: %v", tc.n, tc.d, err)
		}
	}
}

// The cusps follow the pair's spins (first ⌈N/2⌉ up) and near r → 0 ln Ψ
// grows as a·r: 2D 1 and 1/3, 3D 1/2 and 1/4.
func TestPadeCusps(t *testing.T) {
	for _, tc := range []struct {
		d          int
		anti, para float64
	}{{2, 1, 1.0 / 3}, {3, 0.5, 0.25}} {
		pj := wavefunc.NewPade(3, tc.d, 0.7) // up: 0, 1; down: 2
		if got := pj.Cusp(0, 1); got != tc.para {
			t.Errorf("d=%d parallel cusp %v, want %v", tc.d, got, tc.para)
		}
		if got := pj.Cusp(1, 2); got != tc.anti {
			t.Errorf("d=%d antiparallel cusp %v, want %v", tc.d, got, tc.anti)
		}
		// Slope of ln Ψ at small separation of the antiparallel pair (1, 2).
		x := make([]float64, 3*tc.d)
		// Particle 0 sits far away perpendicular to the pair's axis, so
		// its distances change only at O(eps²).
		x[1] = 5
		const eps = 1e-7
		x[2*tc.d] = eps
		l1 := pj.NewState(x).LogPsi()
		x[2*tc.d] = 2 * eps
		l2 := pj.NewState(x).LogPsi()
		// Slope (l2−l1)/eps = a (1 − 3β eps + …): relative error ~1e-6.
		if slope := (l2 - l1) / eps; math.Abs(slope-tc.anti) > 1e-5 {
			t.Errorf("d=%d slope at contact %.8f, want cusp %v", tc.d, slope, tc.anti)
		}
	}
}

func TestPadeBadArgumentsPanic(t *testing.T) {
	for _, f := range []func(){
		func() { wavefunc.NewPade(1, 2, 1) },
		func() { wavefunc.NewPade(2, 1, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("NewPade accepted a bad argument")
				}
			}()
			f()
		}()
	}
}

// Products of the network states with the Padé–Jastrow factor: the
// configurations of the quantum-dot runs, checked as a whole.
func TestNQSProductsDerivsAndMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	r := wavefunc.NewRBM(3, 2, 4, 1)
	r.Randomize(0.4, rng)
	nn, err := wavefunc.NewFFNN(3, 2, []int{6, 5, 1}, "gelu", 1)
	if err != nil {
		t.Fatal(err)
	}
	nn.Randomize(1, rng)
	for name, m := range map[string]wavefunc.Model{
		"rbm×pade":  wavefunc.NewProduct(r, wavefunc.NewPade(3, 2, 0.5)),
		"ffnn×pade": wavefunc.NewProduct(nn, wavefunc.NewPade(3, 2, 0.5)),
	} {
		x := randConfig(rng, 6, 1)
		// h = 3e-4, tol 1e-6: the tolerances of the factors' own checks.
		if err := wavecheck.Derivs(m, x, 3e-4, 1e-6); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := wavecheck.Moves(m, x, 60, 1e-10, gaussMove(rng, m.NewState(x), 2, 0.5)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}
