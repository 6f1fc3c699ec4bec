package vmc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// momentumRule is a small update rule with internal state (velocity and a
// step count), so a resume that lost the optimiser state would show.
type momentumRule struct {
	lr, mu float64
	v      []float64
	steps  float64
}

func (m *momentumRule) Step(p, g []float64) {
	if m.v == nil {
		m.v = make([]float64, len(p))
	}
	m.steps++
	for i := range p {
		m.v[i] = m.mu*m.v[i] + g[i]
		p[i] -= m.lr * m.v[i] / math.Sqrt(m.steps)
	}
}
func (m *momentumRule) Name() string { return "test-momentum" }
func (m *momentumRule) State() []float64 {
	return append([]float64{m.steps}, m.v...)
}
func (m *momentumRule) SetState(s []float64) error {
	if len(s) == 0 {
		return errors.New("empty state")
	}
	m.steps, m.v = s[0], append([]float64(nil), s[1:]...)
	return nil
}

var testConfig = map[string]string{"seed": "7", "system.particles": "2", "output.dir": "x"}

func ignoreOutput(k string) bool { return strings.HasPrefix(k, "output.") }

// newTestDriver builds the same run on every call: two bosons in a 2D trap,
// a Gaussian started away from the optimum, importance sampling, with the
// density histogram on.
func newTestDriver(t testing.TB, c comm.Comm, stop func() bool, onIter func(Record), onChunk func(int, int)) (*Driver, *RadialDensity) {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1})
	m := wavefunc.NewGaussian(2, 2, 0.35, 1)
	cs, err := NewContinuous(h, m, sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := NewRadialDensity(2, 20, 5)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(c, cs, Options{
		Walkers: 2, Samples: 200, BurnIn: 50, Iterations: 6, Production: 2000, Chunk: 500,
		Seed: 7, Rule: &momentumRule{lr: 0.05, mu: 0.5}, Workers: 2, Stop: stop, OnIteration: onIter, OnChunk: onChunk,
		Observables: []Observable{rd, &positionMoments{d: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, rd
}

// positionMoments is a blocked observable: ⟨x_1⟩ and ⟨r²⟩ per particle of
// the first particle.
type positionMoments struct{ d int }

func (o *positionMoments) Name() string  { return "position_moments" }
func (o *positionMoments) Len() int      { return 2 }
func (o *positionMoments) Blocked() bool { return true }
func (o *positionMoments) Bind(w Walker) (MeasureFunc, error) {
	p := w.(Positioned)
	return func(dst []float64) {
		x := p.Positions()
		dst[0], dst[1] = x[0], 0
		for _, v := range x[:o.d] {
			dst[1] += v * v
		}
	}, nil
}

// outcome is what a run ends with, compared bit for bit.
type outcome struct {
	res  *Result
	dens *Density
}

func runOnce(t testing.TB, c comm.Comm) (outcome, error) {
	d, rd := newTestDriver(t, c, nil, nil, nil)
	res, err := d.Run(context.Background())
	if err != nil {
		return outcome{}, err
	}
	dens, err := rd.Density(res)
	return outcome{res, dens}, err
}

// runInterrupted stops the run once (after iteration stopIter, or in
// production at the first round's end at or after stopChunk samples per
// walker: Stop is polled once per round of chunks), checkpoints, builds a new
// driver from scratch, resumes from the file and finishes.
func runInterrupted(t testing.TB, c comm.Comm, dir string, stopIter, stopChunk int) (outcome, error) {
	stopNow := false
	d, _ := newTestDriver(t, c, func() bool { return stopNow },
		func(r Record) { stopNow = stopIter >= 0 && r.Iteration+1 == stopIter },
		func(done, _ int) { stopNow = stopChunk > 0 && done >= stopChunk })
	cp := &Checkpointer{Comm: c, Dir: dir, Config: testConfig, Ignore: ignoreOutput}
	_, err := d.Run(context.Background())
	if !errors.Is(err, ErrStopped) {
		return outcome{}, fmt.Errorf("first segment: err = %v, want ErrStopped", err)
	}
	if err := cp.Save(d); err != nil {
		return outcome{}, err
	}
	// Another process: nothing survives but the file.
	d2, rd2 := newTestDriver(t, c, nil, nil, nil)
	if err := cp.Load(d2); err != nil {
		return outcome{}, err
	}
	res, err := d2.Run(context.Background())
	if err != nil {
		return outcome{}, err
	}
	dens, err := rd2.Density(res)
	return outcome{res, dens}, err
}

func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

func compareOutcomes(t *testing.T, got, want outcome) {
	t.Helper()
	g, w := got.res, want.res
	if !same(g.Energy, w.Energy) || !same(g.Error, w.Error) || !same(g.Variance, w.Variance) ||
		!same(g.Acceptance, w.Acceptance) || g.Samples != w.Samples || g.Iterations != w.Iterations {
		t.Fatalf("resumed result %+v\nuninterrupted      %+v", g, w)
	}
	for i := range w.Params {
		if !same(g.Params[i], w.Params[i]) {
			t.Fatalf("parameter %d: %v vs %v", i, g.Params[i], w.Params[i])
		}
	}
	if len(g.History) != len(w.History) {
		t.Fatalf("history of %d records, want %d", len(g.History), len(w.History))
	}
	for i := range w.History {
		a, b := g.History[i], w.History[i]
		a.Wall, b.Wall = 0, 0 // wall-clock time is the only thing allowed to differ
		if a != b {
			t.Fatalf("history record %d: %+v vs %+v", i, a, b)
		}
	}
	if len(g.Observables) != 2 || len(w.Observables) != 2 {
		t.Fatalf("%d and %d observable results, want 2", len(g.Observables), len(w.Observables))
	}
	for i, wo := range w.Observables {
		o := g.Observables[i]
		if o.Name != wo.Name || !same(o.Samples, wo.Samples) {
			t.Fatalf("observable %q with %v samples, want %q with %v", o.Name, o.Samples, wo.Name, wo.Samples)
		}
		for k := range wo.Sum {
			if !same(o.Sum[k], wo.Sum[k]) || !same(o.Mean[k], wo.Mean[k]) || !same(o.Error[k], wo.Error[k]) {
				t.Fatalf("observable %q value %d: sum, mean, error %v %v %v, want %v %v %v", o.Name, k, o.Sum[k], o.Mean[k], o.Error[k], wo.Sum[k], wo.Mean[k], wo.Error[k])
			}
		}
	}
	for i := range want.dens.Count {
		if !same(got.dens.Count[i], want.dens.Count[i]) {
			t.Fatalf("density bin %d: %v vs %v", i, got.dens.Count[i], want.dens.Count[i])
		}
	}
	if got.dens.Samples != want.dens.Samples || got.dens.Overflow != want.dens.Overflow {
		t.Fatalf("density samples %v/%v, overflow %v/%v", got.dens.Samples, want.dens.Samples, got.dens.Overflow, want.dens.Overflow)
	}
}

func TestResumeBitIdentical(t *testing.T) {
	cases := []struct {
		name                string
		stopIter, stopChunk int
	}{
		{"optimisation", 3, 0},
		{"production", -1, 500}, // Stop is then seen at the next round's end, before 2000
	}
	for _, ranks := range []int{1, 2} {
		var want outcome
		err := comm.RunLocal(ranks, func(c comm.Comm) error {
			o, err := runOnce(t, c)
			if c.Rank() == 0 {
				want = o
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/ranks=%d", tc.name, ranks), func(t *testing.T) {
				dir := t.TempDir()
				var got outcome
				err := comm.RunLocal(ranks, func(c comm.Comm) error {
					o, err := runInterrupted(t, c, dir, tc.stopIter, tc.stopChunk)
					if c.Rank() == 0 {
						got = o
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				compareOutcomes(t, got, want)
			})
		}
	}
	// The serial backend (what a one-process run uses) agrees too.
	t.Run("serial", func(t *testing.T) {
		got, err := runInterrupted(t, comm.NewSerial(), t.TempDir(), 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := runOnce(t, comm.NewSerial())
		if err != nil {
			t.Fatal(err)
		}
		compareOutcomes(t, got, want)
	})
}

// A snapshot of the format before observables (driver state version 1)
// is refused with a message that says so.
func TestRestoreRefusesOldVersion(t *testing.T) {
	d, _ := newTestDriver(t, comm.NewSerial(), nil, nil, nil)
	snap, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	e := append([]byte(nil), snap.Extra[ExtraKey]...)
	e[0] = 1
	snap.Extra[ExtraKey] = e
	if err := d.Restore(snap); err == nil || !strings.Contains(err.Error(), "version 1") {
		t.Errorf("restoring a version-1 snapshot: %v, want an error naming the version", err)
	}
}

func TestResumeRefusesOtherRun(t *testing.T) {
	dir := t.TempDir()
	err := comm.RunLocal(2, func(c comm.Comm) error {
		_, err := runInterrupted(t, c, dir, 1, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Another configuration: the message names the key and both values.
	d, _ := newTestDriver(t, comm.NewSerial(), nil, nil, nil)
	other := map[string]string{"seed": "8", "system.particles": "2", "output.dir": "y"}
	cp := &Checkpointer{Comm: comm.NewSerial(), Dir: dir, Config: other, Ignore: ignoreOutput}
	if err := cp.Load(d); err == nil || !strings.Contains(err.Error(), "seed: checkpoint has 7, this run has 8") {
		t.Fatalf("other config: %v", err)
	}
	// Another rank count.
	cp.Config = testConfig
	if err := cp.Load(d); err == nil || !strings.Contains(err.Error(), "2 ranks, this run has 1") {
		t.Fatalf("other rank count: %v", err)
	}
	// A damaged file.
	path := filepath.Join(dir, "checkpoint.bin")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 1
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	err = comm.RunLocal(2, func(c comm.Comm) error {
		d, _ := newTestDriver(t, c, nil, nil, nil)
		cp := &Checkpointer{Comm: c, Dir: dir, Config: testConfig, Ignore: ignoreOutput}
		if err := cp.Load(d); err == nil || !strings.Contains(err.Error(), "checksum") {
			return fmt.Errorf("damaged file: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDensityMatchesExact(t *testing.T) {
	// Gaussian at α = ω/2 is the exact ground state: |Ψ|² ∝ exp(−ω r²) per
	// particle, so in 2D a bin [a, b) holds the fraction
	// exp(−ω a²) − exp(−ω b²) of all positions.
	const omega = 1.0
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: omega})
	cs, err := NewContinuous(h, wavefunc.NewGaussian(2, 2, omega/2, 1), sampler.Settings{Kind: sampler.Metropolis, Step: 1.0})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := NewRadialDensity(2, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	prod := 20000
	if testing.Short() {
		prod = 5000
	}
	res := runSerial(t, cs, Options{Walkers: 4, BurnIn: 200, Production: prod, Seed: 3, Workers: 2, Observables: []Observable{rd}})
	dens, err := rd.Density(res)
	if err != nil {
		t.Fatal(err)
	}
	if dens.Samples != float64(4*prod) {
		t.Fatalf("%v samples recorded, want %d", dens.Samples, 4*prod)
	}
	total := dens.Overflow
	for _, c := range dens.Count {
		total += c
	}
	if total != 2*dens.Samples {
		t.Fatalf("%v positions counted, want 2 per sample = %v", total, 2*dens.Samples)
	}
	positions := 2 * dens.Samples
	for i := range dens.Lo {
		p := math.Exp(-omega*dens.Lo[i]*dens.Lo[i]) - math.Exp(-omega*dens.Hi[i]*dens.Hi[i])
		want := positions * p
		// Binomial standard deviation, inflated by 3 for the correlation of
		// successive Metropolis samples (τ ≲ 4 at this step), and 5σ.
		tol := 5 * 3 * math.Sqrt(positions*p*(1-p))
		if math.Abs(dens.Count[i]-want) > tol+1 {
			t.Errorf("bin [%g, %g): %v counts, exact %.1f ± %.1f", dens.Lo[i], dens.Hi[i], dens.Count[i], want, tol)
		}
		// ρ integrates to the particle number: ρ·V(shell) = N·fraction.
		rho := 2 * p / (math.Pi * (dens.Hi[i]*dens.Hi[i] - dens.Lo[i]*dens.Lo[i]))
		if math.Abs(dens.Rho[i]-rho) > tol/positions*2/(math.Pi*(dens.Hi[i]*dens.Hi[i]-dens.Lo[i]*dens.Lo[i]))+1e-12 {
			t.Errorf("bin %d: ρ = %v, exact %v", i, dens.Rho[i], rho)
		}
	}
	if _, err := rd.Bind(&LatticeWalker{}); err == nil {
		t.Error("radial density of a spin lattice accepted")
	}
	var sb strings.Builder
	if err := dens.WriteCSV(&sb); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(sb.String(), "\n"); lines != 12 || !strings.Contains(sb.String(), "r_lo,r_hi,count,density\n") {
		t.Fatalf("CSV has %d lines:\n%s", lines, sb.String())
	}
}
