package vmc

import (
	"context"
	"fmt"

	"github.com/vmcmpi/vmcmpi/reduce"
)

// A stop signal must not wait for a whole iteration or production chunk,
// which may take minutes: the sampling loops poll the context every
// pollEvery sweeps and end early. The rank then says so in the stop flag
// of the next collective, every rank discards the unfinished iteration or
// chunk and rewinds its walkers to where it began, and the run stops at
// that boundary, so a resume repeats exactly the discarded work and stays
// bit-identical. Stop (Options) is still polled at the boundaries only,
// as it need not be safe for concurrent use.
const pollEvery = 4

// boundary is what a rank needs to rewind an unfinished iteration or
// chunk: each walker's record (walkerRecords) and the burn-in flag as they
// were when it began. It is nil when the context cannot be cancelled.
type boundary struct {
	walkers [][]byte
	burned  bool
}

// mark records the boundary at the start of an iteration or chunk.
func (d *Driver) mark(ctx context.Context) (*boundary, error) {
	d.cut.Store(false)
	if ctx.Done() == nil {
		return nil, nil
	}
	recs, err := d.walkerRecords()
	if err != nil {
		return nil, err
	}
	return &boundary{walkers: recs, burned: d.burned}, nil
}

// rewind restores the walkers to the boundary b.
func (d *Driver) rewind(b *boundary) error {
	if b == nil {
		return fmt.Errorf("vmc: rank %d: another rank stopped mid-iteration, and this rank's context cannot be cancelled, so it kept no state to rewind to", d.c.Rank())
	}
	d.burned = b.burned
	return d.restoreWalkers(b.walkers)
}

// halted reports, every pollEvery sweeps i, whether done is closed, and
// then marks the iteration or chunk as cut short. It allocates nothing.
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
// after this iteration or chunk, size+1 on one that cut it short, so that
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
// iteration or chunk short.
func (d *Driver) cutShort(stop reduce.Scalar) bool { return stop.Value() > float64(d.c.Size()) }
