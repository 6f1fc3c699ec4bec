package hamiltonian

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := Trap{N: 2, D: 3, Omega: 1}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid system rejected: %v", err)
	}
	cases := []struct {
		name string
		h    Trap
		key  string // the config key the message must name
	}{
		{"no particles", Trap{N: 0, D: 2, Omega: 1}, "system.particles"},
		{"d=0", Trap{N: 1, D: 0, Omega: 1}, "system.dimensions"},
		{"d=4", Trap{N: 1, D: 4, Omega: 1}, "system.dimensions"},
		{"omega 0", Trap{N: 1, D: 1, Omega: 0}, "system.omega"},
		{"omega NaN", Trap{N: 1, D: 1, Omega: math.NaN()}, "system.omega"},
		{"omega Inf", Trap{N: 1, D: 1, Omega: math.Inf(1)}, "system.omega"},
		{"elliptical 2D", Trap{N: 1, D: 2, Omega: 1, Elliptical: true, Gamma: 2}, "system.dimensions"},
		{"gamma 0", Trap{N: 1, D: 3, Omega: 1, Elliptical: true}, "system.gamma"},
		{"gamma NaN", Trap{N: 1, D: 3, Omega: 1, Elliptical: true, Gamma: math.NaN()}, "system.gamma"},
		{"radius <0", Trap{N: 2, D: 3, Omega: 1, HardSphere: -1}, "system.radius"},
		{"radius NaN", Trap{N: 2, D: 3, Omega: 1, HardSphere: math.NaN()}, "system.radius"},
	}
	for _, c := range cases {
		err := c.h.Validate()
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: error %q does not name %s", c.name, err, c.key)
		}
	}
}

func TestPotential(t *testing.T) {
	// Hand-computed values; exact in binary floating point up to the last
	// bit of a square root, hence 1e-14.
	cases := []struct {
		name string
		h    Trap
		x    []float64
		want float64
	}{
		// ½·2²·(1+4) = 10
		{"1D trap", Trap{N: 2, D: 1, Omega: 2}, []float64{1, -2}, 10},
		// ½·(1+4+9) = 7
		{"3D trap", Trap{N: 1, D: 3, Omega: 1}, []float64{1, 2, 3}, 7},
		// ½·0.25·(1 + 1 + 4·1) = 0.75
		{"elliptical", Trap{N: 1, D: 3, Omega: 0.5, Elliptical: true, Gamma: 2}, []float64{1, 1, 1}, 0.75},
		// trap ½(0 + 9+16) = 12.5, Coulomb 1/5
		{"coulomb", Trap{N: 2, D: 2, Omega: 1, Coulomb: true}, []float64{0, 0, 3, 4}, 12.7},
		// (1,0), (−1,0), (0,2): trap ½(1+1+4), pairs 1/2 + 2/√5
		{"coulomb 3", Trap{N: 3, D: 2, Omega: 1, Coulomb: true}, []float64{1, 0, -1, 0, 0, 2},
			0.5*(1+1+4) + 1/2.0 + 2/math.Sqrt(5)},
		{"hard sphere apart", Trap{N: 2, D: 2, Omega: 1, HardSphere: 0.5}, []float64{0, 0, 0, 1}, 0.5},
		{"hard sphere touching", Trap{N: 2, D: 2, Omega: 1, HardSphere: 1}, []float64{0, 0, 0, 1}, math.Inf(1)},
	}
	for _, c := range cases {
		got := MustTrap(c.h).Potential(c.x)
		if got != c.want && math.Abs(got-c.want) > 1e-14*math.Abs(c.want) {
			t.Errorf("%s: V = %.17g, want %.17g", c.name, got, c.want)
		}
	}
}

func TestLocalEnergy(t *testing.T) {
	// One particle, 2D, ω = 1, Ψ = exp(−r²/2): ∇lnΨ = −x, ∇²lnΨ = −2,
	// E_L = −½(−2 + r²) + ½r² = 1 for any x.
	h := MustTrap(Trap{N: 1, D: 2, Omega: 1})
	x := []float64{0.3, -1.7}
	grad := []float64{-0.3, 1.7}
	if e := h.LocalEnergy(x, grad, -2); math.Abs(e-1) > 1e-14 {
		t.Fatalf("E_L = %.17g, want 1", e)
	}
	hc := MustTrap(Trap{N: 3, D: 3, Omega: 1, Coulomb: true})
	xc := []float64{0, 0, 0, 1, 0, 0, 0, 2, 0}
	gc := make([]float64, 9)
	if a := testing.AllocsPerRun(100, func() { hc.LocalEnergy(xc, gc, 0) }); a != 0 {
		t.Errorf("LocalEnergy allocates %v times", a)
	}
}

func TestExact(t *testing.T) {
	// Exact spectra of the harmonic oscillator: each coordinate contributes
	// ω(n + ½); spin-½ fermions fill each orbital twice.
	cases := []struct {
		name string
		h    Trap
		want float64
	}{
		{"bosons 1D", Trap{N: 4, D: 1, Omega: 2}, 4},
		{"bosons 3D", Trap{N: 10, D: 3, Omega: 1}, 15},
		{"elliptical", Trap{N: 1, D: 3, Omega: 1, Elliptical: true, Gamma: 2.82843}, 1 + 2.82843/2},
		{"elliptical N=10 ω=2", Trap{N: 10, D: 3, Omega: 2, Elliptical: true, Gamma: 3}, 10 * 2 * 2.5},
		{"fermions 2D N=2", Trap{N: 2, D: 2, Omega: 1, Fermions: true}, 2},
		{"fermions 2D N=6", Trap{N: 6, D: 2, Omega: 1, Fermions: true}, 10},
		{"fermions 2D N=12", Trap{N: 12, D: 2, Omega: 1, Fermions: true}, 28},
		{"fermions 2D N=20 ω=0.5", Trap{N: 20, D: 2, Omega: 0.5, Fermions: true}, 30},
		{"fermions 3D N=2", Trap{N: 2, D: 3, Omega: 1, Fermions: true}, 3},
		{"fermions 3D N=8", Trap{N: 8, D: 3, Omega: 1, Fermions: true}, 18},
		{"fermions 3D N=20", Trap{N: 20, D: 3, Omega: 1, Fermions: true}, 60},
		// 1D: 0.5+0.5+1.5 = 2.5 for N = 3.
		{"fermions 1D N=3", Trap{N: 3, D: 1, Omega: 1, Fermions: true}, 2.5},
		// Elliptical, γ = 3: orbitals (0,0,0) 2.5 and (1,0,0) 3.5 twice.
		{"fermions elliptical γ=3", Trap{N: 4, D: 3, Omega: 1, Elliptical: true, Gamma: 3, Fermions: true}, 12},
		// γ = ½: (0,0,0) 1.25, then (0,0,1) 1.75 below (1,0,0) 2.25.
		{"fermions elliptical γ=½", Trap{N: 4, D: 3, Omega: 1, Elliptical: true, Gamma: 0.5, Fermions: true}, 6},
		// Closed 3D shells s ≤ 9: N = 2·Σ g_s = 440, g_s = (s+1)(s+2)/2,
		// E = 2 Σ g_s (s + 3/2).
		{"fermions 3D N=440", Trap{N: 440, D: 3, Omega: 1, Fermions: true}, closed3D(9)},
		{"Taut 2D", Trap{N: 2, D: 2, Omega: 1, Coulomb: true, Fermions: true}, 3},
		{"Hooke 3D", Trap{N: 2, D: 3, Omega: 0.5, Coulomb: true}, 2},
		{"one particle, Coulomb", Trap{N: 1, D: 2, Omega: 1, Coulomb: true}, 1},
	}
	for _, c := range cases {
		e, ok := c.h.Exact()
		if !ok || math.Abs(e-c.want) > 1e-12 {
			t.Errorf("%s: Exact = %v, %v; want %v", c.name, e, ok, c.want)
		}
		if r, rok := MustTrap(c.h).Exact(); r != e || !rok {
			t.Errorf("%s: NewTrap's reference %v, %v; want %v", c.name, r, rok, e)
		}
	}
	unknown := []Trap{
		{N: 6, D: 2, Omega: 1, Coulomb: true, Fermions: true},
		{N: 2, D: 2, Omega: 0.5, Coulomb: true},
		{N: 10, D: 3, Omega: 1, HardSphere: 0.0043},
		{N: 0, D: 3, Omega: 1},
	}
	for _, h := range unknown {
		if e, ok := h.Exact(); ok {
			t.Errorf("%+v: Exact claims %v", h, e)
		}
	}
}

func TestOverlaps(t *testing.T) {
	h := MustTrap(Trap{N: 3, D: 2, Omega: 1, HardSphere: 1})
	if h.Overlaps([]float64{0, 0, 2, 0, 0, 2}) {
		t.Error("separated spheres reported as overlapping")
	}
	if !h.Overlaps([]float64{0, 0, 2, 0, 2.5, 0.5}) {
		t.Error("spheres 2 and 3 at distance 0.71 < 1 not reported")
	}
	// r = a counts as overlap (Ψ vanishes there).
	if !h.Overlaps([]float64{0, 0, 1, 0, 5, 5}) {
		t.Error("touching spheres not reported")
	}
	free := MustTrap(Trap{N: 2, D: 2, Omega: 1})
	if free.Overlaps([]float64{0, 0, 0, 0}) {
		t.Error("overlap reported without hard spheres")
	}
}

func TestInitialPositions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	h := MustTrap(Trap{N: 100, D: 3, Omega: 1, HardSphere: 0.1})
	x := make([]float64, h.N*h.D)
	if err := h.InitialPositions(x, rng); err != nil {
		t.Fatal(err)
	}
	if h.Overlaps(x) {
		t.Fatal("initial positions overlap")
	}
	// The spread is ~1/√ω per coordinate: the mean square of 300 standard
	// normals is 1 ± √(2/300) ≈ 0.08; 0.5 is a six-sigma band.
	ms := 0.0
	for _, v := range x {
		ms += v * v
	}
	ms /= float64(len(x))
	if math.Abs(ms-1) > 0.5 {
		t.Errorf("mean square coordinate %v, want ≈ 1/ω = 1", ms)
	}
	big := MustTrap(Trap{N: 50, D: 3, Omega: 1, HardSphere: 5})
	err := big.InitialPositions(make([]float64, 150), rng)
	if err == nil || !errors.Is(err, ErrPlacement) || !strings.Contains(err.Error(), "system.radius") {
		t.Fatalf("impossible radius gives error %v, want one naming system.radius", err)
	}
	if _, err := NewTrap(Trap{N: 2, D: 5, Omega: 1}); err == nil {
		t.Fatal("invalid system accepted")
	}
}

// closed3D is the energy (ω = 1) of the 3D closed shells s ≤ S.
func closed3D(S int) float64 {
	e := 0.0
	for s := 0; s <= S; s++ {
		e += float64((s+1)*(s+2)) * (float64(s) + 1.5)
	}
	return e
}
