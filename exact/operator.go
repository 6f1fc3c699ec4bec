package exact

import (
	"math/bits"

	"gonum.org/v1/gonum/mat"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// operator applies H to vectors of the basis without storing its matrix:
// the diagonal is kept (one vector), off-diagonal elements are generated
// from the term lists on the fly.
type operator struct {
	b    *basis
	diag []float64
	x    []flip // single flips
	hop  []flip // exchanges of antiparallel pairs
}

type flip struct {
	mask uint64
	c    float64
}

func newOperator(h *hamiltonian.Spin, b *basis) *operator {
	op := &operator{b: b, diag: make([]float64, b.dim)}
	for _, t := range h.X {
		op.x = append(op.x, flip{mask: 1 << t.I, c: t.C})
	}
	for _, t := range h.Hop {
		op.hop = append(op.hop, flip{mask: 1<<t.I | 1<<t.J, c: t.C})
	}
	for k := range op.diag {
		s := b.state(k)
		e := 0.0
		for _, t := range h.ZZ {
			// s_i s_j = +1 when bits i and j agree.
			if (s>>t.I^s>>t.J)&1 == 0 {
				e += t.C
			} else {
				e -= t.C
			}
		}
		op.diag[k] = e
	}
	return op
}

// apply sets y = H x.
func (op *operator) apply(y, x []float64) {
	b := op.b
	for k, xk := range x {
		y[k] = op.diag[k] * xk
	}
	for k, xk := range x {
		if xk == 0 {
			continue
		}
		s := b.state(k)
		for _, f := range op.x {
			y[b.index(s^f.mask)] += f.c * xk
		}
		for _, f := range op.hop {
			// Only antiparallel pairs are exchanged: exactly one bit set.
			if bits.OnesCount64(s&f.mask) == 1 {
				y[b.index(s^f.mask)] += f.c * xk
			}
		}
	}
}

// Matrix returns H as a dense symmetric matrix in the basis Lanczos uses
// (the zero-magnetisation sector when H conserves S^z, else all 2^N
// configurations, bit i set for s_i = +1), for checks on small systems. It
// fails when the matrix would exceed maxBytes.
func Matrix(h *hamiltonian.Spin, fullSpace bool, maxBytes int64) (*mat.SymDense, error) {
	up := sectorOf(h)
	if fullSpace {
		up = -1
	}
	if h.N > 24 {
		return nil, memoryError(h, int64(1)<<62, maxBytes)
	}
	dim := dimension(h.N, up)
	if need := int64(dim) * int64(dim) * 8; need > maxBytes {
		return nil, memoryError(h, need, maxBytes)
	}
	b, err := newBasis(h.N, up)
	if err != nil {
		return nil, err
	}
	op := newOperator(h, b)
	m := mat.NewSymDense(dim, nil)
	x := make([]float64, dim)
	y := make([]float64, dim)
	for k := range dim {
		x[k] = 1
		op.apply(y, x)
		x[k] = 0
		for i := k; i < dim; i++ {
			m.SetSym(k, i, y[i])
		}
	}
	return m, nil
}
