package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// randomConfig draws n·d coordinates from a normal distribution of width
// sigma, redrawing particles closer than rmin to an earlier one.
func randomConfig(rng *rand.Rand, n, d int, sigma, rmin float64) []float64 {
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
	again:
		for k := range d {
			x[i*d+k] = sigma * rng.NormFloat64()
		}
		for j := 0; j < i; j++ {
			s := 0.0
			for k := range d {
				t := x[i*d+k] - x[j*d+k]
				s += t * t
			}
			if math.Sqrt(s) <= rmin {
				goto again
			}
		}
	}
	return x
}

type modelCase struct {
	name string
	m    wavefunc.Model
	rmin float64 // keep random configurations outside the hard core
}

func models() []modelCase {
	return []modelCase{
		{"gaussian 1D", wavefunc.NewGaussian(4, 1, 0.37, 1), 0},
		{"gaussian 2D", wavefunc.NewGaussian(5, 2, 0.61, 1), 0},
		{"gaussian 3D beta", wavefunc.NewGaussian(6, 3, 0.45, 2.82843), 0},
		{"hard sphere 3D", wavefunc.NewHardSphereJastrow(6, 3, 0.3), 0.4},
		{"hard sphere 2D", wavefunc.NewHardSphereJastrow(5, 2, 0.2), 0.3},
		{"gaussian × hard sphere", wavefunc.NewProduct(wavefunc.NewGaussian(6, 3, 0.5, 2.82843), wavefunc.NewHardSphereJastrow(6, 3, 0.3)), 0.4},
		{"gaussian × gaussian", wavefunc.NewProduct(wavefunc.NewGaussian(3, 2, 0.3, 1), wavefunc.NewGaussian(3, 2, 0.2, 1)), 0},
		{"nested product", wavefunc.NewProduct(
			wavefunc.NewProduct(wavefunc.NewGaussian(4, 3, 0.3, 1), wavefunc.NewHardSphereJastrow(4, 3, 0.1)),
			wavefunc.NewGaussian(4, 3, 0.2, 1.5)), 0.2},
	}
}

func TestDerivs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range models() {
		for range 5 {
			x := randomConfig(rng, c.m.Particles(), c.m.Dims(), 1, c.rmin)
			// h = 1e-4 and rel. 1e-6: central differences err by O(h²)·f'''
			// ≈ 1e-8 and by round-off 1e-16/h ≈ 1e-12 (wavecheck docs).
			if err := wavecheck.Derivs(c.m, x, 1e-4, 1e-6); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
}

func TestMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range models() {
		n, d := c.m.Particles(), c.m.Dims()
		x := randomConfig(rng, n, d, 1, c.rmin)
		// Steps of 0.5 make hard-sphere overlaps (proposals where Ψ = 0)
		// frequent enough to be exercised.
		next := func(i int, cur, pos []float64) {
			for k := range d {
				pos[k] = cur[i*d+k] + 0.5*(2*rng.Float64()-1)
			}
		}
		// 2000 moves, rel. 1e-10: the caches accumulate one rounding per
		// accepted move, ≈ 1e-16·√1000 ≪ 1e-10.
		if err := wavecheck.Moves(c.m, x, 2000, 1e-10, next); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// Gaussian at α = ω/2 is the exact non-interacting ground state: E_L is
// N·d·ω/2 at every configuration (zero variance).
func TestGaussianExactEnergy(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for d := 1; d <= 3; d++ {
		for _, n := range []int{1, 2, 5, 10} {
			for _, omega := range []float64{0.5, 1, 2.5} {
				h := hamiltonian.MustTrap(hamiltonian.Trap{N: n, D: d, Omega: omega})
				m := wavefunc.NewGaussian(n, d, omega/2, 1)
				want, ok := h.Exact()
				if !ok || math.Abs(want-float64(n*d)*omega/2) > 1e-12 {
					t.Fatalf("Exact = %v, %v", want, ok)
				}
				grad := make([]float64, n*d)
				for range 20 {
					x := randomConfig(rng, n, d, 2, 0)
					lap := m.NewState(x).Derivs(grad)
					// Cancellation of −½|∇lnΨ|² against V: terms of size
					// ~ω²x² ≲ 100, round-off ~1e-14 each.
					if e := h.LocalEnergy(x, grad, lap); math.Abs(e-want) > 1e-10 {
						t.Fatalf("N=%d d=%d ω=%v: E_L = %.15g, want %.15g", n, d, omega, e, want)
					}
				}
			}
		}
	}
	// Elliptical trap: Ψ = exp(−(ω/2)(x² + y² + γz²)) is exact with β = γ,
	// E = N·ω·(1 + γ/2).
	const gamma = 2.82843
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 4, D: 3, Omega: 1.5, Elliptical: true, Gamma: gamma})
	m := wavefunc.NewGaussian(4, 3, 0.75, gamma)
	want, _ := h.Exact()
	grad := make([]float64, 12)
	for range 20 {
		x := randomConfig(rng, 4, 3, 1, 0)
		lap := m.NewState(x).Derivs(grad)
		if e := h.LocalEnergy(x, grad, lap); math.Abs(e-want) > 1e-10 {
			t.Fatalf("elliptical: E_L = %.15g, want %.15g", e, want)
		}
	}
}

// Hand values of ln Ψ.
func TestLogPsiValues(t *testing.T) {
	g := wavefunc.NewGaussian(2, 3, 0.5, 2)
	// −0.5·((1 + 4 + 2·9) + (0 + 0 + 2·1)) = −12.5
	if l := g.NewState([]float64{1, 2, 3, 0, 0, 1}).LogPsi(); math.Abs(l+12.5) > 1e-14 {
		t.Errorf("Gaussian lnΨ = %v, want −12.5", l)
	}
	hs := wavefunc.NewHardSphereJastrow(3, 1, 1)
	// r = 2, 4, 2: ln(½·¾·½)
	if l := hs.NewState([]float64{0, 2, 4}).LogPsi(); math.Abs(l-math.Log(0.1875)) > 1e-14 {
		t.Errorf("hard-sphere lnΨ = %v, want ln 0.1875", l)
	}
	if l := hs.NewState([]float64{0, 1, 4}).LogPsi(); !math.IsInf(l, -1) {
		t.Errorf("touching spheres: lnΨ = %v, want −Inf", l)
	}
	s := hs.NewState([]float64{0, 2, 4})
	if r := s.Propose(1, []float64{3.5}); !math.IsInf(r, -1) {
		t.Errorf("overlapping proposal gives %v, want −Inf", r)
	}
	s.Reject()
	p := wavefunc.NewProduct(g, wavefunc.NewGaussian(2, 3, 1, 1))
	if got := p.Params(nil); len(got) != 2 || got[0] != 0.5 || got[1] != 1 {
		t.Errorf("product params %v, want [0.5 1]", got)
	}
	p.SetParams([]float64{0.25, 0.75})
	if g.Alpha() != 0.25 {
		t.Errorf("SetParams did not reach factor 0: α = %v", g.Alpha())
	}
}

func TestZeroAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, c := range models() {
		x := randomConfig(rng, c.m.Particles(), c.m.Dims(), 1, c.rmin)
		if allocs := wavecheck.MoveAllocs(c.m, x, 0.1, 200, rng); allocs != 0 {
			t.Errorf("%s: %v allocations per move", c.name, allocs)
		}
	}
}
