package comm_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

// The checks below run on every rank of a group, in-process or MPI. They
// make the same collective calls whatever they find, so that ranks never
// fall out of step, and return what was wrong as an error: a rank of
// RunLocal runs on its own goroutine, where t.Fatal must not be called.

// allReduceClosedForms: rank r contributes (r+1)·(i+1) at index i, so the
// sum is (i+1)·n(n+1)/2, the max (i+1)·n and the min i+1. All values are
// small integers, exact in float64 whatever the summation order.
func allReduceClosedForms(c comm.Comm, n int) error {
	size, r := float64(c.Size()), float64(c.Rank())
	want := map[comm.Op]float64{comm.Sum: size * (size + 1) / 2, comm.Max: size, comm.Min: 1}
	var errs []error
	for _, op := range []comm.Op{comm.Sum, comm.Max, comm.Min} {
		buf := make([]float64, n)
		for i := range buf {
			buf[i] = (r + 1) * float64(i+1)
		}
		if err := c.AllReduce(buf, op); err != nil {
			return err
		}
		for i, got := range buf {
			if w := float64(i+1) * want[op]; got != w {
				errs = append(errs, fmt.Errorf("rank %d of %d: %v: buf[%d] = %g, want %g", c.Rank(), c.Size(), op, i, got, w))
			}
		}
	}
	return errors.Join(errs...)
}

// params are parameters as an optimiser leaves them, spanning 40 decades,
// with the values whose bits a conversion would most likely change.
func params(n int) []float64 {
	rng := rand.New(rand.NewPCG(7, 11))
	p := make([]float64, n)
	for i := range p {
		p[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
	}
	special := []float64{math.Copysign(0, -1), math.SmallestNonzeroFloat64, math.MaxFloat64, math.Inf(-1), math.Float64frombits(0x7ff8dead0000beef)}
	copy(p, special[:min(len(special), n)])
	return p
}

// bcastBitIdentical broadcasts params(n) from root over garbage elsewhere
// and compares bits, so that even a NaN payload or −0 must arrive intact.
func bcastBitIdentical(c comm.Comm, n, root int) error {
	want := params(n)
	buf := make([]float64, n)
	if c.Rank() == root {
		copy(buf, want)
	} else {
		for i := range buf {
			buf[i] = float64(-c.Rank())
		}
	}
	if err := c.Bcast(buf, root); err != nil {
		return err
	}
	return diffBits(fmt.Sprintf("rank %d of %d: Bcast from %d", c.Rank(), c.Size(), root), buf, want)
}

func diffBits(what string, got, want []float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			return fmt.Errorf("%s: [%d] bits %#x, want %#x", what, i, math.Float64bits(got[i]), math.Float64bits(want[i]))
		}
	}
	return nil
}

// gatherInOrder: rank r sends r·1000 + i; root must hold them rank by rank.
func gatherInOrder(c comm.Comm, n, root int) error {
	send := make([]float64, n)
	for i := range send {
		send[i] = float64(c.Rank()*1000 + i)
	}
	var recv []float64
	if c.Rank() == root {
		recv = make([]float64, n*c.Size())
	}
	if err := c.Gather(send, recv, root); err != nil {
		return err
	}
	if c.Rank() != root {
		return nil
	}
	for r := range c.Size() {
		for i := range n {
			if got, want := recv[r*n+i], float64(r*1000+i); got != want {
				return fmt.Errorf("%d ranks: Gather to %d: recv[%d] = %g, want %g", c.Size(), root, r*n+i, got, want)
			}
		}
	}
	return nil
}

// wantRankError checks that err is a *comm.Error of this rank for call
// whose message contains all of parts.
func wantRankError(t *testing.T, c comm.Comm, err error, call string, parts ...string) {
	t.Helper()
	var ce *comm.Error
	if !errors.As(err, &ce) {
		t.Errorf("rank %d: %s: got %v, want a *comm.Error", c.Rank(), call, err)
		return
	}
	if ce.Rank != c.Rank() || ce.Call != call {
		t.Errorf("rank %d: error names rank %d, call %q; want %d, %q", c.Rank(), ce.Rank, ce.Call, c.Rank(), call)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("rank %d: error %q does not mention %q", c.Rank(), err, p)
		}
	}
}

// noErr reports err without stopping, so that this rank keeps making the
// same collective calls as the others.
func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Error(err)
	}
}

// unchecked routes AllReduce to AllReduceUnchecked, so that the checks above
// run on the path without the agreement step.
type unchecked struct{ comm.Comm }

func (u unchecked) AllReduce(buf []float64, op comm.Op) error {
	return u.Comm.(comm.UncheckedAllReducer).AllReduceUnchecked(buf, op)
}
