package vmc

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// reportScalar finds a scalar by name among reports.
func reportScalar(t *testing.T, reps []Report, name string) Scalar {
	t.Helper()
	for _, r := range reps {
		for _, s := range r.Scalars {
			if s.Name == name {
				return s
			}
		}
	}
	t.Fatalf("no scalar %q in the reports", name)
	return Scalar{}
}

func reportHistogram(t *testing.T, reps []Report, name string) Histogram {
	t.Helper()
	for _, r := range reps {
		for _, h := range r.Histograms {
			if h.Name == name {
				return h
			}
		}
	}
	t.Fatalf("no histogram %q in the reports", name)
	return Histogram{}
}

// Non-interacting bosons in the exact ground state (α = ω/2): E_L = E and
// ½|∇ln Ψ|² = V_ext in every sample, so the gradient kinetic estimator
// equals V_ext and the virial residual is zero with zero error; T_L + V_ext
// is E to rounding; ⟨V_ext⟩ = E/2 within its error; V_int vanishes.
func TestEnergySplitNonInteracting(t *testing.T) {
	const n, d, omega = 3, 2, 1.0
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: n, D: d, Omega: omega})
	cs, err := NewContinuous(h, wavefunc.NewGaussian(n, d, omega/2, 1), sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	split, err := NewEnergySplit(h)
	if err != nil {
		t.Fatal(err)
	}
	obs := []Observable{split, MeanSquareRadius{N: n}}
	res := runSerial(t, cs, Options{Walkers: 2, BurnIn: 100, Production: 4000, Seed: 3, Workers: 2, Observables: obs})
	reps, err := Reports(res, obs)
	if err != nil {
		t.Fatal(err)
	}
	e := float64(n*d) * omega / 2
	r, _ := res.Observable(EnergySplitName)
	if v := r.Mean[SplitVirialGradient]; v != 0 || r.Error[SplitVirialGradient] != 0 {
		t.Errorf("virial residual (gradient estimator) %v ± %v, want exactly 0", v, r.Error[SplitVirialGradient])
	}
	if d := r.Mean[SplitKineticLaplacian] + r.Mean[SplitExternal] - res.Energy; math.Abs(d) > 1e-12 {
		t.Errorf("T_L + V_ext − E = %v", d)
	}
	if r.Mean[SplitInteraction] != 0 {
		t.Errorf("V_int = %v without interactions", r.Mean[SplitInteraction])
	}
	for _, name := range []string{"kinetic", "external", "kinetic_laplacian"} {
		s := reportScalar(t, reps, name)
		if math.Abs(s.Value-e/2) > 4*s.Error || !(s.Error > 0) {
			t.Errorf("%s = %v ± %v, want E/2 = %v", name, s.Value, s.Error, e/2)
		}
	}
	// The gradient estimator has the smaller error here (it is V_ext
	// itself; T_L = E − V_ext has the same variance, so either may win by
	// rounding) — kinetic must be one of the two.
	if k := reportScalar(t, reps, "kinetic"); k.Value != reportScalar(t, reps, "kinetic_gradient").Value && k.Value != reportScalar(t, reps, "kinetic_laplacian").Value {
		t.Errorf("kinetic %v is neither estimator", k.Value)
	}
	// ⟨r²⟩ per particle is d/(2ω).
	if s := reportScalar(t, reps, "r2"); math.Abs(s.Value-float64(d)/(2*omega)) > 4*s.Error {
		t.Errorf("r² = %v ± %v, want %v", s.Value, s.Error, float64(d)/(2*omega))
	}
}

// The histograms of Gaussian bosons (|Ψ|² ∝ exp(−ω Σ r²), 2D) against
// their exact bin averages: ρ(r) = N(ω/π)e^{−ωr²}, the pair density
// ρ₂(r) = N(N−1)(ω/2π)e^{−ωr²/2} and the projected map; and their
// integrals with the overflow are N and N(N−1).
func TestHistogramsExact(t *testing.T) {
	const n, d, omega, rmax = 3, 2, 1.0, 3.0
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: n, D: d, Omega: omega})
	cs, err := NewContinuous(h, wavefunc.NewGaussian(n, d, omega/2, 1), sampler.Settings{Kind: sampler.Importance, Step: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	rd, _ := NewRadialDensity(d, 15, rmax)
	rd.Errors = true
	pc, err := NewPairCorrelation(n, d, 15, 2*rmax, 2, true)
	if err != nil {
		t.Fatal(err)
	}
	dm, err := NewDensityMap(d, 0, 1, 8, rmax, true)
	if err != nil {
		t.Fatal(err)
	}
	obs := []Observable{rd, pc, dm}
	prod := 20000
	if testing.Short() {
		prod = 4000
	}
	res := runSerial(t, cs, Options{Walkers: 2, BurnIn: 200, Production: prod, Seed: 5, Workers: 2, Observables: obs})
	reps, err := Reports(res, obs)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, exact func(x []float64) float64, measure func(x []float64) float64, total float64, overflow string) {
		hist := reportHistogram(t, reps, name)
		sum := reportScalar(t, reps, overflow).Value
		for k, x := range hist.X {
			v, e := hist.Value[k], hist.Error[k]
			want := exact(x) / measure(x)
			// 4.5σ per bin, plus a floor of 5 counts over all samples for
			// bins so far out that a handful of counts (or none) makes the
			// blocking error meaningless.
			if math.Abs(v-want) > 4.5*e+5/(measure(x)*float64(res.Samples)) {
				t.Errorf("%s bin %v: %v ± %v, exact %v", name, x, v, e, want)
			}
			sum += v * measure(x)
		}
		if math.Abs(sum-total) > 1e-9*total {
			t.Errorf("%s integrates to %v, want %v", name, sum, total)
		}
	}
	shell := func(x []float64) float64 { return shellVolume(d, x[0], x[1]) }
	check("radial_density", func(x []float64) float64 {
		return n * (math.Exp(-omega*x[0]*x[0]) - math.Exp(-omega*x[1]*x[1]))
	}, shell, n, "radial_density_overflow")
	check("pair_density", func(x []float64) float64 {
		return n * (n - 1) * (math.Exp(-omega*x[0]*x[0]/2) - math.Exp(-omega*x[1]*x[1]/2))
	}, shell, n*(n-1), "pair_density_overflow")
	// Bosons labelled 2 up, 1 down: 2 of the 6 ordered pairs are parallel.
	check("pair_density_parallel", func(x []float64) float64 {
		return 2 * (math.Exp(-omega*x[0]*x[0]/2) - math.Exp(-omega*x[1]*x[1]/2))
	}, shell, 2, "pair_density_parallel_overflow")
	p := func(a, b float64) float64 { return (math.Erf(b*math.Sqrt(omega)) - math.Erf(a*math.Sqrt(omega))) / 2 }
	check("density_map", func(x []float64) float64 { return n * p(x[0], x[1]) * p(x[2], x[3]) },
		func(x []float64) float64 { return (x[1] - x[0]) * (x[3] - x[2]) }, n, "density_map_overflow")
}

// allObservablesSystem is two electrons in a 2D dot with a Gaussian trial
// function (not the ground state, so every part of the energy
// fluctuates) and every continuous observable.
func allObservablesSystem(t testing.TB) (*Continuous, []Observable) {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true})
	cs, err := NewContinuous(h, wavefunc.NewGaussian(2, 2, 0.4, 1), sampler.Settings{Kind: sampler.Importance, Step: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	split, _ := NewEnergySplit(h)
	rd, _ := NewRadialDensity(2, 20, 4)
	rd.Errors = true
	pc, _ := NewPairCorrelation(2, 2, 20, 6, 1, true)
	dm, _ := NewDensityMap(2, 0, 1, 10, 4, true)
	return cs, []Observable{split, MeanSquareRadius{N: 2}, rd, pc, dm}
}

// One rank against two in-process ranks: the observables agree within
// 4 combined error bars; a repeated two-rank run is bit-identical; a run
// stopped in production and restored into a new driver ends bit for bit
// where the uninterrupted run ends.
func TestObservablesRanksAndResume(t *testing.T) {
	opt := func() Options {
		return Options{Walkers: 2, BurnIn: 100, Production: 3000, Chunk: 500, Seed: 11, Workers: 2}
	}
	run1 := func(stopAt int) *Result {
		cs, obs := allObservablesSystem(t)
		o := opt()
		o.Observables = obs
		stop := false
		o.Stop = func() bool { return stop }
		o.OnChunk = func(done, _ int) { stop = stopAt > 0 && done >= stopAt } // polled once per round of chunks
		d, err := New(comm.NewSerial(), cs, o)
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Run(context.Background())
		if stopAt == 0 {
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		if !errors.Is(err, ErrStopped) {
			t.Fatalf("err = %v, want a stop", err)
		}
		snap, err := d.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		cs2, obs2 := allObservablesSystem(t)
		o2 := opt()
		o2.Observables = obs2
		d2, err := New(comm.NewSerial(), cs2, o2)
		if err != nil {
			t.Fatal(err)
		}
		if err := d2.Restore(snap); err != nil {
			t.Fatal(err)
		}
		if res, err = d2.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return res
	}
	run2 := func() *Result {
		var out *Result
		err := comm.RunLocal(2, func(c comm.Comm) error {
			cs, obs := allObservablesSystem(t)
			o := opt()
			o.Observables = obs
			o.Seed = 12
			d, err := New(c, cs, o)
			if err != nil {
				return err
			}
			res, err := d.Run(context.Background())
			if c.Rank() == 0 {
				out = res
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	one, two, again := run1(0), run2(), run2()
	for i, wo := range two.Observables {
		o, a, u := one.Observables[i], again.Observables[i], two.Observables[i]
		bad := 0
		for k := range wo.Mean {
			if !same(a.Mean[k], u.Mean[k]) || !same(a.Error[k], u.Error[k]) {
				t.Fatalf("%s value %d: repeated two-rank runs differ: %v ± %v vs %v ± %v", o.Name, k, a.Mean[k], a.Error[k], u.Mean[k], u.Error[k])
			}
			if tol := 4 * math.Hypot(o.Error[k], u.Error[k]); math.Abs(o.Mean[k]-u.Mean[k]) > tol+1e-12 {
				t.Logf("%s value %d: 1 rank %v ± %v, 2 ranks %v ± %v", o.Name, k, o.Mean[k], o.Error[k], u.Mean[k], u.Error[k])
			}
		}
		// Histograms have many bins; allow one in a hundred beyond 4σ.
		if bad > len(wo.Mean)/100 {
			t.Errorf("%s: %d of %d values differ by more than 4σ between 1 and 2 ranks", o.Name, bad, len(wo.Mean))
		}
	}
	// Asked after the first round (500), seen at the next round's end.
	resumed := run1(500)
	for i, wo := range one.Observables {
		o := resumed.Observables[i]
		for k := range wo.Mean {
			if !same(o.Sum[k], wo.Sum[k]) || !same(o.Mean[k], wo.Mean[k]) || !same(o.Error[k], wo.Error[k]) {
				t.Fatalf("%s value %d: resumed %v ± %v, uninterrupted %v ± %v", o.Name, k, o.Mean[k], o.Error[k], wo.Mean[k], wo.Error[k])
			}
		}
	}
}

// A production sample with every observable on allocates nothing.
func TestObservablesAllocs(t *testing.T) {
	cs, obs := allObservablesSystem(t)
	d, err := New(comm.NewSerial(), cs, Options{Walkers: 1, Production: 1, Seed: 2, Observables: obs})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.startProduction(t.Context()); err != nil {
		t.Fatal(err)
	}
	d.sampleChunk(0, 5000, nil)
	if a := testing.AllocsPerRun(100, func() { d.sampleChunk(0, 1, never) }); a != 0 {
		t.Errorf("a production sample with continuous observables allocates %v times", a)
	}
	c := spinCase{model: "heisenberg", kind: "chain", l: 10, alpha: 1}
	sys, _ := c.system(t)
	ls := latticeObservables(t, sys)
	d, err = New(comm.NewSerial(), sys, Options{Walkers: 1, Production: 1, Seed: 2, Observables: ls})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.startProduction(t.Context()); err != nil {
		t.Fatal(err)
	}
	d.sampleChunk(0, 5000, nil)
	if a := testing.AllocsPerRun(100, func() { d.sampleChunk(0, 1, never) }); a != 0 {
		t.Errorf("a production sample with lattice observables allocates %v times", a)
	}
}

// latticeObservables are all lattice observables of sys (σˣ with flip
// moves only, ⟨S·S⟩ for the Heisenberg model only).
func latticeObservables(t testing.TB, sys *Lattice) []Observable {
	m, err := NewMagnetization(sys.H, sys.Sampler.Move == sampler.SingleFlip)
	if err != nil {
		t.Fatal(err)
	}
	zz, err := NewCorrelation(sys.H, false)
	if err != nil {
		t.Fatal(err)
	}
	obs := []Observable{m, zz, NewStructureFactor(sys.H)}
	if sys.H.Model == hamiltonian.Heisenberg {
		ss, err := NewCorrelation(sys.H, true)
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, ss)
	}
	return obs
}
