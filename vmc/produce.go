package vmc

import (
	"context"
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/stats"
)

// Produce runs (or continues) the production phase with frozen parameters
// and returns the final result. Each chunk of samples ends in one
// collective (the stop flag and non-finite energies), production in one
// more (the energy and observable sums).
func (d *Driver) Produce(ctx context.Context) (*Result, error) {
	reduced := false
	done := ctx.Done()
	first := true
	for d.prodDone < d.opt.Production {
		// A stop seen during the chunk (or the burn-in before the first)
		// discards it (stop.go).
		d.mark(ctx)
		if first {
			if err := d.startProduction(ctx); err != nil {
				return nil, err
			}
			first = false
		}
		chunk := min(d.opt.Chunk, d.opt.Production-d.prodDone)
		if err := d.forEach(ctx, func(w int) error {
			if err := d.record(w); err != nil {
				return err
			}
			d.sampleChunk(w, chunk, done)
			return nil
		}); err != nil {
			return nil, err
		}
		cut, err := d.reduceControl(ctx)
		if err != nil {
			return nil, err
		}
		if cut {
			if err := d.rewind(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("production during the chunk after %d of %d samples per walker, discarded: %w", d.prodDone, d.opt.Production, ErrStopped)
		}
		d.prodDone += chunk
		reduced = true
		if d.opt.OnChunk != nil {
			d.opt.OnChunk(d.prodDone, d.opt.Production)
		}
		if d.ctl.stop.Value() > 0 && d.prodDone < d.opt.Production {
			return nil, fmt.Errorf("production after %d of %d samples per walker: %w", d.prodDone, d.opt.Production, ErrStopped)
		}
	}
	if first {
		if err := d.startProduction(ctx); err != nil {
			return nil, err
		}
	}
	if !reduced && d.opt.Production > 0 {
		// Restored after the last chunk: the production mean needs the
		// control sums once more.
		if _, err := d.reduceControl(ctx); err != nil {
			return nil, err
		}
		reduced = true
	}
	return d.result(d.productionShift(reduced))
}

// startProduction makes the production accumulators (unless restored) and
// burns in before the first chunk.
func (d *Driver) startProduction(ctx context.Context) error {
	if d.prodAccs == nil {
		d.prodAccs = make([]*accum, len(d.walkers))
		for w := range d.prodAccs {
			d.prodAccs[w] = d.newProductionAccum()
		}
	}
	if a := d.prodAccs; len(a) > 0 && a[0].trace == nil {
		a[0].trace = make([]float64, 0, min(max(d.opt.Production-d.prodDone, 0), TraceLen))
	}
	if d.prodDone == 0 && d.opt.Production > 0 {
		if err := d.burnIn(ctx); err != nil {
			return err
		}
		d.burned = true
	}
	return nil
}

func (d *Driver) newProductionAccum() *accum {
	a := newAccum(0, false)
	a.extra = cacheline.Make[obsAccum](len(d.opt.Observables))
	for i, o := range d.opt.Observables {
		a.extra[i] = newObsAccum(o, &a.ar)
	}
	return a
}

// sampleChunk draws chunk production samples of walker w: energy sums and
// observables. It ends early when done is closed. It allocates nothing.
func (d *Driver) sampleChunk(w, chunk int, done <-chan struct{}) {
	wk, a, ms := d.walkers[w], d.prodAccs[w], d.measures[w]
	// A chunk boundary is where a run may stop and resume from positions
	// alone; recomputing the cached quantities here in every run keeps a
	// resumed run bit-identical.
	wk.Refresh()
	for i := range chunk {
		if d.halted(i, done) {
			return
		}
		ac, pr := wk.Sweep()
		a.acc += float64(ac)
		a.prop += float64(pr)
		e := wk.Measure(nil)
		if !finite(e) {
			a.bad++
			return
		}
		a.add(e)
		if len(a.trace) < cap(a.trace) {
			a.trace = append(a.trace, e)
		}
		for i := range a.extra {
			a.extra[i].measure(ms[i])
		}
	}
}

// reduceControl is a chunk's collective: the stop flag, non-finite
// energies, and Σ n, Σ n·mean for the production mean. It reports whether
// a rank cut the chunk short, which leaves the other numbers meaningless.
func (d *Driver) reduceControl(ctx context.Context) (cut bool, err error) {
	ctl := &d.ctl
	ctl.buf.Reset()
	bad := 0
	for _, a := range d.prodAccs {
		bad += a.bad
		ctl.n.Add(a.n)
		ctl.nMean.Add(a.n * a.mean)
	}
	ctl.nonfinite.Data()[d.c.Rank()] = float64(bad)
	d.setStop(ctx, ctl.stop)
	if err := ctl.buf.AllReduce(d.c); err != nil {
		return false, fmt.Errorf("vmc: production: %w", err)
	}
	if d.cutShort(ctl.stop) {
		return true, nil
	}
	if ranks := nonfiniteRanks(ctl.nonfinite); ranks != nil {
		return false, &LocalEnergyError{Iteration: -1, Ranks: ranks, Rank: d.c.Rank()}
	}
	return false, nil
}

// productionShift is the K of the final energy moments: the production
// mean itself when known, so that Σ(E−K)² carries no cancellation even
// without optimisation iterations to provide a previous mean.
func (d *Driver) productionShift(reduced bool) float64 {
	if !reduced {
		return d.shift
	}
	n, nm := d.ctl.n.Value(), d.ctl.nMean.Value()
	if m := nm / n; n > 0 && finite(m) {
		return m
	}
	return d.shift
}

// result is production's final collective and the Result it gives.
func (d *Driver) result(shift float64) (*Result, error) {
	p := &d.prod
	p.buf.Reset()
	p.energy.moments.SetShift(shift)
	for _, a := range d.prodAccs {
		p.energy.merge(a)
		for i, o := range p.observables {
			o.merge(&a.extra[i])
		}
	}
	if err := p.buf.AllReduce(d.c); err != nil {
		return nil, fmt.Errorf("vmc: production: %w", err)
	}
	m := p.energy.moments
	res := &Result{
		Variance:   m.Variance(),
		Samples:    int64(m.N()),
		Ranks:      d.c.Size(),
		Walkers:    len(d.walkers),
		Iterations: d.iter,
		Params:     d.Params(),
		History:    d.history,
	}
	res.Exact, res.HasExact = d.sys.Exact()
	if res.Samples > 0 {
		est := p.energy.combined()
		res.Energy, res.Error = est.Mean, est.Error
		res.Tau, res.ESS, res.RHat, res.Short, res.Warning = est.Tau, est.ESS, est.RHat, est.Short, est.Warning()
		res.Acceptance = p.energy.acceptance()
		res.Blocking = stats.CurveFromSums(p.energy.chains.Data(), p.energy.moments.Shift())
	} else {
		res.Energy, res.Error, res.Variance, res.Acceptance = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		res.Tau, res.ESS, res.RHat = math.NaN(), 0, math.NaN()
	}
	for _, o := range p.observables {
		res.Observables = append(res.Observables, o.result())
	}
	return res, nil
}

// Trace returns the production local energies of this rank's first walker
// in sampling order, at most TraceLen of them, for the autocorrelation
// function. Unlike the Result it differs from rank to rank, and it holds
// the samples drawn by this process only: a production resumed from a
// checkpoint starts a new trace.
func (d *Driver) Trace() []float64 {
	if len(d.prodAccs) == 0 {
		return nil
	}
	return append([]float64(nil), d.prodAccs[0].trace...)
}
