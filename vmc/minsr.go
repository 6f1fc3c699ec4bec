package vmc

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/vmcmpi/vmcmpi/reduce"
)

// Stochastic reconfiguration in sample space (minSR; solvers/optim's
// SR.SolveSamples states the identity it rests on).
//
// The walkers keep their samples' O vectors and local energies, as for
// matrix-free SR (the iteration's all-reduce brings ⟨O⟩ and ⟨E_L⟩). The
// M×M Gram matrix T = ŌŌᵀ couples every sample with every other, on all
// ranks, so each rank needs all M = ranks × walkers × samples rows:
//
//  1. rows: every rank writes its own centred, 1/√M-scaled rows Ō_r
//     (M_r × P) and energies ε̄_r into its block of a zeroed M×P + M
//     buffer, and one all-reduce (sum) gives every rank all rows. Adding
//     zeros is exact, so this is an all-gather carried by the all-reduce
//     the driver already verifies; it moves M·P doubles (an MPI all-gather
//     would move (ranks−1)/ranks of that, the ring all-reduce twice).
//  2. Gram: each rank forms its block rows T_r = Ō_r Ōᵀ (M_r·M·P
//     multiply-adds, the dominant work, split evenly over the ranks) into
//     a zeroed M×M buffer, and a second all-reduce of M² doubles
//     assembles T, bit-identical on every rank.
//  3. every rank factorises T + λI (M³/3, the same on all ranks) and forms
//     δ = Ōᵀx (M·P) from the gathered rows, so the parameters stay
//     identical without a broadcast.
//
// Per rank: memory M·P + M² doubles, two collectives of M·(P+1) and M²
// doubles, and M_r·M·P + M³/3 + M·P operations. With M ≪ P this replaces
// dense SR's P²/2 products per sample, P² all-reduce and P³/3
// factorisation; with M ≥ P the dense or CG paths are cheaper. Weak
// scaling (fixed M_r per rank) grows the Gram work per rank linearly and
// the factorisation cubically with the rank count: minSR is meant for
// M_total of a few thousand.

// SampleSpace is a preconditioner that solves SR in sample space;
// solvers/optim's SR is one. SolveSamples writes δ = Ōᵀ(T + λI)⁻¹ε̄ into
// dst and may overwrite T and eps.
type SampleSpace interface {
	SolveSamples(dst, T, obar, eps []float64) error
}

// minSR is the driver's state of sample-space SR: the two buffers and this
// rank's first row.
type minSR struct {
	solver    SampleSpace
	m, first  int // M over all ranks, this rank's first row
	rows      *reduce.Buffer
	obar, eps reduce.Vector
	gram      *reduce.Buffer
	t         reduce.Vector
}

// layoutMinSR sizes the buffers for ranks × walkers × samples rows.
func (d *Driver) layoutMinSR() {
	ms := d.mf.min
	per := d.opt.Walkers * d.opt.Samples
	if d.cx != nil {
		per *= 2 // each sample's Re O and Im O rows (minsr_complex.go)
	}
	ms.m, ms.first = d.c.Size()*per, d.c.Rank()*per
	ms.rows = reduce.New()
	ms.obar = ms.rows.Vector("minsr_rows", ms.m*d.np)
	ms.eps = ms.rows.Vector("minsr_energies", ms.m)
	ms.gram = reduce.New()
	ms.t = ms.gram.Vector("minsr_gram", ms.m*ms.m)
}

// solveMinSR writes the minSR direction into d.step.delta. The walkers'
// kept O rows are already centred with the global ⟨O⟩; E is the global
// ⟨E_L⟩ and n the number of samples.
func (d *Driver) solveMinSR(ctx context.Context, E, n float64) error {
	ms, np := d.mf.min, d.np
	perSample := 1
	if d.cx != nil {
		perSample = 2
	}
	if float64(ms.m) != float64(perSample)*n {
		return fmt.Errorf("%g samples this iteration, minSR is laid out for %d", n, ms.m/perSample)
	}
	scale := 1 / math.Sqrt(n)
	ms.rows.Reset()
	obar, eps := ms.obar.Data(), ms.eps.Data()
	row := ms.first
	for w, a := range d.accs {
		if a.rows != d.opt.Samples {
			return fmt.Errorf("a walker kept %d samples, want %d", a.rows, d.opt.Samples)
		}
		dst := obar[row*np : (row+a.rows)*np]
		for k, v := range a.obs[:a.rows*np] {
			dst[k] = v * scale
		}
		for i, e := range a.e[:a.rows] {
			eps[row+i] = (e - E) * scale
		}
		row += a.rows
		if d.cx != nil {
			row = d.complexRows(w, row, scale, n, obar, eps)
		}
	}
	if err := ms.rows.AllReduce(d.c); err != nil {
		return fmt.Errorf("minSR row all-reduce: %w", err)
	}
	ms.gram.Reset()
	t := ms.t.Data()
	m := ms.m
	// This rank's block rows of T, one walker's rows per goroutine.
	all := blas64.General{Rows: m, Cols: np, Stride: np, Data: obar}
	if err := d.forEach(ctx, func(w int) error {
		r := perSample * d.opt.Samples
		lo := ms.first + w*r
		own := blas64.General{Rows: r, Cols: np, Stride: np, Data: obar[lo*np : (lo+r)*np]}
		blk := blas64.General{Rows: r, Cols: m, Stride: m, Data: t[lo*m : (lo+r)*m]}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, own, all, 0, blk)
		return nil
	}); err != nil {
		return err
	}
	if err := ms.gram.AllReduce(d.c); err != nil {
		return fmt.Errorf("minSR Gram all-reduce: %w", err)
	}
	return ms.solver.SolveSamples(d.step.delta, t, obar, eps)
}
