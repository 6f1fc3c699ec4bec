package vmc

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/vmcmpi/vmcmpi/reduce"
)

// Matrix-free stochastic reconfiguration.
//
// The dense path sums Σ O_k O_l per sample (P²/2 products) and all-reduces
// P² doubles. Here each walker keeps its samples' O vectors instead
// (Samples × P doubles, allocated once), the iteration's single all-reduce
// carries only Σ O_k and Σ O_k² besides the force sums, and conjugate
// gradient asks for products
//
//	S·v = (1/n) Σ_i Õ_i (Õ_i·v),  Õ_i = O_i − ⟨O⟩,
//
// the sum over all samples of all ranks: every walker forms its part with
// two matrix–vector products, the rank adds them in walker order and one
// all-reduce of P doubles (a single collective) adds the ranks. Every rank then holds the same
// S·v and runs the same CG iteration, so the parameters stay identical
// (the all-reduce must give identical results on all ranks, as the rest of
// the driver already assumes). Centring the kept O vectors with the global
// ⟨O⟩ avoids the cancellation of ⟨O O⟩ − ⟨O⟩⟨O⟩ in the products; the
// diagonal, from Σ O_k²/n − ⟨O_k⟩², is the dense path's.

// matrixFree is the state of matrix-free SR: the preconditioner, ⟨O⟩,
// the diagonal of S, n, the S·v operator handed to the solver with its
// buffer, and the first error inside it.
type matrixFree struct {
	solver     MatrixFree
	mean, diag []float64
	n          float64
	apply      func(dst, v []float64)
	buf        *reduce.Buffer
	sv         reduce.Vector
	err        error
	min        *minSR // sample-space SR (SRMin) instead of CG, or nil
}

func (m *matrixFree) layout(np int) {
	m.mean = make([]float64, np)
	m.diag = make([]float64, np)
	if m.min != nil {
		return
	}
	m.buf = reduce.New()
	m.sv = m.buf.Vector("s_times_v", np)
}

// chooseSR settles the SR path from the options, before any accumulator
// is made.
func (d *Driver) chooseSR() error {
	if d.opt.SR == nil {
		return nil
	}
	mf, ok := d.opt.SR.(MatrixFree)
	switch d.opt.SRSolver {
	case SRDense:
		return nil
	case SRCG:
		if !ok {
			return fmt.Errorf("vmc: SR solver %q needs a preconditioner with SolveOp (matrix-free), %T has none", SRCG, d.opt.SR)
		}
	case SRAuto:
		if !ok || d.np <= d.opt.SRCGAbove {
			return nil
		}
	case SRMin:
		ss, ok := d.opt.SR.(SampleSpace)
		if !ok {
			return fmt.Errorf("vmc: SR solver %q needs a preconditioner with SolveSamples, %T has none", SRMin, d.opt.SR)
		}
		d.mf = &matrixFree{min: &minSR{solver: ss}}
		return nil
	default:
		return fmt.Errorf("vmc: unknown SR solver %v", d.opt.SRSolver)
	}
	d.mf = &matrixFree{solver: mf}
	d.mf.apply = d.applyS
	return nil
}

// SRMatrixFree reports whether the driver solves the SR equations
// matrix-free (conjugate gradient on kept O vectors).
func (d *Driver) SRMatrixFree() bool { return d.mf != nil }

// solveMatrixFree solves (S + shift) δ = F into d.step.delta from the
// reduced sums (Σ O_k, Σ O_k² in the iteration's buffer) over n samples
// and the walkers' kept O vectors, which it centres in place.
func (d *Driver) solveMatrixFree(ctx context.Context, n float64) error {
	mf := d.mf
	so, soo := d.it.sumO.Data(), d.it.sumOO.Data()
	for k := range d.np {
		m := so[k] / n
		mf.mean[k] = m
		mf.diag[k] = soo[k]/n - m*m
	}
	np := d.np
	if err := d.forEach(ctx, func(w int) error {
		a := d.accs[w]
		for i := range a.rows {
			row := a.obs[i*np : (i+1)*np]
			for k, m := range mf.mean {
				row[k] -= m
			}
		}
		return nil
	}); err != nil {
		return err
	}
	mf.n = n
	if mf.min != nil {
		return d.solveMinSR(ctx, d.it.energy.moments.Mean(), n)
	}
	mf.err = nil
	err := mf.solver.SolveOp(d.step.delta, mf.diag, d.step.force, mf.apply)
	if mf.err != nil {
		// The solver saw NaN from the failed product; the cause is this.
		return mf.err
	}
	return err
}

// applyS writes S·v: each walker's Õᵀ(Õ v) on its own goroutine, summed
// in walker order, then one all-reduce of P doubles across ranks.
func (d *Driver) applyS(dst, v []float64) {
	np, mf := d.np, d.mf
	_ = d.forEach(context.Background(), func(w int) error {
		a := d.accs[w]
		if a.rows == 0 {
			clear(a.sv)
			return nil
		}
		O := blas64.General{Rows: a.rows, Cols: np, Stride: np, Data: a.obs[:a.rows*np]}
		t := blas64.Vector{N: a.rows, Inc: 1, Data: a.t[:a.rows]}
		blas64.Gemv(blas.NoTrans, 1, O, blas64.Vector{N: np, Inc: 1, Data: v}, 0, t)
		blas64.Gemv(blas.Trans, 1, O, t, 0, blas64.Vector{N: np, Inc: 1, Data: a.sv})
		return nil
	})
	mf.buf.Reset()
	sv := mf.sv.Data()
	for _, a := range d.accs {
		for k, x := range a.sv {
			sv[k] += x
		}
	}
	if err := mf.buf.AllReduce(d.c); err != nil {
		if mf.err == nil {
			mf.err = fmt.Errorf("S·v all-reduce: %w", err)
		}
		// NaN makes the solver stop at once (non-positive curvature).
		for k := range dst {
			dst[k] = math.NaN()
		}
		return
	}
	inv := 1 / mf.n
	for k, x := range sv {
		dst[k] = x * inv
	}
}
