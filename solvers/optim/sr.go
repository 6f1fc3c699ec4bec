package optim

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrNotPositiveDefinite is wrapped by SR errors when S + shift has a
// non-positive direction: increase the shift.
var ErrNotPositiveDefinite = errors.New("S + shift is not positive definite")

// ErrNotConverged is wrapped by SR errors when conjugate gradient stops at
// its iteration limit; dst then holds the last iterate.
var ErrNotConverged = errors.New("conjugate gradient did not converge")

// SR solves the stochastic-reconfiguration equations (S + shift) δ = F, S the
// covariance of the log-derivatives O_k and F the force (half the energy
// gradient), turning the gradient into the natural gradient δ that a Rule
// then applies: θ ← θ − η δ.
//
// The shift regularises the nearly singular S of a Monte Carlo estimate:
// absolute (Relative false) adds Shift to every diagonal element,
// S_kk + Shift; relative (Relative true) scales the diagonal,
// S_kk(1 + Shift), which is invariant under rescaling a parameter but cannot
// rescue a parameter with S_kk = 0 (it has no effect on Ψ at all). With
// Relative false, RelShift adds the relative shift on top of the absolute
// one, S_kk(1 + RelShift) + Shift: the relative part acts on well-resolved
// directions in proportion to their scale, the absolute one keeps S + shift
// positive definite. ShiftDecay shrinks both with the iteration that
// SetIteration sets (large shifts, close to plain gradient descent, while
// the wave function is far off; small ones near the minimum).
//
// Solve factorises a dense S with Cholesky. SolveOp runs
// Jacobi-preconditioned conjugate gradient on products S·v alone, so a
// distributed caller never forms S (one all-reduce of P numbers per product
// instead of P² once); which of the two to use is the caller's choice (the
// vmc driver's SRSolver).
//
// The zero value is usable: no shift, Cholesky always. An SR keeps scratch
// memory between calls and is not safe for concurrent use.
type SR struct {
	Shift    float64 // diagonal shift ε ≥ 0
	Relative bool    // shift S_kk(1+ε) instead of S_kk + ε
	// RelShift ε_r ≥ 0 adds a relative shift to the absolute one (Relative
	// false): S_kk(1 + ε_r) + ε; 0 means none.
	RelShift float64
	// ShiftDecay scales Shift and RelShift with the iteration; the zero
	// value keeps them.
	ShiftDecay Decay
	// CGTol is the relative residual ‖F − (S+shift)δ‖ ≤ CGTol·‖F‖ at which
	// conjugate gradient stops; 0 means 1e-10.
	CGTol float64
	// CGMaxIter bounds the conjugate-gradient iterations; 0 means 2P + 100.
	CGMaxIter int

	iters      int
	t          int       // iteration, for ShiftDecay
	a          []float64 // Cholesky: S + shift
	chol       mat.Cholesky
	r, z, p, q []float64
}

// Iterations returns the conjugate-gradient iterations of the last solve
// (0 when it used Cholesky).
func (sr *SR) Iterations() int { return sr.iters }

// SetIteration sets the iteration whose shifts (ShiftDecay) the next
// solves use; the vmc driver calls it before each iteration's update.
func (sr *SR) SetIteration(t int) { sr.t = t }

// Shifts are the absolute and relative shift of the current iteration.
func (sr *SR) Shifts() (abs, rel float64) {
	return sr.ShiftDecay.At(sr.Shift, sr.t), sr.ShiftDecay.At(sr.RelShift, sr.t)
}

func (sr *SR) checkShift() error {
	if !(sr.Shift >= 0) || math.IsInf(sr.Shift, 0) {
		return fmt.Errorf("optim: SR shift %g, expected a finite value ≥ 0", sr.Shift)
	}
	if !(sr.RelShift >= 0) || math.IsInf(sr.RelShift, 0) {
		return fmt.Errorf("optim: SR relative shift %g, expected a finite value ≥ 0", sr.RelShift)
	}
	if sr.Relative && sr.RelShift != 0 {
		return fmt.Errorf("optim: SR with Relative set takes its relative shift from Shift; RelShift must be 0")
	}
	return sr.ShiftDecay.Validate()
}

// shifted returns the diagonal element S_kk after the shift.
func (sr *SR) shifted(skk float64) float64 {
	abs, rel := sr.Shift, sr.RelShift
	if sr.t != 0 {
		abs, rel = sr.Shifts()
	}
	if sr.Relative {
		return skk * (1 + abs)
	}
	if rel != 0 {
		return skk*(1+rel) + abs
	}
	return skk + abs
}

func (sr *SR) checkDiag(k int, skk float64) error {
	a := sr.shifted(skk)
	if math.IsNaN(skk) || math.IsInf(skk, 0) {
		return fmt.Errorf("optim: SR: S[%d][%d] = %g", k, k, skk)
	}
	if a <= 0 {
		if sr.Relative && skk == 0 {
			return fmt.Errorf("optim: SR: S[%d][%d] = 0 (parameter %d does not change Ψ); a relative shift cannot fix it, use an absolute shift: %w", k, k, k, ErrNotPositiveDefinite)
		}
		return fmt.Errorf("optim: SR: diagonal %d is %g after the shift (S_kk = %g, shift %g): %w", k, a, skk, sr.Shift, ErrNotPositiveDefinite)
	}
	return nil
}

// Solve writes into dst the δ solving (S + shift) δ = f. S is the dense,
// symmetric, already centred P×P matrix in row-major order
// (S_kl = ⟨O_k O_l⟩ − ⟨O_k⟩⟨O_l⟩, see Covariance); P = len(f) = len(dst).
// Cholesky reads the upper triangle of S. Solve does not modify S; dst may
// be f itself (solved in place). Errors wrap ErrNotPositiveDefinite when the
// shift is too small, or report non-finite input or a condition number
// beyond 10¹⁶.
func (sr *SR) Solve(dst, S, f []float64) error {
	P := len(f)
	if len(dst) != P || len(S) != P*P {
		panic(fmt.Sprintf("optim: SR.Solve: len(dst) = %d, len(S) = %d, len(f) = %d; want P, P², P", len(dst), len(S), P))
	}
	sr.iters = 0
	if err := sr.checkShift(); err != nil {
		return err
	}
	if P == 0 {
		return nil
	}
	for i, v := range f {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("optim: SR: force component %d is %g", i, v)
		}
	}
	sr.a = grow(sr.a, P*P)
	a := sr.a
	for k := range P {
		row := S[k*P : (k+1)*P]
		for l := k; l < P; l++ {
			if v := row[l]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("optim: SR: S[%d][%d] = %g", k, l, v)
			}
		}
		copy(a[k*P+k:(k+1)*P], row[k:])
		if err := sr.checkDiag(k, row[k]); err != nil {
			return err
		}
		a[k*P+k] = sr.shifted(row[k])
	}
	if !sr.chol.Factorize(mat.NewSymDense(P, a)) {
		return fmt.Errorf("optim: SR: Cholesky factorisation failed for P = %d, shift %g (relative %t): %w", P, sr.Shift, sr.Relative, ErrNotPositiveDefinite)
	}
	copy(dst, f)
	v := mat.NewVecDense(P, dst)
	if err := sr.chol.SolveVecTo(v, v); err != nil {
		return fmt.Errorf("optim: SR: S + shift is ill-conditioned (P = %d, shift %g), increase the shift: %w", P, sr.Shift, err)
	}
	return nil
}

// SolveOp solves (S + shift) δ = f by Jacobi-preconditioned conjugate
// gradient, matrix-free: apply(dst, v) must write S·v (without the shift;
// in a distributed run, ⟨O (O·v)⟩ − ⟨O⟩(⟨O⟩·v) reduced across ranks, the
// same on every rank). diag is the diagonal of S, needed for the
// preconditioner and the relative shift. The iteration starts from δ = 0,
// so the result is a deterministic function of the inputs; dst may be f.
// Errors wrap ErrNotPositiveDefinite when the shift is too small or
// ErrNotConverged when conjugate gradient runs out of iterations.
func (sr *SR) SolveOp(dst, diag, f []float64, apply func(dst, v []float64)) error {
	P := len(f)
	if len(dst) != P || len(diag) != P {
		panic(fmt.Sprintf("optim: SR.SolveOp: len(dst) = %d, len(diag) = %d, len(f) = %d; want equal", len(dst), len(diag), P))
	}
	sr.iters = 0
	if err := sr.checkShift(); err != nil {
		return err
	}
	fn := 0.0
	for i, v := range f {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("optim: SR: force component %d is %g", i, v)
		}
		fn += v * v
	}
	for k, d := range diag {
		if err := sr.checkDiag(k, d); err != nil {
			return err
		}
	}
	tol := sr.CGTol
	if tol == 0 {
		tol = 1e-10
	}
	maxIter := sr.CGMaxIter
	if maxIter == 0 {
		maxIter = 2*P + 100
	}
	sr.r, sr.z = grow(sr.r, P), grow(sr.z, P)
	sr.p, sr.q = grow(sr.p, P), grow(sr.q, P)
	x, r, z, p, q := dst, sr.r, sr.z, sr.p, sr.q
	copy(r, f) // before clearing x, which may be f
	clear(x)
	if fn == 0 {
		return nil
	}
	stop := tol * tol * fn
	rz := 0.0
	for k := range P {
		z[k] = r[k] / sr.shifted(diag[k])
		p[k] = z[k]
		rz += r[k] * z[k]
	}
	rr := fn
	for it := 1; it <= maxIter; it++ {
		sr.iters = it
		apply(q, p)
		pq := 0.0
		for k := range P {
			q[k] += (sr.shifted(diag[k]) - diag[k]) * p[k] // the shift term
			pq += p[k] * q[k]
		}
		if !(pq > 0) {
			return fmt.Errorf("optim: SR: curvature pᵀ(S+shift)p = %g at CG iteration %d: %w", pq, it, ErrNotPositiveDefinite)
		}
		alpha := rz / pq
		rr = 0
		for k := range P {
			x[k] += alpha * p[k]
			r[k] -= alpha * q[k]
			rr += r[k] * r[k]
		}
		if rr <= stop {
			return nil
		}
		rzNew := 0.0
		for k := range P {
			z[k] = r[k] / sr.shifted(diag[k])
			rzNew += r[k] * z[k]
		}
		beta := rzNew / rz
		rz = rzNew
		for k := range P {
			p[k] = z[k] + beta*p[k]
		}
	}
	return fmt.Errorf("optim: SR: relative residual %.3g after %d iterations (tolerance %g): %w", math.Sqrt(rr/fn), maxIter, tol, ErrNotConverged)
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// Covariance turns sums over n samples into the centred matrix S:
// dst = sumOO/n − (sumO/n)(sumO/n)ᵀ, P×P row-major with P = len(sumO).
// dst may be sumOO itself. For parameters whose mean O_k is large compared
// with its spread, accumulate O_k − c_k with a fixed reference c_k (S does
// not change) to avoid cancellation.
func Covariance(dst, sumOO, sumO []float64, n float64) {
	P := len(sumO)
	if len(dst) != P*P || len(sumOO) != P*P {
		panic(fmt.Sprintf("optim: Covariance: len(dst) = %d, len(sumOO) = %d, want %d", len(dst), len(sumOO), P*P))
	}
	for k := range P {
		mk := sumO[k] / n
		for l := range P {
			dst[k*P+l] = sumOO[k*P+l]/n - mk*(sumO[l]/n)
		}
	}
}
