package comm

import (
	"fmt"
	"os"
)

// Serial is a communicator of one rank: every collective is the identity.
type Serial struct{}

// NewSerial returns the single-rank communicator.
func NewSerial() *Serial { return &Serial{} }

var (
	_ Comm                = (*Serial)(nil)
	_ UncheckedAllReducer = (*Serial)(nil)
)

// Rank is 0.
func (*Serial) Rank() int { return 0 }

// Size is 1.
func (*Serial) Size() int { return 1 }

// AllReduce leaves buf as it is: the reduction over one rank is its input.
func (s *Serial) AllReduce(buf []float64, op Op) error { return checkOp(s, op) }

// AllReduceUnchecked is AllReduce: one rank has nothing to agree with.
func (s *Serial) AllReduceUnchecked(buf []float64, op Op) error { return checkOp(s, op) }

// Bcast leaves buf as it is: rank 0 is the only root.
func (s *Serial) Bcast(buf []float64, root int) error { return checkRoot(s, "Bcast", root) }

// Gather copies send into recv, which must have the same length.
func (s *Serial) Gather(send, recv []float64, root int) error {
	if err := checkRoot(s, "Gather", root); err != nil {
		return err
	}
	if len(recv) != len(send) {
		return &Error{Rank: 0, Call: "Gather", Err: fmt.Errorf("recv has %d elements, want %d", len(recv), len(send))}
	}
	copy(recv, send)
	return nil
}

// Barrier returns at once.
func (*Serial) Barrier() error { return nil }

// Abort exits the process with code.
func (*Serial) Abort(code int) { os.Exit(code) }

// Finalize has nothing to release.
func (*Serial) Finalize() error { return nil }
