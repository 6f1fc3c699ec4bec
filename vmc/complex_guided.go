package vmc

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/reduce"
)

// Guided sampling of complex trial states. A complex RBM reaches the sign
// structure of a frustrated ground state through states whose amplitude
// nearly vanishes on some configurations; there E_L and O_k are large,
// and the exact force draws much of its value from configurations that
// |Ψ|² gives probabilities of 10⁻¹⁰–10⁻⁵ (4×4 J1–J2: most of the
// variance of E_L comes from them), which a few thousand samples never
// see. With Options.SamplingPower = q < 1 the optimisation's chains sample
// |Ψ|^{2q} instead, and every average is reweighted by
// w = |Ψ|^{2(1−q)}: ⟨f⟩ = Σ w f / Σ w. This is exact in expectation (a
// ratio estimator, biased by O(1/n)) and visits small amplitudes far
// more often, at the price of the weights' spread. The weights are taken
// relative to ln|Ψ| at a fixed configuration (alternating spins), the
// same on every rank, so one all-reduce of Σ w, Σ w u, Σ w v still
// suffices. The history's energies and variances are then those of the
// unweighted samples from |Ψ|^{2q} (a monitor, not ⟨H⟩); production
// samples |Ψ|² after the last iteration has re-equilibrated the chains.
// The weights degenerate when ln|Ψ| spreads widely over the sampled
// configurations (6×6 J1–J2 at q = 0.5: after ~150 iterations one sample
// carried the force, which fell to 1e-9, and the chains separated). The
// guard: every iteration reduces Σ w² with the other sums, and when the
// effective sample size (Σw)²/Σw² falls below Options.SamplingMinESS
// times the number of samples, every rank sees it, discards the
// iteration's sums and samples it again from |Ψ|² after a burn-in
// (Record.Resampled); the next iteration tries |Ψ|^{2q} again. Such an
// iteration costs about twice as much, and if most do, q should be
// nearer 1.

// samplingPowered is a state that can sample |Ψ|^{2q}
// (wavefunc.ComplexSpinRBM's states).
type samplingPowered interface {
	SetSamplingPower(q float64)
}

// guidedWalker is a complex walker that can sample |Ψ|^{2q}.
type guidedWalker interface {
	setSamplingPower(q float64)
	logAmplitude() float64
}

// complexLogPsi is a model that evaluates ln Ψ from scratch.
type complexLogPsi interface {
	LogPsi(s []int8) complex128
}

// guided is the complex path's state for guided sampling.
type guided struct {
	q           float64
	model       complexLogPsi
	refSpins    []int8
	sumW, sumWU reduce.Scalar
	sumWV       reduce.Scalar
	sumWW       reduce.Scalar
	minESS      float64 // the guard's threshold on the ESS fraction
	off         bool    // this iteration is being sampled again from |Ψ|²
	ess         float64 // the weights' ESS fraction of this iteration
}

// sampleGuided is sampleComplex with the chains on |Ψ|^{2q}: the walker's
// sums carry the weights w (Σ w O, Σ w (u−K) x + w v y, Σ w O O), and
// Σ w, Σ w u, Σ w v go to its accumulator; the energy moments stay
// unweighted. It allocates nothing.
func (d *Driver) sampleGuided(w int, K float64, done <-chan struct{}) {
	g := d.cx.guide
	wk, a, c := d.cx.walkers[w], d.accs[w], d.cx.accs[w]
	gw := wk.(guidedWalker)
	np := d.np
	a.reset()
	clear(c.soim)
	c.sv, c.svv = 0, 0
	c.sw, c.swu, c.swv, c.sww = 0, 0, 0, 0
	ref := real(g.model.LogPsi(g.refSpins))
	twoP := 2 * (1 - g.q)
	gw.setSamplingPower(g.q)
	defer gw.setSamplingPower(1)
	wk.Refresh()
	for i := range d.opt.Samples {
		if d.halted(i, done) {
			return
		}
		ac, pr := wk.Sweep()
		a.acc += float64(ac)
		a.prop += float64(pr)
		x, y := a.o, c.oim
		e, v := wk.MeasureComplex(x, y)
		wt := math.Exp(twoP * (gw.logAmplitude() - ref))
		if !finite(e) || !finite(v) {
			a.bad++
			break
		}
		if !finite(wt) {
			// Overflowing weights: degenerate, the guard resamples.
			c.sww = math.Inf(1)
			break
		}
		a.add(e)
		c.sv += v
		c.svv += v * v
		c.sw += wt
		c.sww += wt * wt
		c.swu += wt * e
		c.swv += wt * v
		de := wt * (e - K)
		wv := wt * v
		y = y[:len(x)]
		for k, xk := range x {
			a.so[k] += wt * xk
			c.soim[k] += wt * y[k]
			a.seo[k] += de*xk + wv*y[k]
		}
		if a.soo != nil {
			for k, xk := range x {
				row := a.soo[k*np+k : k*np+np]
				xk, yk := wt*xk, wt*y[k]
				xs, ys := x[k:], y[k:len(x)]
				for l, xl := range xs {
					row[l] += xk*xl + yk*ys[l]
				}
			}
		}
	}
	if d.iter+1 == d.opt.Iterations {
		// Production follows: back to |Ψ|² before it.
		gw.setSamplingPower(1)
		for range d.opt.BurnIn {
			if d.halted(0, done) {
				return
			}
			wk.Sweep()
		}
	}
}

// centreGuided turns the reduced weighted sums into the form the real
// formulas expect: Σ O, Σ O O and Σ (u−K) O scaled by n/Σw (weighted
// means times n), the force's sum corrected from the unweighted ⟨u⟩ the
// driver subtracts to the weighted one. It returns the weighted v̄.
func (d *Driver) centreGuided(n float64) float64 {
	g := d.cx.guide
	W := g.sumW.Value()
	f := n / W
	E := d.it.energy.moments.Mean()
	ew, vw := g.sumWU.Value()/W, g.sumWV.Value()/W
	so, sy, seo := d.it.sumO.Data(), d.cx.sumOIm.Data(), d.it.sumEO.Data()
	for k := range so {
		so[k] *= f
		sy[k] *= f
		// seo/n − (E−K) so/n must be ⟨(u−K)x + v y⟩_w − (E_w−K) x̄_w − v̄_w ȳ_w.
		seo[k] = f*seo[k] - (ew-E)*so[k] - vw*sy[k]
	}
	if d.opt.SR != nil {
		soo := d.it.sumOO.Data()
		for k := range soo {
			soo[k] *= f
		}
	}
	return vw
}

// checkGuided validates Options.SamplingPower for a complex system.
func (d *Driver) checkGuided(complexStates bool) error {
	q := d.opt.SamplingPower
	if q == 0 || q == 1 {
		return nil
	}
	if !(q > 0 && q < 1) {
		return fmt.Errorf("vmc: SamplingPower = %g: want 0 < q ≤ 1 (0: plain |Ψ|²)", q)
	}
	if !complexStates {
		return fmt.Errorf("vmc: SamplingPower = %g: guided sampling is for complex trial states only", q)
	}
	if d.opt.ClipLocalEnergy > 0 {
		return fmt.Errorf("vmc: SamplingPower and ClipLocalEnergy do not combine")
	}
	lat, ok := d.sys.(*Lattice)
	if !ok {
		return fmt.Errorf("vmc: SamplingPower needs a spin lattice system, not %T", d.sys)
	}
	m, ok := lat.Model.(complexLogPsi)
	if !ok {
		return fmt.Errorf("vmc: SamplingPower: the model %T does not evaluate ln Ψ", lat.Model)
	}
	s := make([]int8, lat.H.N)
	for i := range s {
		s[i] = int8(1 - 2*(i%2))
	}
	minESS := d.opt.SamplingMinESS
	if minESS == 0 {
		minESS = 0.1
	}
	if !(minESS > 0 && minESS < 1) {
		return fmt.Errorf("vmc: SamplingMinESS = %g: want a fraction in (0, 1) (0: 0.1)", d.opt.SamplingMinESS)
	}
	d.cx.guide = &guided{q: q, model: m, refSpins: s, minESS: minESS}
	return nil
}

// guiding reports whether this iteration samples |Ψ|^{2q}.
func (d *Driver) guiding() bool {
	return d.cx != nil && d.cx.guide != nil && !d.cx.guide.off
}

// startGuide begins an iteration with guided sampling (when set up).
func (d *Driver) startGuide() {
	if d.cx != nil && d.cx.guide != nil {
		d.cx.guide.off, d.cx.guide.ess = false, 0
	}
}

// guideDegenerate reads the reduced weights' effective sample size and
// reports whether it fell below the threshold (then the iteration is to
// be sampled again, from |Ψ|²). Overflowing weights count as ESS 0. The decision rests on reduced sums only, so all
// ranks take it alike.
func (d *Driver) guideDegenerate() bool {
	if !d.guiding() {
		return false
	}
	g := d.cx.guide
	W := g.sumW.Value()
	g.ess = W * W / g.sumWW.Value() / d.it.energy.moments.N()
	if !finite(g.ess) {
		g.ess = 0
	}
	if g.ess >= g.minESS {
		return false
	}
	g.off = true
	return true
}

// recordGuide notes the weights' ESS fraction and a resampling in rec.
func (d *Driver) recordGuide(rec *Record) {
	if d.cx == nil || d.cx.guide == nil {
		return
	}
	rec.WeightESS, rec.Resampled = d.cx.guide.ess, d.cx.guide.off
}

// reequilibrate brings walker w from |Ψ|^{2q} back to |Ψ|² before an
// iteration is sampled again: BurnIn sweeps (at least one).
func (d *Driver) reequilibrate(w int, done <-chan struct{}) {
	wk := d.cx.walkers[w]
	wk.Refresh()
	for i := range max(d.opt.BurnIn, 1) {
		if d.halted(i, done) {
			return
		}
		wk.Sweep()
	}
}
