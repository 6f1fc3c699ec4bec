package vmc

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/vmcmpi/vmcmpi/comm"
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
// all-reduce of P doubles adds the ranks. Every rank then holds the same
// S·v and runs the same CG iteration, so the parameters stay identical
// (the all-reduce must give identical results on all ranks, as the rest of
// the driver already assumes). Centring the kept O vectors with the global
// ⟨O⟩ avoids the cancellation of ⟨O O⟩ − ⟨O⟩⟨O⟩ in the products; the
// diagonal, from Σ O_k²/n − ⟨O_k⟩², is the dense path's.

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
	default:
		return fmt.Errorf("vmc: unknown SR solver %v", d.opt.SRSolver)
	}
	d.mf = mf
	return nil
}

// SRMatrixFree reports whether the driver solves the SR equations
// matrix-free (conjugate gradient on kept O vectors).
func (d *Driver) SRMatrixFree() bool { return d.mf != nil }

// solveMatrixFree solves (S + shift) δ = F into d.delta from the reduced
// sums (Σ O_k, Σ O_k² in d.bO and d.bOO) over n samples and the walkers'
// kept O vectors, which it centres in place.
func (d *Driver) solveMatrixFree(ctx context.Context, n float64) error {
	so, soo := d.bO.Data(), d.bOO.Data()
	for k := range d.np {
		m := so[k] / n
		d.mean[k] = m
		d.diag[k] = soo[k]/n - m*m
	}
	np := d.np
	if err := d.forEach(ctx, func(w int) error {
		a := d.accs[w]
		for i := range a.rows {
			row := a.obs[i*np : (i+1)*np]
			for k, m := range d.mean {
				row[k] -= m
			}
		}
		return nil
	}); err != nil {
		return err
	}
	d.nSamples = n
	d.applyErr = nil
	err := d.mf.SolveOp(d.delta, d.diag, d.f, d.applyFn)
	if d.applyErr != nil {
		// The solver saw NaN from the failed product; the cause is this.
		return d.applyErr
	}
	return err
}

// applyS writes S·v: each walker's Õᵀ(Õ v) on its own goroutine, summed
// in walker order, then one all-reduce of P doubles across ranks.
func (d *Driver) applyS(dst, v []float64) {
	np := d.np
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
	clear(dst)
	for _, a := range d.accs {
		for k, x := range a.sv {
			dst[k] += x
		}
	}
	if err := d.c.AllReduce(dst, comm.Sum); err != nil {
		if d.applyErr == nil {
			d.applyErr = fmt.Errorf("S·v all-reduce: %w", err)
		}
		// NaN makes the solver stop at once (non-positive curvature).
		for k := range dst {
			dst[k] = math.NaN()
		}
		return
	}
	inv := 1 / d.nSamples
	for k := range dst {
		dst[k] *= inv
	}
}
