package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Stochastic reconfiguration in sample space (minSR; Chen and Heyl,
// Nature Physics 2024, arXiv:2302.01941).
//
// With M samples, Ō the M×P matrix of centred log-derivatives scaled by
// 1/√M (Ō_ik = (O_k(x_i) − ⟨O_k⟩)/√M) and ε̄ the centred local energies
// scaled alike (ε̄_i = (E_L(x_i) − ⟨E_L⟩)/√M), SR's covariance and force
// are S = ŌᵀŌ and F = Ōᵀε̄. For any shift λ > 0
//
//	(ŌᵀŌ + λI_P)⁻¹ Ōᵀ = Ōᵀ (ŌŌᵀ + λI_M)⁻¹,
//
// (multiply both sides by the two shifted matrices), so the SR direction
// is δ = Ōᵀ (T + λI)⁻¹ ε̄ with the M×M Gram matrix T = ŌŌᵀ: a Cholesky
// factorisation of M³/3 operations instead of P³/3, which pays when the
// samples are fewer than the parameters. The identity needs the absolute
// shift: a relative one scales S's diagonal, which has no sample-space
// counterpart. λ must be positive: centring makes the rows of Ō sum to
// zero, so T is singular.

// SolveSamples writes the minSR direction δ = Ōᵀ (T + Shift·I)⁻¹ ε̄ into
// dst (P values). T is the M×M Gram matrix ŌŌᵀ in row-major order (its
// upper triangle is read), obar the M×P rows Ō, eps the M values ε̄, all
// scaled as above. SolveSamples overwrites T with its Cholesky factor and
// eps with (T + Shift·I)⁻¹ ε̄: the caller rebuilds both every iteration,
// so no scratch of M² doubles is kept. Errors: a relative or non-positive
// shift, non-finite input, a failed factorisation (wrapping
// ErrNotPositiveDefinite).
func (sr *SR) SolveSamples(dst, T, obar, eps []float64) error {
	M, P := len(eps), len(dst)
	if len(T) != M*M || len(obar) != M*P {
		panic(fmt.Sprintf("optim: SR.SolveSamples: len(T) = %d, len(obar) = %d for M = %d, P = %d; want M², M·P", len(T), len(obar), M, P))
	}
	if err := sr.checkShift(); err != nil {
		return err
	}
	if sr.Relative || sr.Shift == 0 {
		return fmt.Errorf("optim: SR in sample space (minSR) needs an absolute shift > 0 (have %g, relative %t): T = ŌŌᵀ of centred samples is singular, and a relative shift has no sample-space form", sr.Shift, sr.Relative)
	}
	sr.iters = 0
	if M == 0 || P == 0 {
		clear(dst)
		return nil
	}
	for i, v := range eps {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("optim: minSR: centred local energy %d is %g", i, v)
		}
	}
	for i := range M {
		row := T[i*M+i : (i+1)*M]
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("optim: minSR: T[%d][%d] = %g", i, i+j, v)
			}
		}
		row[0] += sr.Shift
	}
	a := blas64.Symmetric{Uplo: blas.Upper, N: M, Stride: M, Data: T}
	tri, ok := lapack64.Potrf(a)
	if !ok {
		return fmt.Errorf("optim: minSR: Cholesky factorisation of T + shift failed for M = %d samples, shift %g: %w", M, sr.Shift, ErrNotPositiveDefinite)
	}
	lapack64.Potrs(tri, blas64.General{Rows: M, Cols: 1, Stride: 1, Data: eps})
	O := blas64.General{Rows: M, Cols: P, Stride: P, Data: obar}
	blas64.Gemv(blas.Trans, 1, O, blas64.Vector{N: M, Inc: 1, Data: eps}, 0, blas64.Vector{N: P, Inc: 1, Data: dst})
	for k, v := range dst {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("optim: minSR: direction component %d is %g (T + shift is ill-conditioned; increase the shift)", k, v)
		}
	}
	return nil
}

// SampleGram writes T = Ō Ōᵀ (M×M, row-major, both triangles) for the
// M×P rows obar, M = len(obar)/P.
func SampleGram(T, obar []float64, P int) {
	M := len(obar) / P
	if len(obar) != M*P || len(T) != M*M {
		panic(fmt.Sprintf("optim: SampleGram: len(obar) = %d, len(T) = %d for P = %d", len(obar), len(T), P))
	}
	O := blas64.General{Rows: M, Cols: P, Stride: P, Data: obar}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, O, O, 0, blas64.General{Rows: M, Cols: M, Stride: M, Data: T})
}
