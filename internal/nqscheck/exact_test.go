package nqscheck

import (
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/vmctest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// evaluate runs production only (no optimisation) on one rank.
func evaluate(t *testing.T, sys vmc.System, samples int) *vmc.Result {
	t.Helper()
	return vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 2, BurnIn: 100, Production: samples, Seed: 5})
}

// At a = 0, W = 0 and σ² = 1/ω (1/(2ω) for Ψ = √F) the RBM is the exact
// ground state of N non-interacting particles: E = N·d·ω/2 with zero
// variance, whatever configuration the sampler visits; the random biases
// b only add a constant to ln Ψ. Local energies are then equal to 1e-10
// (round-off of −½(∇² + |∇|²) + V).
func TestRBMExactNonInteracting(t *testing.T) {
	for _, tc := range []struct {
		n, d, h int
		omega   float64
		kind    string
	}{
		{1, 1, 2, 1, "metropolis"},
		{2, 2, 4, 1, "importance"},
		{3, 3, 3, 0.5, "metropolis"},
		{10, 2, 20, 2, "importance"},
		{2, 2, 4, 1, "gibbs"},
		{4, 3, 6, 0.7, "gibbs"},
	} {
		h := hamiltonian.MustTrap(hamiltonian.Trap{N: tc.n, D: tc.d, Omega: tc.omega})
		r := wavefunc.NewRBM(tc.n, tc.d, tc.h, 1/tc.omega)
		p := r.Params(nil)
		for j := range tc.h {
			p[tc.n*tc.d+j] = 0.1 * float64(j+1) // b_j ≠ 0: a constant in ln Ψ
		}
		var sys vmc.System
		var err error
		switch tc.kind {
		case "gibbs":
			r = wavefunc.NewRBM(tc.n, tc.d, tc.h, 1/(2*tc.omega))
			r.Sqrt = true
			sys, err = vmc.NewGibbsContinuous(h, r, 1)
		default:
			kind, _ := sampler.ParseKind(tc.kind)
			sys, err = vmc.NewContinuous(h, r, sampler.Settings{Kind: kind, Step: 0.5})
		}
		if err != nil {
			t.Fatal(err)
		}
		r.SetParams(p)
		res := evaluate(t, sys, 2000)
		want := float64(tc.n*tc.d) * tc.omega / 2
		if math.Abs(res.Energy-want) > 1e-10 || res.Variance > 1e-18 {
			t.Errorf("N=%d d=%d ω=%v %s: E = %.12f (variance %.3g), want %v with zero variance",
				tc.n, tc.d, tc.omega, tc.kind, res.Energy, res.Variance, want)
		}
	}
}
