package vmc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Snapshot is the state of one rank's driver between two iterations (or
// production chunks): restoring it into a Driver built with the same
// system, options and rank continues the run bit for bit.
type Snapshot struct {
	// Iteration is the number of completed optimisation iterations.
	Iteration int
	// Params are the parameters after Iteration updates.
	Params []float64
	// Optimizer is the rule's Name() ("" without a rule) and
	// OptimizerState its State().
	Optimizer      string
	OptimizerState []float64
	// History has one record per completed iteration (identical on all
	// ranks up to the wall-clock column).
	History []Record
	// Walkers holds this rank's walkers in index order: each walker's
	// MarshalBinary followed by its production accumulators.
	Walkers [][]byte
	// Extra holds the rest of the driver's state under the key ExtraKey;
	// it is the same on every rank apart from the wall clock.
	Extra map[string][]byte
}

// ExtraKey names the driver's entry in Snapshot.Extra.
const ExtraKey = "vmc.driver"

// snapVersion 2 added the observables' sums to the production records.
const snapVersion = 2

// Snapshot captures the driver's state. Call it between iterations, for
// example from OnIteration or after Run returned ErrStopped.
func (d *Driver) Snapshot() (*Snapshot, error) {
	s := &Snapshot{
		Iteration: d.iter,
		Params:    d.Params(),
		History:   append([]Record(nil), d.history...),
		Extra:     map[string][]byte{},
	}
	if d.opt.Rule != nil {
		s.Optimizer = d.opt.Rule.Name()
		s.OptimizerState = append([]float64(nil), d.opt.Rule.State()...)
	}
	var err error
	if s.Walkers, err = d.walkerRecords(); err != nil {
		return nil, err
	}
	var e []byte
	e = binary.LittleEndian.AppendUint64(e, snapVersion)
	for _, v := range []float64{d.shift, d.ref, d.wall()} {
		e = binary.LittleEndian.AppendUint64(e, math.Float64bits(v))
	}
	burned := uint64(0)
	if d.burned {
		burned = 1
	}
	e = binary.LittleEndian.AppendUint64(e, burned)
	e = binary.LittleEndian.AppendUint64(e, uint64(d.prodDone))
	s.Extra[ExtraKey] = e
	d.snapshotLinear(s.Extra)
	return s, nil
}

// walkerRecords encodes each walker of this rank: its MarshalBinary,
// followed by its production accumulators once production has begun.
func (d *Driver) walkerRecords() ([][]byte, error) {
	recs := make([][]byte, 0, len(d.walkers))
	for w, wk := range d.walkers {
		wb, err := wk.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("vmc: walker %d: %w", w, err)
		}
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(wb)))
		b = append(b, wb...)
		if d.prodAccs != nil {
			b, err = d.prodAccs[w].appendBinary(b)
			if err != nil {
				return nil, fmt.Errorf("vmc: walker %d production sums: %w", w, err)
			}
		}
		recs = append(recs, b)
	}
	return recs, nil
}

// Restore puts the driver into the state of s, taken from a driver of the
// same system, options and rank.
func (d *Driver) Restore(s *Snapshot) error {
	if len(s.Params) != d.np {
		return fmt.Errorf("vmc: snapshot has %d parameters, the system %d", len(s.Params), d.np)
	}
	if len(s.Walkers) != len(d.walkers) {
		return fmt.Errorf("vmc: snapshot has %d walkers on rank %d, this run %d", len(s.Walkers), d.c.Rank(), len(d.walkers))
	}
	if s.Iteration < 0 || s.Iteration > d.opt.Iterations || len(s.History) != s.Iteration {
		return fmt.Errorf("vmc: snapshot at iteration %d with %d history records, run of %d iterations", s.Iteration, len(s.History), d.opt.Iterations)
	}
	name := ""
	if d.opt.Rule != nil {
		name = d.opt.Rule.Name()
	}
	if s.Optimizer != name {
		return fmt.Errorf("vmc: snapshot optimiser %q, this run %q", s.Optimizer, name)
	}
	e := s.Extra[ExtraKey]
	if len(e) < 8 {
		return errors.New("vmc: snapshot lacks the driver state")
	}
	if v := binary.LittleEndian.Uint64(e); v != snapVersion {
		return fmt.Errorf("vmc: snapshot holds driver state version %d, this vmcmpi reads version %d only (start the run afresh)", v, snapVersion)
	}
	if len(e) != 6*8 {
		return errors.New("vmc: snapshot's driver state is cut short")
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(e[8*i:]) }
	prodDone := int(u(5))
	if prodDone < 0 || prodDone > d.opt.Production {
		return fmt.Errorf("vmc: snapshot after %d production samples per walker, run of %d", prodDone, d.opt.Production)
	}
	if d.opt.Rule != nil {
		if err := d.opt.Rule.SetState(s.OptimizerState); err != nil {
			return fmt.Errorf("vmc: optimiser state: %w", err)
		}
	}
	if err := d.restoreLinear(s.Extra); err != nil {
		return err
	}
	copy(d.params, s.Params)
	copy(d.lastGood, s.Params)
	d.sys.SetParams(d.params)
	if err := d.restoreWalkers(s.Walkers); err != nil {
		return err
	}
	d.iter = s.Iteration
	d.history = append(d.history[:0], s.History...)
	d.shift = math.Float64frombits(u(1))
	d.ref = math.Float64frombits(u(2))
	d.wallBase = math.Float64frombits(u(3))
	d.started = time.Now()
	d.burned = u(4) == 1
	d.prodDone = prodDone
	return nil
}

// restoreWalkers decodes what walkerRecords encoded into the walkers and
// the production accumulators (none when the records carry none).
func (d *Driver) restoreWalkers(recs [][]byte) error {
	var prod []*accum
	for w, b := range recs {
		if len(b) < 8 || uint64(len(b)-8) < binary.LittleEndian.Uint64(b) {
			return fmt.Errorf("vmc: walker %d record cut short", w)
		}
		n := int(binary.LittleEndian.Uint64(b))
		if err := d.walkers[w].UnmarshalBinary(b[8 : 8+n]); err != nil {
			return fmt.Errorf("vmc: walker %d: %w", w, err)
		}
		if rest := b[8+n:]; len(rest) > 0 {
			a := d.newProductionAccum()
			if err := a.unmarshal(rest); err != nil {
				return fmt.Errorf("vmc: walker %d production sums: %w", w, err)
			}
			prod = append(prod, a)
		}
	}
	if prod != nil && len(prod) != len(d.walkers) {
		return errors.New("vmc: production sums for some walkers only")
	}
	d.prodAccs = prod
	return nil
}

// appendBinary encodes the energy sums, the blocker and the observables of
// a production accumulator.
func (a *accum) appendBinary(b []byte) ([]byte, error) {
	for _, v := range []float64{a.n, a.mean, a.m2, a.acc, a.prop, float64(a.bad)} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	blk, err := a.blk.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(len(blk)))
	b = append(b, blk...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(a.extra)))
	for i := range a.extra {
		if b, err = a.extra[i].appendBinary(b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (a *accum) unmarshal(b []byte) error {
	short := errors.New("record cut short")
	if len(b) < 56 {
		return short
	}
	f := func(i int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])) }
	a.n, a.mean, a.m2, a.acc, a.prop, a.bad = f(0), f(1), f(2), f(3), f(4), int(f(5))
	n := binary.LittleEndian.Uint64(b[48:])
	b = b[56:]
	if n > uint64(len(b)) {
		return short
	}
	if err := a.blk.UnmarshalBinary(b[:n]); err != nil {
		return err
	}
	b = b[n:]
	if len(b) < 8 {
		return short
	}
	if k := binary.LittleEndian.Uint64(b); k != uint64(len(a.extra)) {
		return fmt.Errorf("%d observables in the record, %d in this run", k, len(a.extra))
	}
	b = b[8:]
	for i := range a.extra {
		var err error
		if b, err = a.extra[i].unmarshal(b); err != nil {
			return err
		}
	}
	if len(b) != 0 {
		return fmt.Errorf("%d bytes left over", len(b))
	}
	return nil
}
