package exact

import (
	"gonum.org/v1/gonum/mat"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// operator applies H to vectors of the basis without storing its matrix:
// the diagonal is kept (one vector), off-diagonal elements are generated
// from the operator's compiled pieces on the fly.
type operator struct {
	b    *basis
	diag []float64
	off  []flip
}

// flip is a hamiltonian.OffTerm in bit form: from a configuration whose
// local state a on sites i, j has bit a of from set, it connects to the
// configuration with the bits of mask flipped, with element c.
type flip struct {
	i, j int // the term's sites (j < 0: one site)
	from uint8
	mask uint64
	c    float64
}

// localBits is the term's local state (hamiltonian.BondMatrix order) of
// configuration s, whose bit i is 1 for s_i = +1.
func localBits(s uint64, i, j int) uint {
	a := uint(^s>>i) & 1
	if j >= 0 {
		a = a<<1 | uint(^s>>j)&1
	}
	return a
}

func newOperator(h *hamiltonian.Spin, b *basis) *operator {
	op := &operator{b: b, diag: make([]float64, b.dim)}
	for _, t := range h.Off() {
		m := uint64(1) << t.FlipI
		if t.FlipJ >= 0 {
			m |= 1 << t.FlipJ
		}
		op.off = append(op.off, flip{i: t.I, j: t.J, from: t.From, mask: m, c: t.C})
	}
	diag := h.Diag()
	for k := range op.diag {
		s := b.state(k)
		e := 0.0
		for _, t := range diag {
			e += t.V[localBits(s, t.I, t.J)&3]
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
		for _, f := range op.off {
			if f.from>>localBits(s, f.i, f.j)&1 != 0 {
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
