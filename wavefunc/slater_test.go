package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

func mustSlater(t testing.TB, n, d int, alpha float64) *wavefunc.Slater {
	t.Helper()
	s, err := wavefunc.NewSlater(n, d, alpha)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSlaterOpenShell(t *testing.T) {
	cases := []struct {
		n, d int
		list string
	}{
		{4, 2, "2, 6, 12, 20, 30"},
		{7, 2, "2, 6, 12, 20, 30"},
		{1, 2, "2, 6, 12, 20, 30"},
		{6, 3, "2, 8, 20, 40, 70"},
		{3, 1, "2, 4, 6, 8"},
		{1000, 2, "2, 6, 12, 20, 30"},
	}
	for _, c := range cases {
		_, err := wavefunc.NewSlater(c.n, c.d, 1)
		if err == nil || !strings.Contains(err.Error(), c.list) {
			t.Errorf("N=%d d=%d: error %v, want the list %s…", c.n, c.d, err, c.list)
		}
	}
	if _, err := wavefunc.NewSlater(6, 4, 1); err == nil {
		t.Error("4D accepted")
	}
	if _, err := wavefunc.NewSlater(6, 2, 0); err == nil {
		t.Error("alpha = 0 accepted")
	}
	for _, n := range []int{2, 6, 12, 20, 30, 110} {
		if _, err := wavefunc.NewSlater(n, 2, 1); err != nil {
			t.Errorf("closed shell N=%d rejected: %v", n, err)
		}
	}
}

// Non-interacting electrons: the Slater determinant at α = ω is the exact
// ground state, so E_L equals the shell sum at every configuration.
func TestSlaterExactEnergy(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	cases := []struct {
		n, d int
		want float64 // in units of ω
	}{
		{2, 2, 2}, {6, 2, 10}, {12, 2, 28}, {20, 2, 60},
		{2, 3, 3}, {8, 3, 18}, {20, 3, 60},
		{4, 1, 4},
	}
	for _, c := range cases {
		for _, omega := range []float64{1, 0.28} {
			h := hamiltonian.MustTrap(hamiltonian.Trap{N: c.n, D: c.d, Omega: omega, Fermions: true})
			if e, ok := h.Exact(); !ok || math.Abs(e-c.want*omega) > 1e-12 {
				t.Fatalf("Exact N=%d d=%d: %v, want %v", c.n, c.d, e, c.want*omega)
			}
			m := mustSlater(t, c.n, c.d, omega)
			grad := make([]float64, c.n*c.d)
			for range 20 {
				x := randomConfig(rng, c.n, c.d, 1.5/math.Sqrt(omega), 0)
				lap := m.NewState(x).Derivs(grad)
				// Kinetic and potential terms of size ~N·ω·r²ω cancel to
				// the constant; relative round-off ~1e-13 of the largest
				// term (polynomials up to degree 3 in the orbital values).
				if e := h.LocalEnergy(x, grad, lap); math.Abs(e-c.want*omega) > 1e-9*c.want {
					t.Fatalf("N=%d d=%d ω=%v: E_L = %.15g, want %v", c.n, c.d, omega, e, c.want*omega)
				}
			}
		}
	}
}

func slaterModels(t testing.TB) []modelCase {
	return []modelCase{
		{"slater 2D N=2", mustSlater(t, 2, 2, 0.8), 0},
		{"slater 2D N=6", mustSlater(t, 6, 2, 1.1), 0},
		{"slater 2D N=12", mustSlater(t, 12, 2, 0.9), 0},
		{"slater 3D N=8", mustSlater(t, 8, 3, 0.7), 0},
		{"slater 1D N=4", mustSlater(t, 4, 1, 1.3), 0},
		{"slater × gaussian", wavefunc.NewProduct(mustSlater(t, 6, 2, 1), wavefunc.NewGaussian(6, 2, 0.1, 1)), 0},
		{"slater × padé 2D", wavefunc.NewProduct(mustSlater(t, 6, 2, 0.9), wavefunc.NewPade(6, 2, 0.5)), 0},
		{"slater × padé 3D", wavefunc.NewProduct(mustSlater(t, 8, 3, 0.8), wavefunc.NewPade(8, 3, 0.4)), 0},
	}
}

// awayFromNodes draws configurations until every component of ∇ln|Ψ| is
// below 10: central differences with step h err by h²·∂³ln|Ψ|/6, which
// grows as 1/distance³ next to a node of the determinant.
func awayFromNodes(m wavefunc.Model, rng *rand.Rand) []float64 {
	n, d := m.Particles(), m.Dims()
	g := make([]float64, n*d)
	for {
		x := randomConfig(rng, n, d, 1, 0)
		m.NewState(x).Derivs(g)
		ok := true
		for _, v := range g {
			ok = ok && math.Abs(v) < 10
		}
		if ok {
			return x
		}
	}
}

func TestSlaterDerivs(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, c := range slaterModels(t) {
		for range 5 {
			x := awayFromNodes(c.m, rng)
			// As in TestDerivs: h = 1e-4, rel. 1e-6.
			if err := wavecheck.Derivs(c.m, x, 1e-4, 1e-6); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
}

// Cached ratios and Sherman–Morrison inverses against fresh determinants
// after thousands of moves: with the periodic refresh (every 1000
// accepted moves) and without it, where the updates alone must hold.
func TestSlaterMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	moves := 6000
	if testing.Short() {
		moves = 2000
	}
	for _, refresh := range []int{1000, 0} {
		for _, c := range slaterModels(t) {
			if s, ok := c.m.(*wavefunc.Slater); ok {
				s.RefreshEvery = refresh
			}
			n, d := c.m.Particles(), c.m.Dims()
			x := randomConfig(rng, n, d, 1, 0)
			next := func(i int, cur, pos []float64) {
				// A mean-reverting walk (AR(1) with stationary width 1):
				// a free random walk would drift in thousands of moves to
				// radii where |Ψ|² is negligible and no sampler goes.
				// Each proposal passes a Metropolis test against fresh
				// states (redrawn until accepted), so the walk stays where
				// |Ψ|² lives: near a node the ratio cancels to a few
				// digits in any evaluation, cached or fresh, and no
				// sampler spends time there.
				trial := append([]float64(nil), cur...)
				l0 := c.m.NewState(cur).LogPsi()
				for {
					for k := range d {
						pos[k] = 0.8*cur[i*d+k] + 0.6*rng.NormFloat64()
					}
					copy(trial[i*d:], pos)
					if 2*(c.m.NewState(trial).LogPsi()-l0) > math.Log(rng.Float64()) {
						break
					}
				}
			}
			// 1e-10 relative: each accepted update adds ~1e-16·cond(D)
			// to the inverse; cond(D) of oscillator orbitals at these
			// spreads is below 1e4.
			if err := wavecheck.Moves(c.m, x, moves, 1e-10, next); err != nil {
				t.Errorf("%s, refresh every %d: %v", c.name, refresh, err)
			}
		}
	}
}

func TestSlaterZeroAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	for _, c := range slaterModels(t) {
		x := randomConfig(rng, c.m.Particles(), c.m.Dims(), 1, 0)
		// 2500 steps accept 1250 moves, so the periodic full
		// refresh inside Accept runs too.
		if allocs := wavecheck.MoveAllocs(c.m, x, 0.3, 2500, rng); allocs != 0 {
			t.Errorf("%s: %v allocations per move", c.name, allocs)
		}
	}
}
