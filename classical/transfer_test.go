package classical

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestTransferVsEnumeration: the transfer matrix reproduces exact
// enumeration (both are exact; 1e-10 absolute leaves room for rounding,
// which is ~1e-14 here) on the lattices small enough to enumerate.
func TestTransferVsEnumeration(t *testing.T) {
	temps := []float64{0.5, 1, 1.5, 2.269, 3.5, 10}
	for _, L := range []int{2, 3, 4} {
		ex, err := Exact(Ising, L, temps)
		if err != nil {
			t.Fatal(err)
		}
		tm, err := ExactTransferMatrix(L, temps)
		if err != nil {
			t.Fatal(err)
		}
		for i, T := range temps {
			a, b := ex[i], tm[i]
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"e", b.E, a.E}, {"|m|", b.M, a.M}, {"C_v", b.Cv, a.Cv}, {"χ", b.Chi, a.Chi}} {
				if !(math.Abs(c.got-c.want) <= 1e-10) {
					t.Errorf("L=%d T=%v %s: transfer %.15g, enumeration %.15g", L, T, c.name, c.got, c.want)
				}
			}
			if b.T != T || b.EErr != 0 || b.Samples != 0 {
				t.Errorf("L=%d T=%v: %+v", L, T, b)
			}
		}
	}
}

// kaufmanLogZ is ln Z of the L×L periodic Ising lattice at coupling K = 1/T
// from Kaufman's closed form (Phys. Rev. 76, 1232 (1949)), as written by
// Beale (PRL 76, 78 (1996)):
//
//	Z = ½ (2 sinh 2K)^{N/2} Σᵢ Zᵢ,  Z₁,₂ = Π_r 2 cosh, sinh(L γ_{2r+1}/2),
//	Z₃,₄ = Π_r 2 cosh, sinh(L γ_{2r}/2),  r = 0 … L−1,
//	cosh γ_k = cosh² 2K / sinh 2K − cos(πk/L),  γ₀ = 2K + ln tanh K,
//
// where γ₀ turns negative below T_c (Z₄ then changes sign). It is an
// independent check of the transfer matrix beyond enumerable sizes.
func kaufmanLogZ(L int, K float64) float64 {
	c := math.Cosh(2*K) * math.Cosh(2*K) / math.Sinh(2*K)
	gamma := func(k int) float64 {
		if k == 0 {
			return 2*K + math.Log(math.Tanh(K))
		}
		return math.Acosh(c - math.Cos(math.Pi*float64(k)/float64(L)))
	}
	z := [4]float64{1, 1, 1, 1}
	for r := range L {
		g1, g0 := float64(L)*gamma(2*r+1)/2, float64(L)*gamma(2*r)/2
		z[0] *= 2 * math.Cosh(g1)
		z[1] *= 2 * math.Sinh(g1)
		z[2] *= 2 * math.Cosh(g0)
		z[3] *= 2 * math.Sinh(g0)
	}
	n := float64(L * L)
	return math.Log(0.5) + n/2*math.Log(2*math.Sinh(2*K)) + math.Log(z[0]+z[1]+z[2]+z[3])
}

// TestTransferVsKaufman: e = −(1/N) d ln Z/dK and C_v = (K²/N) d² ln Z/dK²
// from Kaufman's ln Z by central differences with steps h and 2h combined
// (Richardson) to cancel the h² term: at h = 1e-3 the h⁴ truncation leaves
// differences up to 4e-9 in e and 5e-9 in C_v (L = 6–10), rounding
// ~1e-16·ln Z/(N h²) ~ 1e-10.
func TestTransferVsKaufman(t *testing.T) {
	Ls := []int{6, 8, 10, 12}
	if testing.Short() {
		Ls = []int{6, 8}
	}
	temps := []float64{1, 1.5, 2.269, 2.5, 3.5}
	const h = 1e-3
	for _, L := range Ls {
		ts := temps
		if L == 12 {
			ts = []float64{2.269} // 3 s a temperature
		}
		tm, err := ExactTransferMatrix(L, ts)
		if err != nil {
			t.Fatal(err)
		}
		n := float64(L * L)
		for i, T := range ts {
			K := 1 / T
			lz := func(k int) float64 { return kaufmanLogZ(L, K+float64(k)*h) }
			l0 := lz(0)
			d1 := func(s int) float64 { return (lz(s) - lz(-s)) / (2 * float64(s) * h) }
			d2 := func(s int) float64 { return (lz(s) - 2*l0 + lz(-s)) / (float64(s*s) * h * h) }
			e := -(4*d1(1) - d1(2)) / 3 / n
			cv := K * K * (4*d2(1) - d2(2)) / 3 / n
			if math.Abs(tm[i].E-e) > 1e-8 || math.Abs(tm[i].Cv-cv) > 1e-7 {
				t.Errorf("L=%d T=%v: transfer e = %.10f, C_v = %.8f; Kaufman %.10f, %.8f", L, T, tm[i].E, tm[i].Cv, e, cv)
			}
		}
	}
}

// TestTransferVsMC: the 8×8 Monte Carlo agrees with the exact values within
// 3σ for e and |m|, 4σ for C_v and χ (whose error bars are estimates from
// a variance series, as in TestMCvsExact).
func TestTransferVsMC(t *testing.T) {
	if testing.Short() {
		t.Skip("long Monte Carlo")
	}
	temps := []float64{1.5, 2.269, 3.0}
	ex, err := ExactTransferMatrix(8, temps)
	if err != nil {
		t.Fatal(err)
	}
	for i, T := range temps {
		r, err := Run(Options{Model: Ising, L: 8, T: T, Thermalize: 1000, Samples: 1 << 16, Every: 2, Seed1: 11, Seed2: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("L=8 %s T=%v", r.Algorithm, T)
		within(t, name+" e", r.E, r.EErr, ex[i].E, 3)
		within(t, name+" |m|", r.M, r.MErr, ex[i].M, 3)
		within(t, name+" C_v", r.Cv, r.CvErr, ex[i].Cv, 3)
		within(t, name+" χ", r.Chi, r.ChiErr, ex[i].Chi, 4)
		t.Logf("%s: Δe = %+.2fσ, Δ|m| = %+.2fσ, ΔC_v = %+.2fσ, Δχ = %+.2fσ", name, (r.E-ex[i].E)/r.EErr, (r.M-ex[i].M)/r.MErr,
			(r.Cv-ex[i].Cv)/r.CvErr, (r.Chi-ex[i].Chi)/r.ChiErr)
	}
}

func TestTransferBadInput(t *testing.T) {
	for _, L := range []int{1, MaxTransferLength + 1, 32} {
		_, err := ExactTransferMatrix(L, []float64{2})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("L = %d", L)) {
			t.Errorf("L = %d: %v", L, err)
		}
	}
	if MaxTransferLength < 10 {
		t.Errorf("MaxTransferLength = %d: the 8×8 and 10×10 studies need 10", MaxTransferLength)
	}
	for _, T := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if _, err := ExactTransferMatrix(4, []float64{1, T}); err == nil {
			t.Errorf("T = %v accepted", T)
		}
	}
}

func TestTransferAllocatesNothing(t *testing.T) {
	tm := newTransfer(6)
	if a := testing.AllocsPerRun(5, func() { tm.observables(2.3) }); a != 0 {
		t.Errorf("%v allocations per temperature", a)
	}
}

// TestMeasureEverySweep: measuring every sweep and continuing the chain
// keeps the stored configurations bit-identical and gives a reference whose
// C_v and χ at low T are within 4σ of the exact values (as in
// TestTransferVsMC: over 20 seeds the mean z² is 1.0–1.5) with σ below 3 %
// (on the 1000 stored configurations alone σ is ≈ 17 % at T = 1).
func TestMeasureEverySweep(t *testing.T) {
	temps := []float64{1.0, 1.5}
	ex, err := ExactTransferMatrix(8, temps)
	if err != nil {
		t.Fatal(err)
	}
	for i, T := range temps {
		o := Options{Model: Ising, L: 8, T: T, Thermalize: 200, Samples: 1000, Every: 10, Keep: true, Seed1: 5, Seed2: uint64(i)}
		stored, err := Run(o)
		if err != nil {
			t.Fatal(err)
		}
		o.MeasureEvery, o.MeasureSweeps = 1, 200000
		r, err := Run(o)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(stored.Configs, r.Configs) {
			t.Fatalf("T = %v: the stored configurations depend on the measurement", T)
		}
		if n := 1000*10 + 200000; len(r.Energy) != n || r.Samples != n || r.Sweeps != 200+n {
			t.Errorf("T = %v: %d measurements, %d samples, %d sweeps; want %d, %d, %d", T, len(r.Energy), r.Samples, r.Sweeps, n, n, 200+n)
		}
		for k := 1; k <= 1000; k++ { // every tenth measurement is a stored configuration's
			if r.Energy[10*k-1] != stored.Energy[k-1] || r.Mag[10*k-1] != stored.Mag[k-1] {
				t.Fatalf("T = %v: measurement %d differs from stored configuration %d", T, 10*k-1, k-1)
			}
		}
		name := fmt.Sprintf("L=8 T=%v every sweep", T)
		for _, q := range []struct {
			what           string
			est, se, exact float64
		}{{"C_v", r.Cv, r.CvErr, ex[i].Cv}, {"χ", r.Chi, r.ChiErr, ex[i].Chi}} {
			within(t, name+" "+q.what, q.est, q.se, q.exact, 4)
			if q.se > 0.03*q.exact {
				t.Errorf("%s %s: error %.2g is %.1f %% of the value", name, q.what, q.se, 100*q.se/q.exact)
			}
		}
		t.Logf("%s: C_v %.5f ± %.5f (exact %.5f; stored only ± %.5f), χ %.5f ± %.5f (exact %.5f)", name, r.Cv, r.CvErr, ex[i].Cv, stored.CvErr, r.Chi, r.ChiErr, ex[i].Chi)
	}
	if _, err := Run(Options{Model: Ising, L: 4, T: 1, MeasureEvery: -1}); err == nil {
		t.Error("MeasureEvery = -1 accepted")
	}
}
