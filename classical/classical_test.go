package classical

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// within fails when got and want differ by more than k standard errors.
func within(t *testing.T, what string, got, err, want, k float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > k*err {
		t.Errorf("%s = %.6g ± %.2g, want %.6g (|Δ| = %.2fσ)", what, got, err, want, math.Abs(got-want)/err)
	}
}

func TestEllipticK(t *testing.T) {
	// K(0) = π/2; K(1/√2) = Γ(1/4)²/(4√π).
	g := math.Gamma(0.25)
	for _, c := range []struct{ k, want float64 }{
		{0, math.Pi / 2},
		{1 / math.Sqrt2, g * g / (4 * math.Sqrt(math.Pi))},
	} {
		if got := EllipticK(c.k); math.Abs(got-c.want) > 1e-14 {
			t.Errorf("K(%v) = %.17g, want %.17g", c.k, got, c.want)
		}
	}
	// Against the defining integral by the midpoint rule (error ~1e-10).
	for _, k := range []float64{0.3, 0.9, 0.99} {
		const n = 20000
		var s float64
		for i := range n {
			th := (float64(i) + 0.5) * math.Pi / 2 / n
			s += 1 / math.Sqrt(1-k*k*math.Sin(th)*math.Sin(th))
		}
		s *= math.Pi / 2 / n
		if got := EllipticK(k); math.Abs(got-s) > 1e-8 {
			t.Errorf("K(%v) = %.12g, quadrature %.12g", k, got, s)
		}
	}
}

func TestOnsager(t *testing.T) {
	tc := Ising.CriticalTemperature()
	// Ground state −2, u(T_c) = −√2 and continuity through T_c; u = −dlnZ/dβ
	// is checked against the exact 4×4 lattice far above T_c where finite-size
	// effects are exponentially small.
	if u := OnsagerEnergy(0.05); math.Abs(u+2) > 1e-12 {
		t.Errorf("u(0.05) = %v, want −2", u)
	}
	if u := OnsagerEnergy(tc); math.Abs(u+math.Sqrt2) > 1e-12 {
		t.Errorf("u(T_c) = %v, want −√2", u)
	}
	for _, d := range []float64{1e-6, -1e-6} {
		if u := OnsagerEnergy(tc + d); math.Abs(u+math.Sqrt2) > 1e-3 {
			t.Errorf("u(T_c%+g) = %v, want ≈ −√2", d, u)
		}
	}
	// High-temperature series: ln Z/N = ln 2 + 2 ln cosh β + t⁴ + O(t⁶) with
	// t = tanh β (the plaquettes), so u = −2t − 4t³(1 − t²) + O(t⁵).
	for _, T := range []float64{10, 20, 50} {
		tb := math.Tanh(1 / T)
		want := -2*tb - 4*tb*tb*tb*(1-tb*tb)
		if u := OnsagerEnergy(T); math.Abs(u-want) > 20*math.Pow(tb, 5) {
			t.Errorf("u(%v) = %v, high-T series %v", T, u, want)
		}
	}
	if m := OnsagerMagnetization(tc + 0.01); m != 0 {
		t.Errorf("M(T > T_c) = %v, want 0", m)
	}
	if m := OnsagerMagnetization(0.5); math.Abs(m-1) > 1e-6 {
		t.Errorf("M(0.5) = %v, want ≈ 1", m)
	}
}

func TestExactConsistency(t *testing.T) {
	// C_v = d⟨e⟩/dT (per site) by central differences of the exact energy.
	const h = 1e-4
	for _, m := range []Model{Ising, Potts3} {
		L := 4
		if !m.Ising {
			L = 3
		}
		for _, T := range []float64{0.8, 1.5, 2.269, 3.5} {
			o, err := Exact(m, L, []float64{T - h, T, T + h})
			if err != nil {
				t.Fatal(err)
			}
			fd := (o[2].E - o[0].E) / (2 * h)
			if math.Abs(fd-o[1].Cv) > 1e-6*math.Max(1, o[1].Cv) {
				t.Errorf("%v T=%v: C_v = %.9g, d⟨e⟩/dT = %.9g", m, T, o[1].Cv, fd)
			}
		}
	}
	if _, err := Exact(Ising, 6, []float64{1}); err == nil {
		t.Error("Exact accepted 2^36 states")
	}
	if _, err := Exact(Ising, 4, []float64{0}); err == nil {
		t.Error("Exact accepted T = 0")
	}
}

// TestMCvsExact is the generator's acceptance test on small lattices: both
// algorithms agree with exact enumeration within 3σ (4σ for C_v and χ,
// whose error bars are themselves estimates from a variance series).
func TestMCvsExact(t *testing.T) {
	samples := 1 << 16
	if testing.Short() {
		samples = 1 << 13
	}
	cases := []struct {
		m     Model
		L     int
		temps []float64
	}{
		{Ising, 4, []float64{1.5, 2.269, 3.5}},
		{Potts3, 3, []float64{0.8, 1.0, 1.5}},
	}
	seed := uint64(1)
	for _, c := range cases {
		ex, err := Exact(c.m, c.L, c.temps)
		if err != nil {
			t.Fatal(err)
		}
		for i, T := range c.temps {
			for _, alg := range []Algorithm{Metropolis, Wolff} {
				seed++
				r, err := Run(Options{Model: c.m, L: c.L, T: T, Algorithm: alg, Thermalize: 200, Samples: samples, Every: 1, Seed1: seed, Seed2: 7})
				if err != nil {
					t.Fatal(err)
				}
				name := c.m.String() + " " + string(alg) + " T=" + formatT(T)
				within(t, name+" e", r.E, r.EErr, ex[i].E, 3)
				within(t, name+" |m|", r.M, r.MErr, ex[i].M, 3)
				within(t, name+" C_v", r.Cv, r.CvErr, ex[i].Cv, 4)
				within(t, name+" χ", r.Chi, r.ChiErr, ex[i].Chi, 4)
			}
		}
	}
}

func formatT(T float64) string { return strings.TrimRight(strings.TrimRight(fmtF(T), "0"), ".") }

func fmtF(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }

// TestL32Onsager: L = 32 energy within 1 % of Onsager's at T = 1.5 and 3.0,
// and |m| within 1 % of the spontaneous magnetisation at T = 1.5.
func TestL32Onsager(t *testing.T) {
	samples := 8000
	if testing.Short() {
		samples = 2500
	}
	for _, T := range []float64{1.5, 3.0} {
		r, err := Run(Options{Model: Ising, L: 32, T: T, Thermalize: 500, Samples: samples, Every: 2, Seed1: 3, Seed2: uint64(T * 10)})
		if err != nil {
			t.Fatal(err)
		}
		u := OnsagerEnergy(T)
		if rel := math.Abs(r.E/u - 1); rel > 0.01 || r.EErr > 0.003*math.Abs(u) {
			t.Errorf("L=32 T=%v: e = %.5f ± %.5f, Onsager %.5f (%.2f %%)", T, r.E, r.EErr, u, 100*rel)
		}
		if T < 2 {
			m0 := OnsagerMagnetization(T)
			if rel := math.Abs(r.M/m0 - 1); rel > 0.01 {
				t.Errorf("L=32 T=%v: |m| = %.5f ± %.5f, Onsager %.5f", T, r.M, r.MErr, m0)
			}
		}
	}
}

// TestBookkeeping checks the incrementally kept energy and counts against a
// recount after many updates of both kinds.
func TestBookkeeping(t *testing.T) {
	for _, m := range []Model{Ising, Potts3} {
		c, err := NewChain(m, 6, 1.2, rand.New(rand.NewPCG(5, 6)))
		if err != nil {
			t.Fatal(err)
		}
		for range 200 {
			c.MetropolisSweep()
			c.WolffStep()
		}
		e, mag := c.Energy(), c.Magnetization()
		c.recount()
		if e != c.Energy() || math.Abs(mag-c.Magnetization()) > 1e-12 {
			t.Errorf("%v: kept E %v |M| %v, recount %v %v", m, e, mag, c.Energy(), c.Magnetization())
		}
		for i, mk := range c.mark {
			if mk {
				t.Fatalf("%v: site %d left marked", m, i)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, T := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if _, err := Run(Options{Model: Ising, L: 4, T: T}); err == nil {
			t.Errorf("T = %v accepted", T)
		}
	}
	if _, err := Run(Options{Model: Model{Q: 3, Ising: true}, L: 4, T: 1}); err == nil {
		t.Error("Ising with q = 3 accepted")
	}
	if _, _, err := ParseSamples("x.txt", []byte("\n \n"), 2); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty data: %v", err)
	}
	if _, _, err := ParseSamples("x.txt", []byte("0101\n011\n"), 2); err == nil || !strings.Contains(err.Error(), "x.txt:2") {
		t.Errorf("ragged data: %v", err)
	}
	if _, _, err := ParseSamples("x.txt", []byte("0121\n"), 2); err == nil {
		t.Error("value 2 accepted for q = 2")
	}
	cfg, n, err := ParseSamples("x.txt", EncodeSamples([]uint8{0, 1, 2, 2, 1, 0}, 3), 3)
	if err != nil || n != 3 || string(EncodeSamples(cfg, 3)) != "012\n210\n" {
		t.Errorf("round trip: %v %d %v", cfg, n, err)
	}
}

func TestSweepsAllocateNothing(t *testing.T) {
	for _, m := range []Model{Ising, Potts3} {
		c, _ := NewChain(m, 8, 1.0, rand.New(rand.NewPCG(1, 1)))
		if a := testing.AllocsPerRun(50, func() { c.MetropolisSweep(); c.WolffStep() }); a != 0 {
			t.Errorf("%v: %v allocations per sweep", m, a)
		}
	}
}
