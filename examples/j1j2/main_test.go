package main

import (
	"math"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// The trained RBM's energy must be within a relative 1e-3 of Lanczos on
// the same operator, and not below it by more than 3σ (the variational
// principle); Lanczos itself must give the Majumdar–Ghosh −3L/8.
func TestRun(t *testing.T) {
	if testing.Short() {
		// A tenth of the samples: still well inside the tolerance (a
		// relative error of 2e-4), and quick under the race detector.
		opts.Samples, opts.Iterations, opts.Production = 100, 100, 1000
	}
	var out strings.Builder
	res, e0, err := run(&out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if want := -3.0 * sites / 8; math.Abs(e0-want) > 1e-9 {
		t.Errorf("Lanczos E0 = %.12f, want the Majumdar–Ghosh %g", e0, want)
	}
	rel := math.Abs((res.Energy - e0) / e0)
	if rel > 1e-3 {
		t.Errorf("E = %.6f ± %.6f, relative error %.1e against Lanczos %.8f, want < 1e-3",
			res.Energy, res.Error, rel, e0)
	}
	if !(res.Error > 0 && res.Error < 1e-3*math.Abs(e0)) {
		t.Errorf("error bar %g: want 0 < σ < 1e-3·|E0|", res.Error)
	}
	if res.Energy < e0-3*res.Error {
		t.Errorf("E = %.6f ± %.6f lies below the exact %.8f", res.Energy, res.Error, e0)
	}
	if !strings.Contains(out.String(), "relative error") {
		t.Errorf("output lacks the comparison:\n%s", out.String())
	}
}

// Away from the Majumdar–Ghosh point the user's operator must still be
// the right chain: at J2 = 0 Lanczos must give the built-in Heisenberg
// ring's energy.
func TestJ1J2AtZero(t *testing.T) {
	h, err := j1j2(sites, 0)
	if err != nil {
		t.Fatal(err)
	}
	lat, err := hamiltonian.NewLattice(hamiltonian.Chain, sites, true)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := hamiltonian.NewHeisenberg(lat, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	got, err := exact.GroundState(h, exact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := exact.GroundState(ref, exact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Energy-want.Energy) > 1e-9 {
		t.Errorf("J2 = 0: E0 = %.12f, built-in Heisenberg ring %.12f", got.Energy, want.Energy)
	}
}
