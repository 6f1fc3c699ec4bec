package vmc

import (
	"math"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// TestBlockedObservable: in the exact ground state of two bosons in a 2D
// trap (ω = 1), |Ψ|² ∝ exp(−r²) per particle, so the first particle has
// ⟨x⟩ = 0 and ⟨r²⟩ = D/(2ω) = 1. The blocked estimates must agree within
// 4 of their error bars, which must be positive and finite; the results
// come back in Options order, with plain sums consistent with the means.
func TestBlockedObservable(t *testing.T) {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1})
	cs, err := NewContinuous(h, wavefunc.NewGaussian(2, 2, 0.5, 1), sampler.Settings{Kind: sampler.Metropolis, Step: 1.0})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := NewRadialDensity(2, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	const prod = 5000
	res := runSerial(t, cs, Options{Walkers: 4, BurnIn: 200, Production: prod, Seed: 9, Workers: 2,
		Observables: []Observable{&positionMoments{d: 2}, rd}})
	if len(res.Observables) != 2 || res.Observables[0].Name != "position_moments" || res.Observables[1].Name != RadialDensityName {
		t.Fatalf("observables %+v", res.Observables)
	}
	pm := res.Observables[0]
	if pm.Samples != 4*prod {
		t.Fatalf("%v samples, want %d", pm.Samples, 4*prod)
	}
	for k, want := range []float64{0, 1} {
		m, e := pm.Mean[k], pm.Error[k]
		if !(e > 0) || math.IsInf(e, 0) {
			t.Errorf("value %d: error bar %v", k, e)
		}
		if math.Abs(m-want) > 4*e {
			t.Errorf("value %d: %v ± %v, exact %v", k, m, e, want)
		}
		// The blocking mean and Sum/Samples differ by rounding only.
		if math.Abs(m-pm.Sum[k]/pm.Samples) > 1e-12*(1+math.Abs(m)) {
			t.Errorf("value %d: blocking mean %v, Sum/Samples %v", k, m, pm.Sum[k]/pm.Samples)
		}
	}
	dens := res.Observables[1]
	for k := range dens.Mean {
		if !math.IsNaN(dens.Error[k]) || dens.Mean[k] != dens.Sum[k]/dens.Samples {
			t.Errorf("plain value %d: mean %v error %v, want Sum/Samples and NaN", k, dens.Mean[k], dens.Error[k])
		}
	}
}

// TestObservableErrors: New refuses duplicate names, empty observables and
// walkers an observable cannot measure.
func TestObservableErrors(t *testing.T) {
	rd, err := NewRadialDensity(1, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		obs  []Observable
		want string
	}{
		{"duplicate", []Observable{rd, rd}, "two observables"},
		{"empty", []Observable{&positionMoments{}, emptyObservable{}}, "0 values"},
		{"walker", []Observable{rd}, "needs walkers of particles"},
	} {
		_, err := New(comm.NewSerial(), &sumSystem{p: make([]float64, 2)}, Options{Walkers: 1, Production: 10, Observables: tc.obs})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	for _, bad := range [][3]float64{{0, 4, 1}, {2, 0, 1}, {2, 4, 0}, {2, 4, math.Inf(1)}} {
		if _, err := NewRadialDensity(int(bad[0]), int(bad[1]), bad[2]); err == nil {
			t.Errorf("NewRadialDensity(%v) accepted", bad)
		}
	}
}

type emptyObservable struct{}

func (emptyObservable) Name() string                     { return "empty" }
func (emptyObservable) Len() int                         { return 0 }
func (emptyObservable) Blocked() bool                    { return false }
func (emptyObservable) Bind(Walker) (MeasureFunc, error) { return func([]float64) {}, nil }

// A production sample with observables (plain and blocked) allocates
// nothing.
func TestProductionSampleAllocs(t *testing.T) {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 3, D: 3, Omega: 1})
	cs, err := NewContinuous(h, wavefunc.NewGaussian(3, 3, 0.5, 1), sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := NewRadialDensity(3, 60, 5)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(comm.NewSerial(), cs, Options{Walkers: 1, Production: 1, Seed: 2, Observables: []Observable{rd, &positionMoments{d: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.startProduction(t.Context()); err != nil {
		t.Fatal(err)
	}
	d.sampleChunk(0, 5000, nil) // the blockers' levels up to 2^12 exist
	if a := testing.AllocsPerRun(100, func() { d.sampleChunk(0, 1, never) }); a != 0 {
		t.Errorf("a production sample allocates %v times", a)
	}
}
