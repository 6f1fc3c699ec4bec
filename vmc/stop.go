package vmc

import (
	"context"
	"encoding"
	"fmt"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"

	"github.com/vmcmpi/vmcmpi/reduce"
)

// A stop signal must not wait for a whole iteration or production round,
// which may take minutes: the sampling loops poll the context every
// pollEvery sweeps and end early. The rank then says so in the stop flag
// of the next collective, every rank discards the unfinished iteration or
// round and rewinds its walkers to where it began, and the run stops at
// that boundary, so a resume repeats exactly the discarded work and stays
// bit-identical. Stop (Options) is still polled at the boundaries only,
// as it need not be safe for concurrent use.
const pollEvery = 4

// boundary is what a rank needs to rewind an unfinished iteration or
// round: the burn-in flag and whether production had begun as they were
// when it began, and each walker's record. Each walker's goroutine takes
// its own record (record) before it first moves the walker, so the
// records cost no serial time between rounds, and they reuse their memory
// from round to round. Nothing is kept when the context cannot be
// cancelled.
type boundary struct {
	active  bool // records are kept
	burned  bool
	hasProd bool // the production accumulators existed
	recs    []*walkerMark
}

// walkerMark is one walker's state at the boundary: its encoding, a copy
// of its production sums (when hasProd) and the length of its trace.
type walkerMark struct {
	taken    bool // since the boundary; until then the walker has not moved
	walker   []byte
	prod     *accum
	traceLen int
}

// mark opens the boundary at the start of an iteration or round; the
// walkers' goroutines then record their state (record).
func (d *Driver) mark(ctx context.Context) {
	d.cut.Store(false)
	b := &d.bound
	b.active = ctx.Done() != nil
	if !b.active {
		return
	}
	b.burned, b.hasProd = d.burned, d.prodAccs != nil
	if b.recs == nil {
		b.recs = make([]*walkerMark, len(d.walkers))
		for w := range b.recs {
			b.recs[w] = cacheline.New[walkerMark]()
		}
	}
	for _, r := range b.recs {
		r.taken = false
	}
}

// record keeps walker w's state at the boundary, once per boundary; the
// walker's goroutine calls it before it first moves the walker. After the
// first round it allocates only what the walker's MarshalBinary does
// (nothing for an encoding.BinaryAppender).
func (d *Driver) record(w int) error {
	b := &d.bound
	if !b.active {
		return nil
	}
	r := b.recs[w]
	if r.taken {
		return nil
	}
	var err error
	if ap, ok := d.walkers[w].(encoding.BinaryAppender); ok {
		r.walker, err = ap.AppendBinary(r.walker[:0])
	} else {
		r.walker, err = d.walkers[w].MarshalBinary()
	}
	if err != nil {
		return fmt.Errorf("vmc: walker %d: %w", w, err)
	}
	if b.hasProd {
		if r.prod == nil {
			r.prod = d.newProductionAccum()
		}
		a := d.prodAccs[w]
		r.prod.copySums(a)
		r.traceLen = len(a.trace)
	}
	r.taken = true
	return nil
}

// rewind restores the walkers, their production sums and the burn-in flag
// to the boundary.
func (d *Driver) rewind() error {
	b := &d.bound
	if !b.active {
		return fmt.Errorf("vmc: rank %d: another rank stopped mid-iteration, and this rank's context cannot be cancelled, so it kept no state to rewind to", d.c.Rank())
	}
	d.burned = b.burned
	if !b.hasProd {
		d.prodAccs = nil
	}
	for w, r := range b.recs {
		if !r.taken {
			continue
		}
		if err := d.walkers[w].UnmarshalBinary(r.walker); err != nil {
			return fmt.Errorf("vmc: walker %d: %w", w, err)
		}
		if b.hasProd {
			a := d.prodAccs[w]
			a.copySums(r.prod)
			a.trace = a.trace[:min(r.traceLen, len(a.trace))]
		}
	}
	return nil
}

// halted reports, every pollEvery sweeps i, whether done is closed, and
// then marks the iteration or round as cut short. It allocates nothing.
func (d *Driver) halted(i int, done <-chan struct{}) bool {
	if i%pollEvery != 0 {
		return false
	}
	select {
	case <-done:
		d.cut.Store(true)
		return true
	default:
		return false
	}
}

// setStop fills a collective's stop flag: 1 on a rank that asks to stop
// after this iteration or round, size+1 on one that cut it short, so that
// the sum over ranks tells both (cutShort).
func (d *Driver) setStop(ctx context.Context, stop reduce.Scalar) {
	switch {
	case d.cut.Load():
		stop.Set(float64(d.c.Size() + 1))
	case d.stopRequested(ctx):
		stop.Set(1)
	}
}

// cutShort reports whether the reduced stop flag says some rank cut the
// iteration or round short.
func (d *Driver) cutShort(stop reduce.Scalar) bool { return stop.Value() > float64(d.c.Size()) }
