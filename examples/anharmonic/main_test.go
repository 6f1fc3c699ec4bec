package main

import (
	"math"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// The example's energy must agree with the exact E0 of its Hamiltonian
// within 3σ, with an error bar small enough that a Gaussian trial (whose
// optimum lies 1.2e-3 above E0) would fail, and the trained Ψ's own
// variational energy, by quadrature, must lie above E0 by less than σ/3,
// so that the agreement is not luck.
func TestRun(t *testing.T) {
	var out strings.Builder
	res, psi, err := run(&out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if !strings.Contains(out.String(), "exact E = 0.559146327") {
		t.Errorf("output lacks the exact energy:\n%s", out.String())
	}
	exact, _ := reference(quartic{}.V, 8, 0.02)
	sigma := res.Error
	if !(sigma > 0 && sigma < 1e-4) {
		t.Fatalf("error bar %g: want 0 < σ < 1e-4", sigma)
	}
	if d := res.Energy - exact; math.Abs(d) > 3*sigma {
		t.Errorf("E = %.7f ± %.7f is %.1fσ from the exact %.9f", res.Energy, sigma, d/sigma, exact)
	}
	gap := quadratureEnergy(psi) - exact
	t.Logf("variational gap of the trained Ψ: %.2e (σ = %.2e)", gap, sigma)
	// The quadrature is exact to ~1e-10; a negative gap would mean a bug.
	if gap < -1e-9 || gap > sigma/3 {
		t.Errorf("variational gap %.2e: want 0 ≤ gap < σ/3 = %.2e", gap, sigma/3)
	}
}

// quadratureEnergy is ⟨Ψ|H|Ψ⟩/⟨Ψ|Ψ⟩ = ∫ Ψ² (½(ln Ψ)'² + V) / ∫ Ψ² (the
// kinetic term integrated by parts) by the trapezoidal rule on a fine grid,
// which converges faster than any power for a smooth, fast-decaying
// integrand.
func quadratureEnergy(psi wavefunc.Model) float64 {
	const a, h = 8.0, 1e-3
	num, den := 0.0, 0.0
	g := []float64{0}
	for i := -int(a / h); i <= int(a/h); i++ {
		x := float64(i) * h
		s := psi.NewState([]float64{x})
		s.Derivs(g)
		p := math.Exp(2 * s.LogPsi())
		num += p * (g[0]*g[0]/2 + quartic{}.V(x))
		den += p
	}
	return num / den
}

// The finite-difference reference: exact for the harmonic trap, converged
// in the grid spacing and independent of the box for the quartic one.
func TestReference(t *testing.T) {
	e, est := reference(func(x float64) float64 { return x * x / 2 }, 8, 0.02)
	if math.Abs(e-0.5) > 1e-9 || est > 1e-9 {
		t.Errorf("harmonic E0 = %.12f (estimated error %.1e), want 0.5", e, est)
	}
	e, est = reference(quartic{}.V, 8, 0.02)
	t.Logf("quartic E0 = %.12f (estimated error %.1e)", e, est)
	if est > 1e-9 {
		t.Errorf("estimated discretisation error %.1e, want < 1e-9", est)
	}
	for _, c := range []struct{ a, h float64 }{{8, 0.04}, {6, 0.02}, {10, 0.02}} {
		if ec, _ := reference(quartic{}.V, c.a, c.h); math.Abs(ec-e) > 2e-9 {
			t.Errorf("box %g, spacing %g: E0 = %.12f, differs from %.12f", c.a, c.h, ec, e)
		}
	}
	// Without Richardson extrapolation the three-point Laplacian's error
	// is c·h²: quartering it when h halves.
	e1, e2 := fdLowest(quartic{}.V, 8, 0.04), fdLowest(quartic{}.V, 8, 0.02)
	if r := (e1 - e) / (e2 - e); math.Abs(r-4) > 0.01 {
		t.Errorf("error ratio %.4f between spacings 0.04 and 0.02, want 4", r)
	}
}

// A Gaussian trial e^{−αx²} cannot pass TestRun: its best energy,
// E(α) = α/2 + 1/(8α) + 3λ/(16α²) in closed form, lies more than 1e-3
// above E0, beyond 3σ for any σ < 1e-4 that TestRun accepts.
func TestGaussianGap(t *testing.T) {
	energy := func(a float64) float64 { return a/2 + 1/(8*a) + 3*0.1/(16*a*a) }
	// Golden-section search for the minimum on α ∈ [0.3, 1].
	lo, hi := 0.3, 1.0
	g := (math.Sqrt(5) - 1) / 2
	for hi-lo > 1e-10 {
		a, b := hi-g*(hi-lo), lo+g*(hi-lo)
		if energy(a) < energy(b) {
			hi = b
		} else {
			lo = a
		}
	}
	e0, _ := reference(quartic{}.V, 8, 0.02)
	gap := energy((lo+hi)/2) - e0
	t.Logf("best Gaussian: α = %.6f, E − E0 = %.3e", (lo+hi)/2, gap)
	if gap < 1e-3 {
		t.Errorf("Gaussian gap %.3e, want > 1e-3", gap)
	}
}
