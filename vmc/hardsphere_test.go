package vmc_test

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

// Hard-sphere bosons have no closed-form energy, but the two samplers are
// independent algorithms for the same |Ψ|²: their energies must agree
// within 4 combined error bars, and the repulsion must raise the energy
// significantly above the non-interacting N·d/2 (a = 0.2 is large enough
// for the Jastrow factor's kinetic term to matter).
func TestHardSphereSamplersAgree(t *testing.T) {
	const n, d, a = 5, 3, 0.2
	prod := 20000
	if testing.Short() {
		prod = 5000
	}
	var res []*vmc.Result
	for _, set := range []sampler.Settings{{Kind: sampler.Metropolis, Step: 1.2}, {Kind: sampler.Importance, Step: 0.2}} {
		h := hamiltonian.MustTrap(hamiltonian.Trap{N: n, D: d, Omega: 1, HardSphere: a})
		m := wavefunc.NewProduct(wavefunc.NewGaussian(n, d, 0.5, 1), wavefunc.NewHardSphereJastrow(n, d, a))
		sys, err := vmc.NewContinuous(h, m, set)
		if err != nil {
			t.Fatal(err)
		}
		r := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 4, BurnIn: 500, Production: prod, Seed: 17})
		if _, ok := sys.Exact(); ok {
			t.Error("hard spheres claim an exact energy")
		}
		t.Logf("%v: E = %.5f ± %.5f, acceptance %.3f", set.Kind, r.Energy, r.Error, r.Acceptance)
		res = append(res, r)
	}
	if diff, e := math.Abs(res[0].Energy-res[1].Energy), math.Hypot(res[0].Error, res[1].Error); diff > 4*e {
		t.Errorf("metropolis %.5f ± %.5f, importance %.5f ± %.5f", res[0].Energy, res[0].Error, res[1].Energy, res[1].Error)
	}
	free := float64(n*d) / 2
	for _, r := range res {
		if r.Energy < free+4*r.Error || r.Energy < free+1e-3 {
			t.Errorf("E = %.5f ± %.5f not above the non-interacting %g", r.Energy, r.Error, free)
		}
	}
}
