package wavefunc_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

func mustBackflow(t testing.TB, n, d int, alpha, b float64) *wavefunc.Backflow {
	t.Helper()
	m, err := wavefunc.NewBackflow(n, d, alpha, b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// backflowModels are backflow determinants with every parameter switched
// on: distinct widths per shell and distinct parallel/antiparallel η.
func backflowModels(t testing.TB) []struct {
	name string
	m    wavefunc.Model
} {
	var out []struct {
		name string
		m    wavefunc.Model
	}
	for _, c := range []struct{ n, d int }{{2, 2}, {6, 2}, {12, 2}, {8, 3}, {4, 1}} {
		bf := mustBackflow(t, c.n, c.d, 1, 1)
		p := bf.Params(nil)
		for s := range bf.Shells() {
			p[s] = 0.9 + 0.07*float64(s)
		}
		s := bf.Shells()
		p[s], p[s+1], p[s+2], p[s+3] = 0.15, 0.8, 0.25, 1.3
		bf.SetParams(p)
		out = append(out, struct {
			name string
			m    wavefunc.Model
		}{fmt.Sprintf("N=%d d=%d", c.n, c.d), bf})
	}
	bf := mustBackflow(t, 6, 2, 0.9, 0.7)
	p := bf.Params(nil)
	p[bf.Shells()], p[bf.Shells()+2] = 0.1, 0.2
	bf.SetParams(p)
	out = append(out, struct {
		name string
		m    wavefunc.Model
	}{"Backflow×Padé N=6", wavefunc.NewProduct(bf, wavefunc.NewPade(6, 2, 0.5))})
	return out
}

func TestBackflowDerivs(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, c := range backflowModels(t) {
		g := make([]float64, c.m.Particles()*c.m.Dims())
		for tried := 0; tried < 3; {
			x := randomConfig(rng, c.m.Particles(), c.m.Dims(), 1, 0.1)
			// Near a node ln|Ψ| ~ ln(dist), whose third derivative
			// ~ 1/dist³ makes the truncation error h²·f⁽³⁾/6 exceed the
			// tolerance (it shrinks as h², as it must): check at
			// configurations where no gradient component exceeds 20.
			c.m.NewState(x).Derivs(g)
			if maxAbs(g) > 20 {
				continue
			}
			tried++
			if err := wavecheck.Derivs(c.m, x, 1e-4, 1e-6); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func TestBackflowMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	moves := 400
	if testing.Short() {
		moves = 50
	}
	for _, c := range backflowModels(t) {
		x := randomConfig(rng, c.m.Particles(), c.m.Dims(), 1, 0.1)
		// Every proposal is a full rebuild, so the cached and fresh values
		// differ only by the rounding of ln|det|.
		if err := wavecheck.Moves(c.m, x, moves, 1e-10, wavecheck.Metropolis(c.m, rng, 0.5)); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestBackflowZeroAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(55, 56))
	for _, c := range backflowModels(t) {
		x := randomConfig(rng, c.m.Particles(), c.m.Dims(), 1, 0)
		if allocs := wavecheck.MoveAllocs(c.m, x, 0.3, 200, rng); allocs != 0 {
			t.Errorf("%s: %v allocations per move", c.name, allocs)
		}
	}
}

// Exchanging two same-spin electrons exchanges their quasi-particle
// coordinates, two rows of one determinant: ln|Ψ| is unchanged and the
// gradient is permuted (the sign is TestBackflowAntisymmetry's).
func TestBackflowExchange(t *testing.T) {
	rng := rand.New(rand.NewPCG(57, 58))
	for _, c := range backflowModels(t) {
		n, d := c.m.Particles(), c.m.Dims()
		if n < 4 {
			continue
		}
		for range 5 {
			x := randomConfig(rng, n, d, 1, 0.1)
			i, j := 0, 1 // both spin-up
			if rng.IntN(2) == 1 {
				i, j = n/2, n/2+1 // both spin-down
			}
			y := append([]float64(nil), x...)
			for a := range d {
				y[i*d+a], y[j*d+a] = x[j*d+a], x[i*d+a]
			}
			sx, sy := c.m.NewState(x), c.m.NewState(y)
			if lx, ly := sx.LogPsi(), sy.LogPsi(); math.Abs(lx-ly) > 1e-12*math.Max(1, math.Abs(lx)) {
				t.Fatalf("%s: ln|Ψ| %v before, %v after exchanging %d and %d", c.name, lx, ly, i, j)
			}
			gx, gy := make([]float64, n*d), make([]float64, n*d)
			sx.Derivs(gx)
			sy.Derivs(gy)
			for a := range d {
				if math.Abs(gx[i*d+a]-gy[j*d+a]) > 1e-9 || math.Abs(gx[j*d+a]-gy[i*d+a]) > 1e-9 {
					t.Fatalf("%s: gradient not permuted by the exchange", c.name)
				}
			}
		}
	}
}

// Sign reads the sign of Ψ from the two determinants: exchanging two
// same-spin electrons flips it, in either spin block.
func TestBackflowAntisymmetry(t *testing.T) {
	rng := rand.New(rand.NewPCG(59, 60))
	bf := mustBackflow(t, 6, 2, 0.95, 0.8)
	p := bf.Params(nil)
	p[bf.Shells()], p[bf.Shells()+2] = 0.3, 0.4
	bf.SetParams(p)
	for range 5 {
		x := randomConfig(rng, 6, 2, 1, 0.1)
		sx := bf.Sign(x)
		y := append([]float64(nil), x...)
		y[0], y[1], y[2], y[3] = x[2], x[3], x[0], x[1]
		if sy := bf.Sign(y); sy != -sx || sx == 0 {
			t.Fatalf("sign %v before and %v after exchanging electrons 0 and 1", sx, sy)
		}
		y = append(y[:0], x...)
		y[6], y[7], y[8], y[9] = x[8], x[9], x[6], x[7]
		if sy := bf.Sign(y); sy != -sx {
			t.Fatalf("sign %v before and %v after exchanging electrons 3 and 4", sx, sy)
		}
		y = append(y[:0], x...)
		y[0], y[1], y[6], y[7] = x[6], x[7], x[0], x[1]
		if math.Abs(bf.NewState(y).LogPsi()-bf.NewState(x).LogPsi()) < 1e-6 {
			t.Fatalf("exchanging opposite spins left ln|Ψ| unchanged: the spin blocks are not separate")
		}
	}
}

// With a = 0 the backflow determinant with equal widths is the plain
// Slater determinant: same ln|Ψ|, derivatives and width derivative (the sum
// of the shells' O_k), and without interaction at α = ω the exact ground
// state (E_L = 2ω, 10ω, 28ω for N = 2, 6, 12 in 2D; 18ω for N = 8 in 3D).
func TestBackflowOffIsSlater(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	for _, c := range []struct {
		n, d int
		want float64
	}{{2, 2, 2}, {6, 2, 10}, {12, 2, 28}, {8, 3, 18}} {
		for _, omega := range []float64{1, 0.5} {
			bf := mustBackflow(t, c.n, c.d, omega, 0.7)
			sl := mustSlater(t, c.n, c.d, omega)
			h := hamiltonian.MustTrap(hamiltonian.Trap{N: c.n, D: c.d, Omega: omega, Fermions: true})
			nd := c.n * c.d
			g1, g2 := make([]float64, nd), make([]float64, nd)
			o1, o2 := make([]float64, bf.NumParams()), make([]float64, 1)
			for range 10 {
				x := randomConfig(rng, c.n, c.d, 1.5/math.Sqrt(omega), 0)
				s1, s2 := bf.NewState(x), sl.NewState(x)
				if l1, l2 := s1.LogPsi(), s2.LogPsi(); math.Abs(l1-l2) > 1e-12*math.Max(1, math.Abs(l2)) {
					t.Fatalf("N=%d: ln|Ψ| = %v, Slater %v", c.n, l1, l2)
				}
				lap1, lap2 := s1.Derivs(g1), s2.Derivs(g2)
				if math.Abs(lap1-lap2) > 1e-9*math.Max(1, math.Abs(lap2)) {
					t.Fatalf("N=%d: ∇²ln|Ψ| = %v, Slater %v", c.n, lap1, lap2)
				}
				for k := range g1 {
					if math.Abs(g1[k]-g2[k]) > 1e-9*math.Max(1, math.Abs(g2[k])) {
						t.Fatalf("N=%d: ∇ln|Ψ|[%d] = %v, Slater %v", c.n, k, g1[k], g2[k])
					}
				}
				s1.ParamGrad(o1)
				s2.ParamGrad(o2)
				sum := 0.0
				for s := range bf.Shells() {
					sum += o1[s]
				}
				if math.Abs(sum-o2[0]) > 1e-9*math.Max(1, math.Abs(o2[0])) {
					t.Fatalf("N=%d: Σ_s O_α_s = %v, Slater O_α = %v", c.n, sum, o2[0])
				}
				// Same bound as TestSlaterExactEnergy.
				if e := h.LocalEnergy(x, g1, lap1); math.Abs(e-c.want*omega) > 1e-9*c.want {
					t.Fatalf("N=%d d=%d ω=%v: E_L = %.15g, want %v", c.n, c.d, omega, e, c.want*omega)
				}
			}
		}
	}
}

func TestBackflowBadInput(t *testing.T) {
	for _, c := range []struct {
		n, d     int
		alpha, b float64
	}{{4, 2, 1, 1}, {6, 4, 1, 1}, {6, 2, 0, 1}, {6, 2, 1, 0}, {6, 2, 1, math.Inf(1)}, {6, 2, 1, math.NaN()}} {
		if _, err := wavefunc.NewBackflow(c.n, c.d, c.alpha, c.b); err == nil {
			t.Errorf("NewBackflow%v accepted", c)
		}
	}
	bf := mustBackflow(t, 6, 2, 1, 1)
	if got := bf.NumParams(); got != 2+4 {
		t.Errorf("N=6 2D: %d parameters, want 2 widths + 4 backflow", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("SetParams with the wrong length did not panic")
		}
	}()
	bf.SetParams(make([]float64, 3))
}
