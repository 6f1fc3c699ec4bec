package hamiltonian_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// quartic is a user's external potential Σ_k (½x_k² + λx_k⁴).
type quartic struct{ lambda float64 }

func (q quartic) Potential(x []float64, d int) float64 {
	v := 0.0
	for _, xk := range x {
		x2 := xk * xk
		v += 0.5*x2 + q.lambda*x2*x2
	}
	return v
}

func (quartic) Width(int) float64 { return 1 }

// gaussPair is a user's soft repulsion g·exp(−r²/s²), with an optional
// hard core.
type gaussPair struct{ g, s, core float64 }

func (p gaussPair) V(r float64) float64 { return p.g * math.Exp(-r*r/(p.s*p.s)) }
func (p gaussPair) Core() float64       { return p.core }

// V of user-defined pieces against a direct evaluation: three particles in
// 2D at (1,0), (−1,0), (0,2), distances 2, √5, √5.
func TestUserPotential(t *testing.T) {
	x := []float64{1, 0, -1, 0, 0, 2}
	ext := quartic{lambda: 0.1}
	pair := gaussPair{g: 2, s: 1.5}
	h, err := hamiltonian.NewParticles(3, 2, ext, pair, hamiltonian.Coulomb{})
	if err != nil {
		t.Fatal(err)
	}
	wantExt := 0.5*(1+1+4) + 0.1*(1+1+16)
	v := func(r float64) float64 { return 2*math.Exp(-r*r/2.25) + 1/r }
	want := wantExt + v(2) + 2*v(math.Sqrt(5))
	if got := h.Potential(x); math.Abs(got-want) > 1e-14*want {
		t.Errorf("V = %.17g, want %.17g", got, want)
	}
	// E_L = −½(∇²lnΨ + |∇lnΨ|²) + V for any numbers passed as derivatives.
	grad := []float64{0.5, -1, 0, 2, 1, 1}
	if got, w := h.LocalEnergy(x, grad, -3), -0.5*(-3+0.25+1+4+1+1)+want; math.Abs(got-w) > 1e-14*math.Abs(w) {
		t.Errorf("E_L = %.17g, want %.17g", got, w)
	}
	if a := testing.AllocsPerRun(100, func() { h.Potential(x) }); a != 0 {
		t.Errorf("Potential allocates %v times", a)
	}
	if _, ok := h.Exact(); ok {
		t.Error("a composed Hamiltonian claims an exact energy nobody gave it")
	}
	h.Reference, h.HasReference = -1.5, true
	if e, ok := h.Exact(); e != -1.5 || !ok {
		t.Errorf("Exact = %v, %v after setting the reference", e, ok)
	}
}

// The built-in trap composed by hand gives the same bits as NewTrap.
func TestTrapIsComposition(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	x := make([]float64, 12)
	for k := range x {
		x[k] = rng.NormFloat64()
	}
	cases := []struct {
		trap hamiltonian.Trap
		ext  hamiltonian.External
		p    []hamiltonian.Pair
	}{
		{hamiltonian.Trap{N: 4, D: 3, Omega: 0.7, Coulomb: true}, hamiltonian.Harmonic{Omega: 0.7}, []hamiltonian.Pair{hamiltonian.Coulomb{}}},
		{hamiltonian.Trap{N: 4, D: 3, Omega: 1.3, Elliptical: true, Gamma: 2.5}, hamiltonian.Elliptical{Omega: 1.3, Gamma: 2.5}, nil},
		{hamiltonian.Trap{N: 6, D: 2, Omega: 1, HardSphere: 0.01, Coulomb: true}, hamiltonian.Harmonic{Omega: 1},
			[]hamiltonian.Pair{hamiltonian.HardSphere{Radius: 0.01}, hamiltonian.Coulomb{}}},
	}
	for _, c := range cases {
		a := hamiltonian.MustTrap(c.trap)
		b, err := hamiltonian.NewParticles(c.trap.N, c.trap.D, c.ext, c.p...)
		if err != nil {
			t.Fatal(err)
		}
		if va, vb := a.Potential(x), b.Potential(x); va != vb || math.IsNaN(va) {
			t.Errorf("%+v: NewTrap V = %v, composed %v", c.trap, va, vb)
		}
		xa, xb := make([]float64, 12), make([]float64, 12)
		if err := a.InitialPositions(xa, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Fatal(err)
		}
		if err := b.InitialPositions(xb, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Fatal(err)
		}
		for k := range xa {
			if xa[k] != xb[k] {
				t.Fatalf("%+v: initial positions differ at %d", c.trap, k)
			}
		}
	}
}

// A user's pair with a hard core: +Inf inside, the overlap test, and
// starting configurations that respect it.
func TestUserHardCore(t *testing.T) {
	pair := gaussPair{g: 1, s: 1, core: 0.3}
	h, err := hamiltonian.NewParticles(20, 2, hamiltonian.Harmonic{Omega: 1}, pair)
	if err != nil {
		t.Fatal(err)
	}
	if h.Core() != 0.3 {
		t.Errorf("core %v, want 0.3", h.Core())
	}
	x := make([]float64, 40)
	rng := rand.New(rand.NewPCG(9, 9))
	for range 20 {
		if err := h.InitialPositions(x, rng); err != nil {
			t.Fatal(err)
		}
		if h.Overlaps(x) || math.IsInf(h.Potential(x), 0) {
			t.Fatal("starting configuration has overlapping cores")
		}
	}
	x[2], x[3] = x[0]+0.2, x[1]
	if !h.Overlaps(x) || !math.IsInf(h.Potential(x), 1) {
		t.Error("particles at distance 0.2 < 0.3 not reported as overlapping")
	}
	tight, err := hamiltonian.NewParticles(50, 1, hamiltonian.Harmonic{Omega: 1}, hamiltonian.HardSphere{Radius: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := tight.InitialPositions(make([]float64, 50), rng); !errors.Is(err, hamiltonian.ErrPlacement) {
		t.Errorf("impossible placement: %v, want ErrPlacement", err)
	}
}

func TestNewParticlesRejects(t *testing.T) {
	h := hamiltonian.Harmonic{Omega: 1}
	for name, f := range map[string]func() error{
		"no particles":  func() error { _, err := hamiltonian.NewParticles(0, 1, h); return err },
		"no dimensions": func() error { _, err := hamiltonian.NewParticles(1, 0, h); return err },
		"no potential":  func() error { _, err := hamiltonian.NewParticles(1, 1, nil); return err },
		"elliptical 2D": func() error {
			_, err := hamiltonian.NewParticles(1, 2, hamiltonian.Elliptical{Omega: 1, Gamma: 2})
			return err
		},
		"negative core": func() error {
			_, err := hamiltonian.NewParticles(2, 1, h, hamiltonian.HardSphere{Radius: -1})
			return err
		},
		"nil pair":     func() error { _, err := hamiltonian.NewParticles(2, 1, h, nil); return err },
		"NaN core":     func() error { _, err := hamiltonian.NewParticles(2, 1, h, gaussPair{core: math.NaN()}); return err },
		"invalid trap": func() error { _, err := hamiltonian.NewTrap(hamiltonian.Trap{N: 1, D: 1}); return err },
		"elliptical z 0": func() error {
			_, err := hamiltonian.NewTrap(hamiltonian.Trap{N: 1, D: 3, Omega: 1, Elliptical: true})
			return err
		},
	} {
		if f() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	zero := mustParticles(t, 1, 1, hamiltonian.Harmonic{Omega: math.Inf(1)})
	if err := zero.InitialPositions(make([]float64, 1), rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("zero width accepted")
	}
}

func mustParticles(t *testing.T, n, d int, ext hamiltonian.External, p ...hamiltonian.Pair) *hamiltonian.Particles {
	t.Helper()
	h, err := hamiltonian.NewParticles(n, d, ext, p...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
