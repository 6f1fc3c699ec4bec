package vmc

import (
	"fmt"
	"math"
	"slices"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/reduce"
)

// Complex trial states. With Ψ complex and real parameters θ_k, the
// derivatives O_k = ∂ln Ψ/∂θ_k = x_k + i y_k and the local energy
// E_L = u + iv are complex. The energy gradient and the SR matrix are
//
//	G_k  = 2 Re⟨O_k* (E_L − ⟨E_L⟩)⟩       = 2 [cov(x_k, u) + cov(y_k, v)],
//	S_kl = Re(⟨O_k* O_l⟩ − ⟨O_k⟩*⟨O_l⟩)   = cov(x_k, x_l) + cov(y_k, y_l),
//
// sums of ordinary real covariances. The driver therefore keeps its real
// sums (Σ x_k, Σ (u−K) x_k, Σ x_k x_l, the energy moments of u) and adds
// Σ y_k, Σ v, Σ v² and, into the same vectors, Σ v y_k and Σ y_k y_l; the
// missing mean products v̄ ȳ_k and ȳ_k ȳ_l are subtracted after the
// all-reduce, so that the optimisers and the SR solve stay the real ones.
// The reported energy is Re⟨E_L⟩; Im⟨E_L⟩ vanishes in expectation (H is
// Hermitian) and is kept for checking (Driver.ImagEnergy). SR is solved
// dense or as minSR (minsr_complex.go); CG and the linear method do not
// take complex states.
//
// Heavy tails. Where the amplitude comes near a zero, E_L = Σ H_ss' Ψ(s')/Ψ(s)
// is large, and its variance can be infinite: the gradient's estimate is
// then dominated by a few samples and one iteration can throw the state
// far away. With Options.ClipLocalEnergy = c > 0 each walker keeps its
// iteration's samples, takes the component-wise median m of its E_L and
// their mean absolute deviation Δ = ⟨|E_L − m|⟩, and, in the gradient
// only, shrinks every deviation E_L − m longer than cΔ to length cΔ (same
// direction in the complex plane). The centred sums use the clipped
// values' own means, so the force is the covariance of O with the clipped
// E_L. This biases the gradient (it is no longer exactly that of ⟨H⟩;
// the bias vanishes at an eigenstate, where E_L is constant, and is small
// when few samples lie beyond cΔ) in exchange for a bounded variance; the
// energy, its error bar and Im⟨E_L⟩ are always those of the unclipped
// E_L. The window is the walker's own (no further collective), so the
// numbers depend on the number of walkers as the samples do.

// ComplexWalker is a Walker of a complex trial state. Its Measure returns
// Re E_L (production needs nothing else).
type ComplexWalker interface {
	Walker
	// MeasureComplex returns Re and Im of E_L and writes Re O_k and Im O_k
	// into ore and oim.
	MeasureComplex(ore, oim []float64) (e, eIm float64)
}

// ComplexSystem is a System that may have complex amplitudes.
type ComplexSystem interface {
	System
	// Complex reports whether the walkers are ComplexWalkers.
	Complex() bool
}

// complexPath is the driver's state for complex walkers: the iteration
// buffer's extra views and each walker's extra sums.
type complexPath struct {
	walkers []ComplexWalker
	accs    []*complexAccum
	sumOIm  reduce.Vector
	sumV    reduce.Scalar
	sumVV   reduce.Scalar
	// With clipping: Σ (u' − u) and Σ v' over the clipped values u', v'.
	sumDU, sumVC reduce.Scalar
	imag         float64 // the last iteration's Im⟨E_L⟩
	imagErr      float64 // and its naive error bar
	guide        *guided // sampling |Ψ|^{2q}, or nil
}

// complexAccum is one walker's Im O vector and its sums.
type complexAccum struct {
	oim, soim []float64
	sv, svv   float64
	ar        cacheline.Arena[float64]
	// With clipping: the samples' x and y rows (2P values each), Re and
	// Im E_L, a scratch for the medians, and Σ (u' − u), Σ v'.
	rows, eu, ev, tmp []float64
	du, vc            float64
	// With minSR: the samples' Im O rows (their Im E_L in ev).
	yobs []float64
	// With guided sampling: Σ w, Σ w u, Σ w v, Σ w².
	sw, swu, swv, sww float64
}

// checkComplex sets up the complex path when the system asks for it, and
// refuses what it does not support.
func (d *Driver) checkComplex() error {
	c := d.opt.ClipLocalEnergy
	if math.IsNaN(c) || math.IsInf(c, 0) || c < 0 {
		return fmt.Errorf("vmc: ClipLocalEnergy = %g: want a finite width ≥ 0 (0: off)", c)
	}
	cs, ok := d.sys.(ComplexSystem)
	if !ok || !cs.Complex() {
		if c > 0 {
			return fmt.Errorf("vmc: ClipLocalEnergy = %g: local-energy clipping is for complex trial states only", c)
		}
		return d.checkGuided(false)
	}
	if d.opt.Linear != nil {
		return fmt.Errorf("vmc: the linear method does not take complex trial states (use SR or a gradient rule)")
	}
	switch {
	case d.mf != nil && d.mf.min != nil:
		// minSR keeps the samples' rows Re O and Im O (minsr_complex.go).
		if c > 0 || d.opt.SamplingPower != 0 && d.opt.SamplingPower != 1 {
			return fmt.Errorf("vmc: SR solver %q with a complex trial state takes neither ClipLocalEnergy nor SamplingPower", d.opt.SRSolver)
		}
	case d.mf != nil:
		if d.opt.SRSolver != SRAuto {
			return fmt.Errorf("vmc: SR solver %q does not take complex trial states (use the dense solver or minSR)", d.opt.SRSolver)
		}
		// Dense SR whatever the size: CG has no imaginary rows.
		d.mf = nil
	}
	d.cx = &complexPath{}
	return d.checkGuided(true)
}

// layoutComplex declares the extra views in the iteration buffer.
func (d *Driver) layoutComplex(b *reduce.Buffer) {
	if d.cx == nil {
		return
	}
	d.cx.sumOIm = b.Vector("sum_o_im", d.np)
	d.cx.sumV = b.Scalar("sum_e_im")
	d.cx.sumVV = b.Scalar("sum_e_im2")
	if g := d.cx.guide; g != nil {
		g.sumW = b.Scalar("sum_guide_w")
		g.sumWU = b.Scalar("sum_guide_wu")
		g.sumWV = b.Scalar("sum_guide_wv")
		g.sumWW = b.Scalar("sum_guide_ww")
	}
	if d.opt.ClipLocalEnergy > 0 {
		d.cx.sumDU = b.Scalar("sum_clip_du")
		d.cx.sumVC = b.Scalar("sum_clip_e_im")
	}
}

// bindComplex keeps walker w as a ComplexWalker with its accumulator.
func (d *Driver) bindComplex(wk Walker) error {
	if d.cx == nil {
		return nil
	}
	cw, ok := wk.(ComplexWalker)
	if !ok {
		return fmt.Errorf("vmc: the system has complex amplitudes, but its walker %T does not measure them", wk)
	}
	if _, ok := wk.(guidedWalker); d.cx.guide != nil && !ok {
		return fmt.Errorf("vmc: SamplingPower: the walker %T cannot sample |Ψ|^{2q}", wk)
	}
	d.cx.walkers = append(d.cx.walkers, cw)
	// In memory of its own, as accum: written at every sample.
	c := cacheline.New[complexAccum]()
	c.oim, c.soim = c.ar.Make(d.np), c.ar.Make(d.np)
	if d.mf != nil {
		// minSR: the Im O rows and Im E_L beside the accumulator's Re ones.
		c.yobs, c.ev = c.ar.Make(d.opt.Samples*d.np), c.ar.Make(d.opt.Samples)
	}
	if d.opt.ClipLocalEnergy > 0 {
		n := d.opt.Samples
		c.rows = make([]float64, 2*n*d.np)
		c.eu, c.ev, c.tmp = make([]float64, n), make([]float64, n), make([]float64, n)
	}
	d.cx.accs = append(d.cx.accs, c)
	return nil
}

// sampleComplex is sampleWalker for a complex walker. It allocates
// nothing.
func (d *Driver) sampleComplex(w int, K float64, done <-chan struct{}) {
	if d.guiding() {
		d.sampleGuided(w, K, done)
		return
	}
	if d.cx.guide != nil {
		// Guided sampling's weights degenerated: this iteration from |Ψ|².
		d.reequilibrate(w, done)
	}
	wk, a, c := d.cx.walkers[w], d.accs[w], d.cx.accs[w]
	np := d.np
	a.reset()
	clear(c.soim)
	c.sv, c.svv = 0, 0
	c.du, c.vc = 0, 0
	clip := c.rows != nil
	kept := 0
	wk.Refresh()
	for i := range d.opt.Samples {
		if d.halted(i, done) {
			return
		}
		ac, pr := wk.Sweep()
		a.acc += float64(ac)
		a.prop += float64(pr)
		x, y := a.o, c.oim
		if a.obs != nil {
			x, y = a.obs[i*np:(i+1)*np], c.yobs[i*np:(i+1)*np]
		}
		e, v := wk.MeasureComplex(x, y)
		if !finite(e) || !finite(v) {
			a.bad++
			break
		}
		a.add(e)
		c.sv += v
		c.svv += v * v
		de := e - K
		y = y[:len(x)]
		if a.obs != nil {
			// minSR: the rows stay; Σ (x_k² + y_k²) is S's diagonal.
			a.e[a.rows], c.ev[a.rows] = e, v
			a.rows++
			for k, xk := range x {
				a.soo[k] += xk*xk + y[k]*y[k]
			}
		}
		if clip {
			// The force's sums wait for the walker's window.
			c.eu[kept], c.ev[kept] = e, v
			copy(c.rows[2*kept*np:], x)
			copy(c.rows[(2*kept+1)*np:], y)
			kept++
			for k, xk := range x {
				a.so[k] += xk
				c.soim[k] += y[k]
			}
		} else {
			for k, xk := range x {
				a.so[k] += xk
				c.soim[k] += y[k]
				a.seo[k] += de*xk + v*y[k]
			}
		}
		if a.soo != nil && a.obs == nil {
			for k, xk := range x {
				row := a.soo[k*np+k : k*np+np]
				yk := y[k]
				xs, ys := x[k:], y[k:len(x)]
				for l, xl := range xs {
					row[l] += xk*xl + yk*ys[l]
				}
			}
		}
	}
	if clip {
		c.clipForce(a.seo, kept, np, K, d.opt.ClipLocalEnergy)
	}
}

// clipForce adds the first n kept samples' clipped Σ (u'−K) x_k + v' y_k
// to seo, and Σ (u'−u), Σ v' to c's sums. It allocates nothing.
func (c *complexAccum) clipForce(seo []float64, n, np int, K, width float64) {
	if n == 0 {
		return
	}
	mu, mv := median(c.eu[:n], c.tmp), median(c.ev[:n], c.tmp)
	mad := 0.0
	for i := range n {
		mad += math.Hypot(c.eu[i]-mu, c.ev[i]-mv)
	}
	w := width * mad / float64(n)
	for i := range n {
		u, v := c.eu[i], c.ev[i]
		du, dv := u-mu, v-mv
		if r := math.Hypot(du, dv); r > w {
			f := w / r
			u, v = mu+f*du, mv+f*dv
		}
		c.du += u - c.eu[i]
		c.vc += v
		de := u - K
		x, y := c.rows[2*i*np:(2*i+1)*np], c.rows[(2*i+1)*np:(2*i+2)*np]
		y = y[:len(x)]
		for k, xk := range x {
			seo[k] += de*xk + v*y[k]
		}
	}
}

// median of xs, sorted in scratch (len(scratch) ≥ len(xs)).
func median(xs, scratch []float64) float64 {
	s := scratch[:len(xs)]
	copy(s, xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// mergeComplex adds the walkers' extra sums, in walker order.
func (d *Driver) mergeComplex() {
	if d.cx == nil {
		return
	}
	so := d.cx.sumOIm.Data()
	for _, c := range d.cx.accs {
		for k, y := range c.soim {
			so[k] += y
		}
		d.cx.sumV.Add(c.sv)
		d.cx.sumVV.Add(c.svv)
		if g := d.cx.guide; g != nil {
			g.sumW.Add(c.sw)
			g.sumWU.Add(c.swu)
			g.sumWV.Add(c.swv)
			g.sumWW.Add(c.sww)
		}
		if c.rows != nil {
			d.cx.sumDU.Add(c.du)
			d.cx.sumVC.Add(c.vc)
		}
	}
}

// centreComplex subtracts, after the all-reduce, the mean products the
// real formulas do not know: Σ v y_k − n v̄ ȳ_k from the force's sum and
// Σ y_k y_l − n ȳ_k ȳ_l from the dense S's (upper triangle).
func (d *Driver) centreComplex() {
	if d.cx == nil {
		return
	}
	n := d.it.energy.moments.N()
	sy := d.cx.sumOIm.Data()
	vbar := d.cx.sumV.Value() / n
	seo := d.it.sumEO.Data()
	if d.guiding() {
		// Weighted sums; the v̄ ȳ term is in seo already, S's ȳ ȳ
		// term follows below.
		vbar = d.centreGuided(n)
	} else if d.opt.ClipLocalEnergy > 0 {
		// The clipped v̄', and the real part's mean shift ⟨u'−u⟩: the
		// driver subtracts (⟨u⟩−K) Σ x_k, the clipped covariance needs
		// (⟨u'⟩−K) Σ x_k.
		vc, du := d.cx.sumVC.Value()/n, d.cx.sumDU.Value()/n
		for k, x := range d.it.sumO.Data() {
			seo[k] -= vc*sy[k] + du*x
		}
	} else {
		for k, y := range sy {
			seo[k] -= vbar * y
		}
	}
	if d.opt.SR != nil && d.mf == nil {
		np, soo := d.np, d.it.sumOO.Data()
		for k, yk := range sy {
			row := soo[k*np : k*np+np]
			for l := k; l < np; l++ {
				row[l] -= yk * sy[l] / n
			}
		}
	}
	d.cx.imag = vbar
	d.cx.imagErr = math.Sqrt(math.Max(d.cx.sumVV.Value()/n-vbar*vbar, 0) / n)
}

// ImagEnergy is Im⟨E_L⟩ of the last iteration with its error bar (naive:
// samples taken as independent), for a complex trial state; ok is false
// otherwise. It vanishes in expectation.
func (d *Driver) ImagEnergy() (mean, err float64, ok bool) {
	if d.cx == nil {
		return 0, 0, false
	}
	return d.cx.imag, d.cx.imagErr, true
}
