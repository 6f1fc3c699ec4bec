package comm

import (
	"errors"
	"fmt"
	"sync"
)

// errAborted is returned by collectives of a Local group after a rank
// aborted or failed, so that the other ranks never hang.
var errAborted = errors.New("another rank aborted the group")

// hub is the shared meeting point of a Local group. A collective is two
// barrier phases: every rank deposits a copy of its contribution, then every
// rank reads all deposits in rank order (so results are bit-identical on
// all ranks and across runs), then waits until all have read before the
// slots can be reused.
type hub struct {
	n       int
	mu      sync.Mutex
	cond    *sync.Cond
	arrived int
	gen     uint64
	aborted bool
	code    int
	slots   [][]float64
	calls   []string
}

func (h *hub) wait() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.aborted {
		return errAborted
	}
	gen := h.gen
	h.arrived++
	if h.arrived == h.n {
		h.arrived = 0
		h.gen++
		h.cond.Broadcast()
		return nil
	}
	for gen == h.gen && !h.aborted {
		h.cond.Wait()
	}
	if h.aborted {
		return errAborted
	}
	return nil
}

func (h *hub) abort(code int) {
	h.mu.Lock()
	if !h.aborted {
		h.aborted, h.code = true, code
	}
	h.cond.Broadcast()
	h.mu.Unlock()
}

// LocalComm is one rank of an in-process group created by Local.
type LocalComm struct {
	h    *hub
	rank int
}

var (
	_ Comm                = (*LocalComm)(nil)
	_ UncheckedAllReducer = (*LocalComm)(nil)
)

// Local returns n communicators that form one group of in-process ranks.
// Each must be used from its own goroutine; see RunLocal.
func Local(n int) []*LocalComm {
	if n < 1 {
		panic(fmt.Sprintf("comm: Local(%d): need at least one rank", n))
	}
	h := &hub{n: n, slots: make([][]float64, n), calls: make([]string, n)}
	h.cond = sync.NewCond(&h.mu)
	cs := make([]*LocalComm, n)
	for r := range cs {
		cs[r] = &LocalComm{h: h, rank: r}
	}
	return cs
}

// RunLocal runs fn on n in-process ranks and waits for all of them. A rank
// that returns an error aborts the group, so ranks blocked in a collective
// return instead of hanging; the errors are joined.
func RunLocal(n int, fn func(c Comm) error) error {
	cs := Local(n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for r, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(c); err != nil {
				errs[r] = fmt.Errorf("rank %d: %w", r, err)
				c.h.abort(1)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Rank is this rank's index in the group.
func (c *LocalComm) Rank() int { return c.rank }

// Size is the number of ranks in the group.
func (c *LocalComm) Size() int { return c.h.n }

// exchange deposits a copy of buf, waits for all ranks, checks that they
// made the same call with the same length, runs read and waits again.
func (c *LocalComm) exchange(call string, buf []float64, read func(slots [][]float64)) error {
	h := c.h
	h.slots[c.rank] = append(h.slots[c.rank][:0], buf...)
	h.calls[c.rank] = call
	if err := h.wait(); err != nil {
		return &Error{Rank: c.rank, Call: call, Err: err}
	}
	var bad error
	for r := 0; r < h.n; r++ {
		if h.calls[r] != call {
			bad = fmt.Errorf("rank %d called %s at the same time", r, h.calls[r])
			break
		}
		if call != "Gather" && len(h.slots[r]) != len(buf) {
			bad = fmt.Errorf("buffer length %d here, %d on rank %d", len(buf), len(h.slots[r]), r)
			break
		}
	}
	if bad == nil {
		read(h.slots)
	}
	if err := h.wait(); err != nil {
		return &Error{Rank: c.rank, Call: call, Err: err}
	}
	if bad != nil {
		return &Error{Rank: c.rank, Call: call, Err: bad}
	}
	return nil
}

// AllReduce combines buf element-wise over the group with op, in place.
func (c *LocalComm) AllReduce(buf []float64, op Op) error {
	if err := checkOp(c, op); err != nil {
		return err
	}
	return c.exchange("AllReduce", buf, func(slots [][]float64) {
		copy(buf, slots[0])
		for r := 1; r < len(slots); r++ {
			s := slots[r]
			for i, v := range s {
				switch op {
				case Sum:
					buf[i] += v
				case Max:
					if v > buf[i] {
						buf[i] = v
					}
				case Min:
					if v < buf[i] {
						buf[i] = v
					}
				}
			}
		}
	})
}

// AllReduceUnchecked is AllReduce: in process, comparing the calls and
// lengths costs no collective, so the group keeps checking them.
func (c *LocalComm) AllReduceUnchecked(buf []float64, op Op) error { return c.AllReduce(buf, op) }

// Bcast copies root's buf into every rank's buf.
func (c *LocalComm) Bcast(buf []float64, root int) error {
	if err := checkRoot(c, "Bcast", root); err != nil {
		return err
	}
	return c.exchange("Bcast", buf, func(slots [][]float64) { copy(buf, slots[root]) })
}

// Gather concatenates every rank's send, in rank order, into root's recv.
func (c *LocalComm) Gather(send, recv []float64, root int) error {
	if err := checkRoot(c, "Gather", root); err != nil {
		return err
	}
	var bad error
	err := c.exchange("Gather", send, func(slots [][]float64) {
		for r, s := range slots {
			if len(s) != len(send) {
				bad = fmt.Errorf("send length %d here, %d on rank %d", len(send), len(s), r)
				return
			}
		}
		if c.rank != root {
			return
		}
		if len(recv) != len(send)*len(slots) {
			bad = fmt.Errorf("recv has %d elements, want %d", len(recv), len(send)*len(slots))
			return
		}
		for r, s := range slots {
			copy(recv[r*len(send):], s)
		}
	})
	if err != nil {
		return err
	}
	if bad != nil {
		return &Error{Rank: c.rank, Call: "Gather", Err: bad}
	}
	return nil
}

// Barrier waits for every rank of the group.
func (c *LocalComm) Barrier() error {
	return c.exchange("Barrier", nil, func([][]float64) {})
}

// Abort makes every pending and future collective of the group fail. Unlike
// the process-wide backends it returns, so the calling goroutine should
// return an error right after.
func (c *LocalComm) Abort(code int) { c.h.abort(code) }

// Aborted reports whether the group was aborted, and with which code.
func (c *LocalComm) Aborted() (bool, int) {
	c.h.mu.Lock()
	defer c.h.mu.Unlock()
	return c.h.aborted, c.h.code
}

// Finalize has nothing to release.
func (c *LocalComm) Finalize() error { return nil }
