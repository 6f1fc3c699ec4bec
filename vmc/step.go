package vmc

import (
	"context"
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/solvers/optim"
)

// Step runs one optimisation iteration: sample, one all-reduce, update.
// A stop seen during its sampling discards the iteration (stop.go).
func (d *Driver) Step(ctx context.Context) (Record, error) {
	d.mark(ctx)
	if !d.burned {
		if err := d.burnIn(ctx); err != nil {
			return Record{}, err
		}
		d.burned = true
	}
	K := d.shift
	d.startGuide()
	checkParams, err := d.collect(ctx, K)
	if err == nil && d.guideDegenerate() {
		checkParams, err = d.collect(ctx, K)
	}
	if err != nil {
		return Record{}, err
	}
	d.setIteration()
	rec := d.iterationRecord()
	d.recordGuide(&rec)
	if err := d.checkDivergence(rec); err != nil {
		return rec, err
	}
	rec.GradNorm = d.gradient(rec.Energy, K)
	if err := d.update(ctx, checkParams); err != nil {
		return rec, err
	}
	d.shift = rec.Energy
	rec.Wall = d.wall()
	d.history = append(d.history, rec)
	d.iter++
	if d.opt.OnIteration != nil {
		d.opt.OnIteration(rec)
	}
	if d.it.stop.Value() > 0 {
		return rec, fmt.Errorf("after iteration %d: %w", d.iter, ErrStopped)
	}
	return rec, nil
}

// collect samples the iteration on every walker and reduces its sums
// over the ranks; it reports whether the ranks compare parameters.
func (d *Driver) collect(ctx context.Context, K float64) (checkParams bool, err error) {
	done := ctx.Done()
	if err := d.forEach(ctx, func(w int) error {
		if err := d.record(w); err != nil {
			return err
		}
		d.sampleWalker(w, K, done)
		return nil
	}); err != nil {
		return false, err
	}
	checkParams = d.mergeIteration(ctx, K)
	if err := d.it.buf.AllReduce(d.c); err != nil {
		return false, fmt.Errorf("vmc: iteration %d: %w", d.iter, err)
	}
	if d.cutShort(d.it.stop) {
		if err := d.rewind(); err != nil {
			return false, err
		}
		return false, fmt.Errorf("during iteration %d, discarded (the run stands after %d): %w", d.iter+1, d.iter, ErrStopped)
	}
	if ranks := nonfiniteRanks(d.it.nonfinite); ranks != nil {
		return false, &LocalEnergyError{Iteration: d.iter, Ranks: ranks, Rank: d.c.Rank()}
	}
	return checkParams, nil
}

// sampleWalker draws the iteration's samples of walker w into its
// accumulator: energy moments and blocking, Σ O_k, Σ (E_L−K) O_k and, for
// SR, the upper triangle of Σ O_k O_l (dense) or the O vectors themselves
// and Σ O_k² (matrix-free). It ends early when done is closed. It
// allocates nothing.
func (d *Driver) sampleWalker(w int, K float64, done <-chan struct{}) {
	if d.cx != nil {
		d.sampleComplex(w, K, done)
		return
	}
	wk, a := d.walkers[w], d.accs[w]
	np := d.np
	a.reset()
	d.resetLinear(w)
	// Cached quantities are recomputed from the positions at every
	// iteration, as a restored walker's are, so a resumed run stays
	// bit-identical even when no update refreshed them.
	wk.Refresh()
	for i := range d.opt.Samples {
		if d.halted(i, done) {
			return
		}
		ac, pr := wk.Sweep()
		a.acc += float64(ac)
		a.prop += float64(pr)
		o := a.o
		if a.obs != nil {
			o = a.obs[i*np : (i+1)*np]
		}
		e := d.measure(w, wk, o, K)
		if !finite(e) {
			a.bad++
			break
		}
		a.add(e)
		de := e - K
		for k, ok := range o {
			a.so[k] += ok
			a.seo[k] += de * ok
		}
		switch {
		case a.obs != nil:
			a.e[a.rows] = e
			a.rows++
			for k, ok := range o {
				a.soo[k] += ok * ok
			}
		case a.soo != nil:
			// Upper triangle only: S is symmetric, and this P²/2 loop
			// per sample is the dense path's main cost.
			for k, ok := range o {
				row := a.soo[k*np+k : k*np+np]
				for l, ol := range o[k:] {
					row[l] += ok * ol
				}
			}
		}
	}
}

// mergeIteration fills the iteration's buffer: the walkers' sums in walker
// order (so that they do not depend on scheduling), this rank's
// non-finite count and stop request, and the parameter hash when the
// ranks compare parameters this iteration, which it reports.
func (d *Driver) mergeIteration(ctx context.Context, K float64) (checkParams bool) {
	it := &d.it
	it.buf.Reset()
	it.energy.moments.SetShift(K)
	so, seo := it.sumO.Data(), it.sumEO.Data()
	var soo []float64
	if d.opt.SR != nil {
		soo = it.sumOO.Data()
	}
	bad := 0
	for _, a := range d.accs {
		it.energy.merge(a)
		for k := range d.np {
			so[k] += a.so[k]
			seo[k] += a.seo[k]
		}
		for k := range soo {
			soo[k] += a.soo[k]
		}
		bad += a.bad
	}
	d.mergeLinear()
	d.mergeComplex()
	it.nonfinite.Data()[d.c.Rank()] = float64(bad)
	d.setStop(ctx, it.stop)
	checkParams = d.opt.Rule != nil && d.np > 0 && d.opt.SyncEvery > 0 && d.iter%d.opt.SyncEvery == 0
	if checkParams {
		it.params.Set(hashFloats(d.params))
	}
	return checkParams
}

// iterationRecord reads the reduced energy statistics.
func (d *Driver) iterationRecord() Record {
	e := d.it.energy
	E, variance := e.moments.Mean(), e.moments.Variance()
	est := e.combined()
	return Record{Iteration: d.iter, Energy: E, Error: est.Error, Variance: variance,
		Acceptance: e.acceptance(), LearningRate: d.learningRate(),
		Tau: est.Tau, ESS: est.ESS, RHat: est.RHat, Short: est.Short}
}

// checkDivergence compares the iteration's variance with the first one's.
func (d *Driver) checkDivergence(rec Record) error {
	E, variance := rec.Energy, rec.Variance
	if d.iter == 0 && len(d.history) == 0 {
		d.ref = variance + E*E
	}
	if !finite(E) || !finite(variance) {
		return d.diverged(fmt.Sprintf("energy %g, variance %g", E, variance))
	}
	if variance > d.opt.Diverge*d.ref && variance > 0 {
		return d.diverged(fmt.Sprintf("variance %g exceeds %g × (σ²₀ + E₀²) = %g", variance, d.opt.Diverge, d.opt.Diverge*d.ref))
	}
	return nil
}

// gradient writes the force F_k = ⟨E_L O_k⟩ − ⟨E_L⟩⟨O_k⟩
// = Σ(E_L−K)O_k/n − (⟨E_L⟩−K)⟨O_k⟩ and the gradient G = 2F, and returns |G|.
func (d *Driver) gradient(E, K float64) float64 {
	d.centreComplex()
	if d.varianceStage() {
		return d.varianceGradient(E, K)
	}
	n := d.it.energy.moments.N()
	so, seo := d.it.sumO.Data(), d.it.sumEO.Data()
	gn := 0.0
	for k := range d.np {
		d.step.force[k] = seo[k]/n - (E-K)*so[k]/n
		d.step.grad[k] = 2 * d.step.force[k]
		gn += d.step.grad[k] * d.step.grad[k]
	}
	return math.Sqrt(gn)
}

// update preconditions the gradient (SR), takes rank 0's parameters when
// the ranks' hashes differed, applies the rule and refreshes the walkers.
func (d *Driver) update(ctx context.Context, checkParams bool) error {
	if d.opt.Rule == nil || d.np == 0 {
		return nil
	}
	copy(d.lastGood, d.params)
	step, err := d.direction(ctx)
	if err != nil {
		return err
	}
	if checkParams && !d.it.params.Agreed(d.c.Size()) {
		// The ranks' parameters drifted apart (the all-reduce gave them
		// different bits): every rank saw it, all take rank 0's.
		if err := d.c.Bcast(d.params, 0); err != nil {
			return fmt.Errorf("vmc: iteration %d: parameter broadcast: %w", d.iter, err)
		}
	}
	d.opt.Rule.Step(d.params, step)
	for _, p := range d.params {
		if !finite(p) {
			return d.diverged("non-finite parameters after the update")
		}
	}
	return d.setParams(ctx)
}

// direction is the step's direction: the gradient, or the SR solution δ.
func (d *Driver) direction(ctx context.Context) ([]float64, error) {
	n := d.it.energy.moments.N()
	switch {
	case d.varianceStage():
		return d.varianceDirection(n)
	case d.lin != nil && d.lin.full:
		return d.linearDirection(n, d.shift)
	case d.mf != nil:
		if err := d.solveMatrixFree(ctx, n); err != nil {
			return nil, fmt.Errorf("vmc: iteration %d: stochastic reconfiguration (matrix-free): %w", d.iter, err)
		}
		return d.step.delta, nil
	case d.opt.SR != nil:
		np, soo := d.np, d.it.sumOO.Data()
		for k := range np {
			for l := range k {
				soo[k*np+l] = soo[l*np+k]
			}
		}
		optim.Covariance(d.step.cov, soo, d.it.sumO.Data(), n)
		if err := d.opt.SR.Solve(d.step.delta, d.step.cov, d.step.force); err != nil {
			return nil, fmt.Errorf("vmc: iteration %d: stochastic reconfiguration: %w", d.iter, err)
		}
		return d.step.delta, nil
	}
	return d.step.grad, nil
}

func (d *Driver) diverged(reason string) error {
	copy(d.params, d.lastGood)
	d.sys.SetParams(d.params)
	for _, w := range d.walkers {
		w.Refresh()
	}
	return &DivergenceError{Iteration: d.iter, Reason: reason, LastGood: append([]float64(nil), d.lastGood...)}
}

func (d *Driver) setParams(ctx context.Context) error {
	d.sys.SetParams(d.params)
	return d.forEach(ctx, func(w int) error {
		d.walkers[w].Refresh()
		return nil
	})
}

// hashFloats is FNV-1a over the bits of x, 8 bytes at a time.
func hashFloats(x []float64) uint64 {
	h := uint64(14695981039346656037)
	for _, v := range x {
		h ^= math.Float64bits(v)
		h *= 1099511628211
	}
	return h ^ h>>32
}
