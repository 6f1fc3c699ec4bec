package vmc_test

import (
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// A production keeps its first walker's energies (the diagnostics'
// trace) and the blocking curve whose marked level gives the error bar.
func TestTraceAndBlockingCurve(t *testing.T) {
	const prod = 3000
	sys := gaussSystem(t, 2, 2, 1, 0.4, sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	d, err := vmc.New(comm.NewSerial(), sys, vmc.Options{Walkers: 3, BurnIn: 100, Production: prod, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	trace := d.Trace()
	if len(trace) != prod {
		t.Fatalf("trace of %d samples, want %d", len(trace), prod)
	}
	// The trace is one of the three chains that make the mean: its own
	// mean lies within a few of its (√3 larger) error bars.
	m := 0.0
	for _, e := range trace {
		m += e
	}
	m /= prod
	if math.Abs(m-res.Energy) > 5*math.Sqrt(3)*res.Error {
		t.Errorf("trace mean %g, production %g ± %g", m, res.Energy, res.Error)
	}
	if len(res.Blocking) < 5 || res.Blocking[0].Blocks != 3*prod {
		t.Fatalf("blocking curve %+v", res.Blocking)
	}
	// Level 0 is σ/√N with the within-chain variance, close to the total.
	if r := res.Blocking[0].Error / math.Sqrt(res.Variance/float64(res.Samples)); math.Abs(r-1) > 0.01 {
		t.Errorf("level 0 error / (σ/√N) = %g", r)
	}
	for _, l := range res.Blocking {
		// The error bar is the chosen level's times the lag-1 factor
		// √(1 + 2 max(ρ + c/n, 0)), between 1 and √3.
		if l.Chosen && !(res.Error >= l.Error*(1-1e-12) && res.Error <= l.Error*math.Sqrt(3)) {
			t.Errorf("error %g, chosen level's %g", res.Error, l.Error)
		}
	}
}
