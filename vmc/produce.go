package vmc

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/stats"
)

// Produce runs (or continues) the production phase with frozen parameters
// and returns the final result. Production runs in rounds of whole chunks
// (superChunk); each round ends in one collective (the stop flag,
// non-finite energies and the next round's length), production in one
// more (the energy and observable sums).
func (d *Driver) Produce(ctx context.Context) (*Result, error) {
	reduced := false
	done := ctx.Done()
	first := true
	chunks := 1 // the round's length in chunks, the same on every rank
	for d.prodDone < d.opt.Production {
		// A stop seen during the round (or the burn-in before the first)
		// discards it (stop.go).
		d.mark(ctx)
		if first {
			if err := d.startProduction(ctx); err != nil {
				return nil, err
			}
			first = false
		}
		from := d.prodDone
		end := min(from+chunks*d.opt.Chunk, d.opt.Production)
		start := time.Now()
		if err := d.forEach(ctx, func(w int) error {
			if err := d.record(w); err != nil {
				return err
			}
			// Chunk by chunk as in a round of one: each chunk starts
			// with a Refresh, so the numbers do not depend on the rounds.
			for at := from; at < end; at += d.opt.Chunk {
				if !d.sampleChunk(w, min(d.opt.Chunk, end-at), done) {
					break
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
		cut, next, err := d.reduceControl(ctx, chunks, time.Since(start))
		if err != nil {
			return nil, err
		}
		if cut {
			if err := d.rewind(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("production during the chunks after %d of %d samples per walker, discarded: %w", d.prodDone, d.opt.Production, ErrStopped)
		}
		d.prodDone, chunks = end, next
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
		if _, _, err := d.reduceControl(ctx, 1, 0); err != nil {
			return nil, err
		}
		reduced = true
	}
	return d.result(d.productionShift(reduced))
}

// superChunk is the wall time a production round aims at. A chunk of the
// cheapest samples (1000 of 0.7 µs) is so short that waking the walkers'
// goroutines, waiting for the slowest and the collective cost several per
// cent of it, so production runs as many whole chunks per round as fill
// about this time, which bounds a stop's wait (Options.Stop is polled
// once per round; a cancelled context cuts the round short) and the work a
// rewind discards.
const superChunk = 100 * time.Millisecond

// maxRoundChunks bounds a rank's proposal for the next round's length, so
// that the sum over ranks stays an exact integer in a float64.
const maxRoundChunks = 1 << 20

// roundChunks is this rank's proposal for the next round's length in
// chunks, given that this round of chunks lasted took: as many as fill
// superChunk at the pace measured, at least 1, at most twice this round
// (so the first rounds stay short and a stray fast round cannot jump far).
func roundChunks(chunks int, took time.Duration) int {
	n := chunks
	if took > 0 {
		n = int(min(float64(superChunk)/float64(took)*float64(chunks), maxRoundChunks))
	}
	return max(1, min(n, 2*chunks, maxRoundChunks))
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
// observables. It ends early, reporting false, when done is closed or at a
// non-finite energy. It allocates nothing.
func (d *Driver) sampleChunk(w, chunk int, done <-chan struct{}) bool {
	wk, a, ms := d.walkers[w], d.prodAccs[w], d.measures[w]
	// A chunk boundary is where a run may stop and resume from positions
	// alone; recomputing the cached quantities here in every run keeps a
	// resumed run bit-identical.
	wk.Refresh()
	for i := range chunk {
		if d.halted(i, done) {
			return false
		}
		ac, pr := wk.Sweep()
		a.acc += float64(ac)
		a.prop += float64(pr)
		e := wk.Measure(nil)
		if !finite(e) {
			a.bad++
			return false
		}
		a.add(e)
		if len(a.trace) < cap(a.trace) {
			a.trace = append(a.trace, e)
		}
		for i := range a.extra {
			a.extra[i].measure(ms[i])
		}
	}
	return true
}

// reduceControl is a round's collective: the stop flag, non-finite
// energies, Σ n, Σ n·mean for the production mean, and every rank's
// proposal for the next round's length after this round of chunks, which
// lasted took (next is their mean, rounded down: the same on every rank,
// as the sum of integers is exact). It reports whether a rank cut the round
// short, which leaves the other numbers meaningless.
func (d *Driver) reduceControl(ctx context.Context, chunks int, took time.Duration) (cut bool, next int, err error) {
	ctl := &d.ctl
	ctl.buf.Reset()
	bad := 0
	for _, a := range d.prodAccs {
		bad += a.bad
		ctl.n.Add(a.n)
		ctl.nMean.Add(a.n * a.mean)
	}
	ctl.nonfinite.Data()[d.c.Rank()] = float64(bad)
	ctl.chunks.Set(float64(roundChunks(chunks, took)))
	d.setStop(ctx, ctl.stop)
	if err := ctl.buf.AllReduce(d.c); err != nil {
		return false, 0, fmt.Errorf("vmc: production: %w", err)
	}
	if d.cutShort(ctl.stop) {
		return true, 0, nil
	}
	if ranks := nonfiniteRanks(ctl.nonfinite); ranks != nil {
		return false, 0, &LocalEnergyError{Iteration: -1, Ranks: ranks, Rank: d.c.Rank()}
	}
	return false, max(1, int(ctl.chunks.Value())/d.c.Size()), nil
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
