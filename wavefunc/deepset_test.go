package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// mustDeepSet returns a DeepSet with every parameter drawn from
// N(0, scale²), so that the linear and hidden read-outs both contribute.
func mustDeepSet(t testing.TB, n, d, k, h int, act string, omega, scale float64, seed uint64) *wavefunc.DeepSet {
	t.Helper()
	ds, err := wavefunc.NewDeepSet(n, d, k, h, act, omega)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	p := ds.Params(nil)
	for q := range p {
		p[q] = scale * rng.NormFloat64()
	}
	ds.SetParams(p)
	return ds
}

func deepSetModels(t testing.TB) []modelCase {
	return []modelCase{
		{"deepset 2D N=2 tanh", mustDeepSet(t, 2, 2, 3, 4, "tanh", 1, 0.7, 1), 0},
		{"deepset 2D N=6 tanh", mustDeepSet(t, 6, 2, 4, 5, "tanh", 1, 0.7, 2), 0},
		{"deepset 2D N=6 gelu ω=0.5", mustDeepSet(t, 6, 2, 3, 3, "gelu", 0.5, 0.7, 3), 0},
		{"deepset 2D N=12 softplus", mustDeepSet(t, 12, 2, 3, 4, "softplus", 1, 0.5, 4), 0},
		{"deepset 3D N=8 linear read-out", mustDeepSet(t, 8, 3, 4, 0, "tanh", 1, 0.7, 5), 0},
		{"deepset 1D N=3 (odd)", mustDeepSet(t, 3, 1, 2, 2, "tanh", 2, 0.7, 6), 0},
		{"slater × padé × deepset", wavefunc.NewProduct(mustSlater(t, 6, 2, 0.9), wavefunc.NewPade(6, 2, 0.5),
			mustDeepSet(t, 6, 2, 4, 4, "tanh", 1, 0.5, 7)), 0},
	}
}

func TestDeepSetDerivs(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, c := range deepSetModels(t) {
		for range 4 {
			x := awayFromNodes(c.m, rng)
			// h = 5e-5, rel. 1e-6: central differences err by h²·f”'/6,
			// and in a weight's direction f”' grows as the cube of the
			// item's input (σ and t reach ~10 in 3D): 1e-4 errs by 1e-6
			// there, 5e-5 by a quarter of that. Round-off of the
			// Laplacian's second difference, 1e-16·|ln Ψ|/h² ≈ 1e-7, stays
			// below wavecheck.LaplacianFloor (1e-5).
			if err := wavecheck.Derivs(c.m, x, 5e-5, 1e-6); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
}

// Cached items and pooled averages against fresh states after thousands
// of moves, with the periodic resummation and without it.
func TestDeepSetMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	moves := 3000
	if testing.Short() {
		moves = 600
	}
	for _, resum := range []int{100, 0} {
		for _, c := range deepSetModels(t) {
			if p, ok := c.m.(*wavefunc.Product); ok {
				p.Factors()[2].(*wavefunc.DeepSet).ResumEvery = resum
			} else {
				c.m.(*wavefunc.DeepSet).ResumEvery = resum
			}
			n, d := c.m.Particles(), c.m.Dims()
			x := randomConfig(rng, n, d, 1, 0)
			next := func(i int, cur, pos []float64) {
				// As in TestSlaterMoves: a mean-reverting walk (AR(1),
				// stationary width 1) whose proposals pass a Metropolis
				// test against fresh states, so that it stays where |Ψ|²
				// lives and away from the determinant's nodes.
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
			// 1e-10: each incremental update of an average adds ~1e-16
			// of its size; thousands of moves stay far below.
			if err := wavecheck.Moves(c.m, x, moves, 1e-10, next); err != nil {
				t.Errorf("%s, resum every %d: %v", c.name, resum, err)
			}
		}
	}
}

// swap exchanges particles i and j of x (d coordinates each) in place.
func swap(x []float64, d, i, j int) {
	for k := range d {
		x[i*d+k], x[j*d+k] = x[j*d+k], x[i*d+k]
	}
}

// Exchanging two same-spin electrons leaves ln J unchanged (to round-off
// of the reordered sums, 1e-12), and so leaves ln|Ψ| of Slater × Padé ×
// DeepSet unchanged (the determinant changes sign only). Exchanging the
// whole spin-up and spin-down sets leaves it unchanged too. The same test
// applied to the RBM, which is not symmetric, must fail: the check can
// tell a symmetric factor from one that is not.
func TestDeepSetExchangeSymmetry(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	for _, c := range []struct{ n, d int }{{6, 2}, {12, 2}, {8, 3}} {
		ds := mustDeepSet(t, c.n, c.d, 4, 6, "tanh", 1, 0.8, 8)
		full := wavefunc.NewProduct(mustSlater(t, c.n, c.d, 1), wavefunc.NewPade(c.n, c.d, 0.5), ds)
		up := c.n / 2
		for range 10 {
			x := randomConfig(rng, c.n, c.d, 1, 0)
			l0, f0 := ds.NewState(x).LogPsi(), full.NewState(x).LogPsi()
			for _, pr := range [][2]int{{0, 1}, {0, up - 1}, {up, c.n - 1}, {up + 1, up}} {
				y := append([]float64(nil), x...)
				swap(y, c.d, pr[0], pr[1])
				if l := ds.NewState(y).LogPsi(); math.Abs(l-l0) > 1e-12*math.Max(1, math.Abs(l0)) {
					t.Errorf("N=%d d=%d: swapping same-spin %v changes ln J from %.15g to %.15g", c.n, c.d, pr, l0, l)
				}
				if f := full.NewState(y).LogPsi(); math.Abs(f-f0) > 1e-10*math.Max(1, math.Abs(f0)) {
					t.Errorf("N=%d d=%d: swapping same-spin %v changes ln|Ψ| from %.15g to %.15g", c.n, c.d, pr, f0, f)
				}
			}
			y := append([]float64(nil), x[up*c.d:]...)
			y = append(y, x[:up*c.d]...)
			if l := ds.NewState(y).LogPsi(); math.Abs(l-l0) > 1e-12*math.Max(1, math.Abs(l0)) {
				t.Errorf("N=%d d=%d: exchanging the spin sets changes ln J from %.15g to %.15g", c.n, c.d, l0, l)
			}
			// One spin-up with one spin-down electron: no symmetry asked,
			// and a generic configuration shows none (the channels differ).
			y = append(y[:0], x...)
			swap(y, c.d, 0, up)
			if l := ds.NewState(y).LogPsi(); math.Abs(l-l0) < 1e-9 {
				t.Errorf("N=%d d=%d: an opposite-spin swap leaves ln J = %.15g: are the pair channels distinct?", c.n, c.d, l)
			}
		}
	}
	// The RBM fails the same-spin test.
	rbm := wavefunc.NewRBM(6, 2, 4, 1)
	rbm.Randomize(0.5, rand.New(rand.NewPCG(37, 38)))
	x := randomConfig(rng, 6, 2, 1, 0)
	y := append([]float64(nil), x...)
	swap(y, 2, 0, 1)
	if l0, l := rbm.NewState(x).LogPsi(), rbm.NewState(y).LogPsi(); math.Abs(l-l0) < 1e-6 {
		t.Errorf("the RBM looks exchange symmetric (%.15g vs %.15g): the test cannot tell", l0, l)
	}
}

// Randomize leaves ln J = 0 with zero derivatives, so Slater × DeepSet
// without interaction is still the exact closed-shell ground state: E_L =
// 10ω (N = 6, 2D), 28ω (N = 12, 2D), 18ω (N = 8, 3D) at every
// configuration, while the network's parameter derivatives (the
// read-out's L and w) are not all zero, so training can move away.
func TestDeepSetZeroIsSlater(t *testing.T) {
	rng := rand.New(rand.NewPCG(39, 40))
	for _, c := range []struct {
		n, d int
		want float64
	}{{6, 2, 10}, {12, 2, 28}, {8, 3, 18}} {
		for _, omega := range []float64{1, 0.5} {
			ds, err := wavefunc.NewDeepSet(c.n, c.d, 4, 6, "tanh", omega)
			if err != nil {
				t.Fatal(err)
			}
			ds.Randomize(0.5, rng)
			m := wavefunc.NewProduct(mustSlater(t, c.n, c.d, omega), ds)
			h := hamiltonian.MustTrap(hamiltonian.Trap{N: c.n, D: c.d, Omega: omega, Fermions: true})
			grad := make([]float64, c.n*c.d)
			o := make([]float64, ds.NumParams())
			for range 10 {
				x := randomConfig(rng, c.n, c.d, 1.5/math.Sqrt(omega), 0)
				s := ds.NewState(x)
				if l := s.LogPsi(); l != 0 {
					t.Fatalf("N=%d: ln J = %g after Randomize, want 0", c.n, l)
				}
				s.ParamGrad(o)
				nz := 0
				for _, v := range o {
					if v != 0 {
						nz++
					}
				}
				if nz == 0 {
					t.Fatalf("N=%d: every parameter derivative is zero after Randomize", c.n)
				}
				lap := m.NewState(x).Derivs(grad)
				// Same bound as TestSlaterExactEnergy: round-off ~1e-13 of
				// the largest term.
				if e := h.LocalEnergy(x, grad, lap); math.Abs(e-c.want*omega) > 1e-9*c.want {
					t.Fatalf("N=%d d=%d ω=%v: E_L = %.15g, want %v", c.n, c.d, omega, e, c.want*omega)
				}
			}
		}
	}
}

func TestDeepSetBadInput(t *testing.T) {
	for _, c := range []struct {
		n, d, k, h int
		act        string
		omega      float64
	}{
		{0, 2, 4, 4, "tanh", 1}, {6, 0, 4, 4, "tanh", 1}, {6, 2, 0, 4, "tanh", 1}, {6, 2, 4, -1, "tanh", 1},
		{6, 2, 4, 4, "relu", 1}, {6, 2, 4, 4, "tanh", 0}, {6, 2, 4, 4, "tanh", math.NaN()},
	} {
		if _, err := wavefunc.NewDeepSet(c.n, c.d, c.k, c.h, c.act, c.omega); err == nil {
			t.Errorf("NewDeepSet%v accepted", c)
		}
	}
}

func TestDeepSetZeroAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, c := range deepSetModels(t) {
		x := randomConfig(rng, c.m.Particles(), c.m.Dims(), 1, 0)
		if allocs := wavecheck.MoveAllocs(c.m, x, 0.3, 500, rng); allocs != 0 {
			t.Errorf("%s: %v allocations per move", c.name, allocs)
		}
	}
}
