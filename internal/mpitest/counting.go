package mpitest

import (
	"sync/atomic"

	"github.com/vmcmpi/vmcmpi/comm"
)

// Counting wraps one rank of a communicator (usually comm.Local) and
// counts the MPI collectives the same calls make under comm's MPI backend
// (comm's TestMPICallCost pins the model): a checked call (AllReduce,
// Bcast, Gather, Barrier) is two, the agreement all-reduce and the call
// itself; AllReduceUnchecked is one.
type Counting struct {
	comm.Comm
	n atomic.Int64
}

var _ comm.UncheckedAllReducer = (*Counting)(nil)

// Collectives is the number of MPI collectives counted so far.
func (c *Counting) Collectives() int { return int(c.n.Load()) }

// AllReduce counts an agreement step and the call.
func (c *Counting) AllReduce(buf []float64, op comm.Op) error {
	c.n.Add(2)
	return c.Comm.AllReduce(buf, op)
}

// AllReduceUnchecked counts one call; the wrapped communicator must
// implement comm.UncheckedAllReducer.
func (c *Counting) AllReduceUnchecked(buf []float64, op comm.Op) error {
	c.n.Add(1)
	return c.Comm.(comm.UncheckedAllReducer).AllReduceUnchecked(buf, op)
}

// Bcast counts an agreement step and the call.
func (c *Counting) Bcast(buf []float64, root int) error {
	c.n.Add(2)
	return c.Comm.Bcast(buf, root)
}

// Gather counts an agreement step and the call.
func (c *Counting) Gather(send, recv []float64, root int) error {
	c.n.Add(2)
	return c.Comm.Gather(send, recv, root)
}

// Barrier counts an agreement step and the call.
func (c *Counting) Barrier() error {
	c.n.Add(2)
	return c.Comm.Barrier()
}
