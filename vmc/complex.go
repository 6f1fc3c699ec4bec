package vmc

import (
	"fmt"
	"math"

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
// dense; matrix-free SR and the linear method do not take complex states.

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
	imag    float64 // the last iteration's Im⟨E_L⟩
	imagErr float64 // and its naive error bar
}

// complexAccum is one walker's Im O vector and its sums.
type complexAccum struct {
	oim, soim []float64
	sv, svv   float64
	ar        cacheline.Arena[float64]
}

// checkComplex sets up the complex path when the system asks for it, and
// refuses what it does not support.
func (d *Driver) checkComplex() error {
	cs, ok := d.sys.(ComplexSystem)
	if !ok || !cs.Complex() {
		return nil
	}
	if d.opt.Linear != nil {
		return fmt.Errorf("vmc: the linear method does not take complex trial states (use SR or a gradient rule)")
	}
	if d.mf != nil {
		if d.opt.SRSolver != SRAuto {
			return fmt.Errorf("vmc: SR solver %q does not take complex trial states (use the dense solver)", d.opt.SRSolver)
		}
		// Dense SR whatever the size: the kept-O path has no imaginary rows.
		d.mf = nil
	}
	d.cx = &complexPath{}
	return nil
}

// layoutComplex declares the extra views in the iteration buffer.
func (d *Driver) layoutComplex(b *reduce.Buffer) {
	if d.cx == nil {
		return
	}
	d.cx.sumOIm = b.Vector("sum_o_im", d.np)
	d.cx.sumV = b.Scalar("sum_e_im")
	d.cx.sumVV = b.Scalar("sum_e_im2")
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
	d.cx.walkers = append(d.cx.walkers, cw)
	// In memory of its own, as accum: written at every sample.
	c := cacheline.New[complexAccum]()
	c.oim, c.soim = c.ar.Make(d.np), c.ar.Make(d.np)
	d.cx.accs = append(d.cx.accs, c)
	return nil
}

// sampleComplex is sampleWalker for a complex walker. It allocates
// nothing.
func (d *Driver) sampleComplex(w int, K float64, done <-chan struct{}) {
	wk, a, c := d.cx.walkers[w], d.accs[w], d.cx.accs[w]
	np := d.np
	a.reset()
	clear(c.soim)
	c.sv, c.svv = 0, 0
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
		if !finite(e) || !finite(v) {
			a.bad++
			break
		}
		a.add(e)
		c.sv += v
		c.svv += v * v
		de := e - K
		y = y[:len(x)]
		for k, xk := range x {
			a.so[k] += xk
			c.soim[k] += y[k]
			a.seo[k] += de*xk + v*y[k]
		}
		if a.soo != nil {
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
	for k, y := range sy {
		seo[k] -= vbar * y
	}
	if d.opt.SR != nil {
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
