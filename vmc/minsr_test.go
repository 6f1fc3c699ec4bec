package vmc_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// On the same samples the minSR update equals the dense SR one, with more
// samples than parameters and with fewer, on 1, 2 and 3 ranks, and every
// rank ends with the same bits. Both are direct solves of systems of
// condition ≲ 1e3 (shift 1e-3 on S of order 1), so they agree to ~1e-12;
// 1e-9 leaves a margin.
func TestMinSREqualsDense(t *testing.T) {
	systems := map[string]func() vmc.System{
		"scripted P=30": func() vmc.System { return &scripted{p: make([]float64, 30)} },
		"rbm P=24":      func() vmc.System { return rbmSystem(t, 4) },
		// Complex amplitudes: 2M stacked rows (Re O, Im O).
		"complex rbm P=54": func() vmc.System { return complexRingSystem(t) },
	}
	for name, mk := range systems {
		for _, samples := range []int{200, 4} { // M ≥ P and M < P
			for _, ranks := range []int{1, 2, 3} {
				opt := vmc.Options{Walkers: 2, Samples: samples, BurnIn: 20, Seed: 11, Rule: optim.NewGD(0.1), SyncEvery: -1}
				sr := optim.SR{Shift: 1e-3}
				p0 := mk().Params(nil)
				opt.SRSolver = vmc.SRDense
				dense := stepParams(t, ranks, 1, mk, opt, sr)
				opt.SRSolver = vmc.SRMin
				min := stepParams(t, ranks, 1, mk, opt, sr)
				dd, dm := make([]float64, len(p0)), make([]float64, len(p0))
				for k := range p0 {
					dd[k], dm[k] = dense[0][k]-p0[k], min[0][k]-p0[k]
				}
				if r := relDiff(dm, dd); !(r < 1e-9) {
					t.Errorf("%s, %d samples per walker, %d ranks: minSR update differs from dense by %.3g (relative)", name, samples, ranks, r)
				}
				for r := 1; r < ranks; r++ {
					for k := range min[r] {
						if math.Float64bits(min[r][k]) != math.Float64bits(min[0][k]) {
							t.Fatalf("%s, %d ranks: rank %d parameter %d = %v, rank 0 has %v", name, ranks, r, k, min[r][k], min[0][k])
						}
					}
				}
			}
		}
	}
}

// minSR needs a SampleSpace solver with an absolute, positive shift; the
// errors say so.
func TestMinSRErrors(t *testing.T) {
	opt := vmc.Options{Walkers: 1, Samples: 10, Iterations: 1, Seed: 1, Rule: optim.NewGD(0.1), SR: &captureSR{}, SRSolver: vmc.SRMin}
	if _, err := vmc.New(comm.NewSerial(), &scripted{p: make([]float64, 5)}, opt); err == nil || !strings.Contains(err.Error(), "SolveSamples") {
		t.Errorf("a preconditioner without SolveSamples: error %v", err)
	}
	opt.SR = &optim.SR{Shift: 0.01, Relative: true}
	d, err := vmc.New(comm.NewSerial(), &scripted{p: make([]float64, 5)}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Step(context.Background()); err == nil || !strings.Contains(err.Error(), "relative") {
		t.Errorf("a relative shift: error %v", err)
	}
}

// complexRingSystem is a 6-site J1–J2 ring with a random full complex RBM
// of 3 hidden units (54 real parameters): a state with phases.
func complexRingSystem(t *testing.T) vmc.System {
	t.Helper()
	lat, err := hamiltonian.NewLattice(hamiltonian.Chain, 6, true)
	if err != nil {
		t.Fatal(err)
	}
	h, err := hamiltonian.NewJ1J2(lat, 1, 0.4, false)
	if err != nil {
		t.Fatal(err)
	}
	m := wavefunc.NewComplexSpinRBM(6, 3)
	m.Randomize(0.3, rand.New(rand.NewPCG(2, 3)))
	sys, err := vmc.NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		t.Fatal(err)
	}
	return sys
}
