package vmc

import (
	"context"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// complexRing is a J1–J2 ring of n sites in the unrotated basis with a
// random full complex RBM of the given hidden units: a state with phases.
func complexRing(t *testing.T, n, hidden int, j2, scale float64) *Lattice {
	t.Helper()
	lat, err := hamiltonian.NewLattice(hamiltonian.Chain, n, true)
	if err != nil {
		t.Fatal(err)
	}
	h, err := hamiltonian.NewJ1J2(lat, 1, j2, false)
	if err != nil {
		t.Fatal(err)
	}
	m := wavefunc.NewComplexSpinRBM(n, hidden)
	m.Randomize(scale, rand.New(rand.NewPCG(2, 3)))
	sys, err := NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

// The sampled complex path against exact sums: one iteration's energy
// (real and imaginary part) and gradient F_k = Re⟨O_k*(E_L − ⟨E_L⟩)⟩ of
// a random complex state on an 8-site J1–J2 ring, within 5 error bars
// of the sampled means (error bars from the spread over 16 independent
// seeds, so autocorrelation is accounted for; with 15 degrees of freedom
// and 160 components, a 5σ miss has probability ~3% per run).
// With q = 0.5 and a guard threshold no set of unequal weights meets,
// every iteration is sampled again from |Ψ|², and the estimates must be
// the plain ones.
func TestComplexGradientSampled(t *testing.T) {
	for _, c := range []struct{ q, minESS float64 }{{1, 0}, {0.5, 0}, {0.5, 0.999999}} {
		t.Run(fmt.Sprintf("q=%g,minESS=%g", c.q, c.minESS), func(t *testing.T) { complexGradientSampled(t, c.q, c.minESS) })
	}
}

// complexGradientSampled samples |Ψ|^{2q} (reweighted when q < 1).
func complexGradientSampled(t *testing.T, q, minESS float64) {
	sys := complexRing(t, 8, 8, 0.4, 0.4)
	en, err := NewEnumeration(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := en.Evaluate(true)
	np := sys.NumParams()
	const seeds = 16
	var e, ei []float64
	f := make([][]float64, np)
	samples, walkers := 2000, 2
	if testing.Short() {
		samples, walkers = 100, 1
	}
	for seed := range seeds {
		opt := Options{Walkers: walkers, Samples: samples, BurnIn: 50, Iterations: 1, Seed: uint64(seed + 1),
			Rule: optim.NewGD(0), SR: &optim.SR{Shift: 0.01}, Workers: 2, SamplingPower: q, SamplingMinESS: minESS}
		d, err := New(comm.NewSerial(), sys, opt)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := d.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		im, _, ok := d.ImagEnergy()
		if !ok {
			t.Fatal("the driver did not take the complex path")
		}
		if q != 1 && rec.Resampled != (minESS > 0.99) {
			t.Fatalf("weights' ESS fraction %g, threshold %g: resampled %v", rec.WeightESS, minESS, rec.Resampled)
		}
		if q != 1 && !rec.Resampled {
			// The record's energy is the unweighted |Ψ|^{2q} mean.
			rec.Energy = d.cx.guide.sumWU.Value() / d.cx.guide.sumW.Value()
		}
		e, ei = append(e, rec.Energy), append(ei, im)
		for k := range np {
			f[k] = append(f[k], d.step.force[k])
		}
	}
	check := func(what string, xs []float64, exact float64) {
		t.Helper()
		m, s := meanErr(xs)
		if math.Abs(m-exact) > 5*s+1e-12 {
			t.Errorf("%s: sampled %.6g ± %.2g, exact %.6g", what, m, s, exact)
		}
	}
	check("Re E", e, want.Energy)
	check("Im E", ei, 0)
	if math.Abs(want.EnergyIm) > 1e-12 {
		t.Errorf("exact Im⟨E_L⟩ = %g, want 0 (H is Hermitian)", want.EnergyIm)
	}
	bad, worst := 0, 0.0
	defer func() { t.Logf("largest deviation %.2fσ", worst) }()
	for k := range np {
		m, s := meanErr(f[k])
		worst = math.Max(worst, math.Abs(m-want.Force[k])/s)
		if math.Abs(m-want.Force[k]) > 5*s+1e-12 {
			bad++
			t.Logf("F_%d: sampled %.5g ± %.2g, exact %.5g", k, m, s, want.Force[k])
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d force components off by more than 5σ", bad, np)
	}
}

func meanErr(xs []float64) (mean, err float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(v / float64(len(xs)-1) / float64(len(xs)))
}

// The exact gradient against finite differences of the exact energy
// E(θ) = ⟨Ψ|H|Ψ⟩/⟨Ψ|Ψ⟩: G_k = 2F_k. Step 1e-5, central: truncation
// ~1e-10 times the third derivative, round-off ~1e-16·|E|/1e-5: tolerance
// 1e-7.
func TestEnumerationGradient(t *testing.T) {
	sys := complexRing(t, 6, 4, 0.3, 0.5)
	en, err := NewEnumeration(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := en.Evaluate(false)
	p := sys.Params(nil)
	const h = 1e-5
	for k := range p {
		q := append([]float64(nil), p...)
		q[k] += h
		sys.SetParams(q)
		ep := en.Evaluate(false).Energy
		q[k] -= 2 * h
		sys.SetParams(q)
		em := en.Evaluate(false).Energy
		if g := (ep - em) / (2 * h); math.Abs(g-2*m.Force[k]) > 1e-7 {
			t.Errorf("G_%d = %.9g, finite differences %.9g", k, 2*m.Force[k], g)
		}
	}
	sys.SetParams(p)
}

// Two sites, unrotated basis: the singlet (|↑↓⟩ − |↓↑⟩)/√2 has no
// positive representation, but a = (iπ/2, 0) gives Ψ(s) = e^{iπ s_0/2}
// ∝ s_0, the singlet exactly: E = −3/4 with zero variance, exactly and
// sampled.
func TestComplexSingletZeroVariance(t *testing.T) {
	h := hamiltonian.NewSpin(2)
	if err := h.AddBond(0, 1, hamiltonian.HeisenbergBond(1)); err != nil {
		t.Fatal(err)
	}
	m := wavefunc.NewComplexSpinRBM(2, 1)
	p := make([]float64, m.NumParams())
	p[len(p)/2] = math.Pi / 2 // Im a_0
	m.SetParams(p)
	sys, err := NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		t.Fatal(err)
	}
	en, err := NewEnumeration(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if x := en.Evaluate(false); math.Abs(x.Energy+0.75) > 1e-14 || x.Variance > 1e-14 {
		t.Errorf("exact: E = %g, variance %g; want −0.75 and 0", x.Energy, x.Variance)
	}
	d, err := New(comm.NewSerial(), sys, Options{Walkers: 1, Production: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Energy+0.75) > 1e-14 || res.Variance > 1e-14 {
		t.Errorf("sampled: E = %g, variance %g; want −0.75 and 0", res.Energy, res.Variance)
	}
}

// The driver refuses what its complex path does not support.
func TestComplexRefusals(t *testing.T) {
	sys := complexRing(t, 6, 2, 0.3, 0.1)
	if _, err := New(comm.NewSerial(), sys, Options{Walkers: 1, Samples: 10, Iterations: 1, Rule: optim.NewGD(0.1),
		SR: &optim.SR{}, SRSolver: SRCG}); err == nil {
		t.Error("matrix-free SR with a complex state: no error")
	}
}

// The complex path's sampling loop allocates nothing.
func TestComplexSampleAllocs(t *testing.T) {
	sys := complexRing(t, 6, 3, 0.3, 0.1)
	d, err := New(comm.NewSerial(), sys, Options{Walkers: 1, Samples: 5, Iterations: 1, Rule: optim.NewGD(0.1),
		SR: &optim.SR{Shift: 0.01}, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(10, func() { d.sampleWalker(0, 1, nil) }); a != 0 {
		t.Errorf("%v allocations per iteration's sampling", a)
	}
	d, err = New(comm.NewSerial(), sys, Options{Walkers: 1, Samples: 5, Iterations: 1, Rule: optim.NewGD(0.1),
		SR: &optim.SR{Shift: 0.01}, Workers: 1, SamplingPower: 0.5, BurnIn: 2})
	if err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(10, func() { d.sampleWalker(0, 1, nil) }); a != 0 {
		t.Errorf("%v allocations per iteration's guided sampling", a)
	}
}

// Local-energy clipping: the force equals the covariance of O with the
// clipped E_L computed directly from the walkers' kept samples (median,
// mean absolute deviation, radial shrink, per walker); the reported
// energy is the mean of the unclipped E_L; an infinite window gives the
// unclipped force; the sampling allocates nothing.
func TestComplexClipLocalEnergy(t *testing.T) {
	sys := complexRing(t, 8, 8, 0.4, 0.4)
	step := func(width float64) (*Driver, Record) {
		d, err := New(comm.NewSerial(), sys, Options{Walkers: 2, Samples: 200, BurnIn: 20, Iterations: 1, Seed: 3,
			Rule: optim.NewGD(0), SR: &optim.SR{Shift: 0.01}, Workers: 2, ClipLocalEnergy: width})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := d.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return d, rec
	}
	d0, r0 := step(0)
	dInf, rInf := step(1e300)
	if rInf.Energy != r0.Energy {
		t.Errorf("infinite window: energy %v, unclipped %v", rInf.Energy, r0.Energy)
	}
	for k, f := range d0.step.force {
		if math.Abs(dInf.step.force[k]-f) > 1e-12*(1+math.Abs(f)) {
			t.Errorf("infinite window: F_%d = %v, unclipped %v", k, dInf.step.force[k], f)
		}
	}

	const width = 3
	d, rec := step(width)
	np := d.np
	type sample struct{ u, v, uc, vc float64 }
	var all []sample
	var rows [][]float64
	clipped := 0
	for _, c := range d.cx.accs {
		n := len(c.eu)
		med := func(xs []float64) float64 {
			s := slices.Clone(xs)
			slices.Sort(s)
			return (s[(n-1)/2] + s[n/2]) / 2
		}
		mu, mv := med(c.eu), med(c.ev)
		mad := 0.0
		for i := range n {
			mad += cmplx.Abs(complex(c.eu[i]-mu, c.ev[i]-mv))
		}
		w := width * mad / float64(n)
		for i := range n {
			dev := complex(c.eu[i]-mu, c.ev[i]-mv)
			if cmplx.Abs(dev) > w {
				dev *= complex(w/cmplx.Abs(dev), 0)
				clipped++
			}
			all = append(all, sample{c.eu[i], c.ev[i], mu + real(dev), mv + imag(dev)})
			rows = append(rows, c.rows[2*i*np:(2*i+2)*np])
		}
	}
	if clipped == 0 || clipped > len(all)/2 {
		t.Fatalf("%d of %d samples clipped: the test wants some, not most", clipped, len(all))
	}
	n := float64(len(all))
	var eMean, ucMean, vcMean float64
	for _, s := range all {
		eMean += s.u / n
		ucMean += s.uc / n
		vcMean += s.vc / n
	}
	if math.Abs(rec.Energy-eMean) > 1e-12*math.Abs(eMean) {
		t.Errorf("reported energy %v, unclipped mean %v", rec.Energy, eMean)
	}
	for k := range np {
		var xm, ym, f float64
		for _, r := range rows {
			xm += r[k] / n
			ym += r[np+k] / n
		}
		for i, s := range all {
			f += ((s.uc-ucMean)*(rows[i][k]-xm) + (s.vc-vcMean)*(rows[i][np+k]-ym)) / n
		}
		if got := d.step.force[k]; math.Abs(got-f) > 1e-10*(1+math.Abs(f)) {
			t.Errorf("F_%d = %.12g, clipped covariance %.12g", k, got, f)
		}
	}
	if a := testing.AllocsPerRun(5, func() { d.sampleWalker(0, rec.Energy, nil) }); a != 0 {
		t.Errorf("%v allocations per iteration's sampling with clipping", a)
	}
	diff := 0.0
	for k, f := range d0.step.force {
		diff = math.Max(diff, math.Abs(d.step.force[k]-f))
	}
	t.Logf("%d of %d samples clipped; largest change of a force component %.3g", clipped, len(all), diff)
	if diff < 1e-6 {
		t.Errorf("clipping %d samples changed the force by at most %g", clipped, diff)
	}
}

func TestComplexClipRefusals(t *testing.T) {
	sys := complexRing(t, 6, 2, 0.3, 0.1)
	base := Options{Walkers: 1, Samples: 10, Iterations: 1, Rule: optim.NewGD(0.1), SR: &optim.SR{}}
	for _, c := range []float64{-1, math.NaN(), math.Inf(1)} {
		opt := base
		opt.ClipLocalEnergy = c
		if _, err := New(comm.NewSerial(), sys, opt); err == nil {
			t.Errorf("ClipLocalEnergy = %v: no error", c)
		}
		opt = base
		opt.SamplingPower = c
		if _, err := New(comm.NewSerial(), sys, opt); err == nil {
			t.Errorf("SamplingPower = %v: no error", c)
		}
	}
	for _, f := range []float64{-0.1, 1, math.NaN()} {
		opt := base
		opt.SamplingPower, opt.SamplingMinESS = 0.5, f
		if _, err := New(comm.NewSerial(), sys, opt); err == nil {
			t.Errorf("SamplingMinESS = %v: no error", f)
		}
	}
	opt := base
	opt.SamplingPower, opt.ClipLocalEnergy = 0.5, 3
	if _, err := New(comm.NewSerial(), sys, opt); err == nil {
		t.Error("SamplingPower with ClipLocalEnergy: no error")
	}
	lat, _ := hamiltonian.NewLattice(hamiltonian.Chain, 6, true)
	h, _ := hamiltonian.NewHeisenberg(lat, 1, true)
	real, err := NewLattice(h, wavefunc.NewSpinRBM(6, 2), sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		t.Fatal(err)
	}
	opt = base
	opt.ClipLocalEnergy = 5
	if _, err := New(comm.NewSerial(), real, opt); err == nil {
		t.Error("ClipLocalEnergy with a real trial state: no error")
	}
	opt = base
	opt.SamplingPower = 0.5
	if _, err := New(comm.NewSerial(), real, opt); err == nil {
		t.Error("SamplingPower with a real trial state: no error")
	}
}

// After optimising with guided sampling, production samples |Ψ|² again:
// with a frozen state (learning rate 0) its energy agrees with the exact
// one, while the last iteration's unweighted |Ψ|^{2q} mean need not.
func TestComplexGuidedProduction(t *testing.T) {
	sys := complexRing(t, 8, 8, 0.4, 0.4)
	en, err := NewEnumeration(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	exact := en.Evaluate(false).Energy
	d, err := New(comm.NewSerial(), sys, Options{Walkers: 2, Samples: 200, BurnIn: 50, Iterations: 2, Production: 4000,
		Seed: 5, Rule: optim.NewGD(0), SR: &optim.SR{Shift: 0.01}, Workers: 2, SamplingPower: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("production %.5f ± %.5f, exact %.5f; last iteration over |Ψ|^0.6: %.5f", res.Energy, res.Error, exact, res.History[1].Energy)
	if math.Abs(res.Energy-exact) > 4*res.Error {
		t.Errorf("production %.5f ± %.5f, exact %.5f", res.Energy, res.Error, exact)
	}
}

// The guard of guided sampling: the weights' sampled ESS fraction agrees
// with its exact large-sample value Z₁²/(Z_q Z_{2−q}), Z_a = Σ_s |Ψ(s)|^{2a}
// over the S^z = 0 sector; at q = 0.5 (exact 0.50) the iterations stay
// guided, at q = 0.1 (exact 0.068) the guard trips every iteration, which
// is then sampled again from |Ψ|² (its energy within 5 error bars of the
// exact one), and the next iteration tries the guided chains again.
// Weights that overflow (parameters of scale 50) count as ESS 0.
func TestComplexGuidedGuard(t *testing.T) {
	sys := complexRing(t, 8, 8, 0.4, 0.5)
	en, err := NewEnumeration(sys, nil)
	if err != nil {
		t.Fatal(err)
	}
	exact := en.Evaluate(false).Energy
	m := sys.Model.(complexLogPsi)
	for _, q := range []float64{0.5, 0.1} {
		want := essFractionExact(m, 8, q)
		d, err := New(comm.NewSerial(), sys, Options{Walkers: 2, Samples: 2000, BurnIn: 50, Iterations: 2,
			Seed: 3, Rule: optim.NewGD(0), SR: &optim.SR{Shift: 0.01}, Workers: 2, SamplingPower: q})
		if err != nil {
			t.Fatal(err)
		}
		for it := range 2 {
			rec, err := d.Step(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("q = %g, iteration %d: ESS fraction %.4f (exact %.4f), resampled %v, E = %.5f ± %.5f (exact %.5f)",
				q, it, rec.WeightESS, want, rec.Resampled, rec.Energy, rec.Error, exact)
			if math.Abs(rec.WeightESS-want) > 0.15*want {
				t.Errorf("q = %g, iteration %d: ESS fraction %.4f, exact %.4f", q, it, rec.WeightESS, want)
			}
			if rec.Resampled != (want < 0.1) {
				t.Errorf("q = %g, iteration %d: resampled %v at ESS fraction %.4f (threshold 0.1)", q, it, rec.Resampled, rec.WeightESS)
			}
			if rec.Resampled && math.Abs(rec.Energy-exact) > 5*rec.Error {
				t.Errorf("q = %g, iteration %d: resampled energy %.5f ± %.5f, exact %.5f", q, it, rec.Energy, rec.Error, exact)
			}
		}
	}
	d, err := New(comm.NewSerial(), complexRing(t, 8, 8, 0.4, 50), Options{Walkers: 2, Samples: 200, BurnIn: 50, Iterations: 1,
		Seed: 3, Rule: optim.NewGD(0), SR: &optim.SR{Shift: 0.01}, Workers: 2, SamplingPower: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := d.Step(context.Background()); err != nil || !rec.Resampled || rec.WeightESS != 0 {
		t.Errorf("overflowing weights: ESS fraction %g, resampled %v, error %v; want 0, true, nil", rec.WeightESS, rec.Resampled, err)
	}
}

// essFractionExact is the large-sample ESS fraction of the weights
// |Ψ|^{2(1−q)} under |Ψ|^{2q} on n spins with S^z = 0.
func essFractionExact(m complexLogPsi, n int, q float64) float64 {
	var z1, zq, z2q float64
	s := make([]int8, n)
	for mask := range 1 << n {
		up := 0
		for i := range n {
			s[i] = int8(2*(mask>>i&1) - 1)
			up += mask >> i & 1
		}
		if 2*up != n {
			continue
		}
		l := 2 * real(m.LogPsi(s))
		z1 += math.Exp(l)
		zq += math.Exp(q * l)
		z2q += math.Exp((2 - q) * l)
	}
	return z1 * z1 / (zq * z2q)
}
