package regress

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// RankTol is the relative threshold below which singular values of the
// (equilibrated) normal matrix count as zero. XᵀX squares the condition
// number of X, so 1e-12 here means cond(X) ≈ 10⁶.
const RankTol = 1e-12

// ErrNoData is returned when statistics hold no rows.
var ErrNoData = errors.New("regress: no rows")

// Fit is a fitted linear model.
type Fit struct {
	Method string
	Lambda float64   // regularisation strength (Ridge, Lasso)
	Coef   []float64 // θ
	StdErr []float64 // standard errors of θ; NaN where unavailable (Lasso)
	Cov    []float64 // covariance of θ, P×P row-major (nil for Lasso)
	N      float64   // rows
	RSS    float64   // residual sum of squares on the training rows
	Sigma2 float64   // residual variance RSS/(n − dof)
	DoF    float64   // effective number of parameters
	Rank   int       // numerical rank of the normal matrix
	// RankDeficient is true when the Cholesky solve failed or the normal
	// matrix was too ill-conditioned, and the SVD pseudo-inverse (minimum
	// norm solution) was used instead.
	RankDeficient bool
	Iterations    int // Lasso coordinate-descent sweeps
}

// RMS is the root-mean-square training residual.
func (f *Fit) RMS() float64 { return math.Sqrt(f.RSS / f.N) }

// spd solves symmetric positive semi-definite systems A x = b. It scales A
// to unit diagonal (Jacobi equilibration, which makes the Cholesky error
// depend on the scaled condition number only), tries Cholesky and falls
// back to an SVD pseudo-inverse when Cholesky fails or the condition number
// exceeds 1/RankTol.
type spd struct {
	p         int
	a         []float64 // the matrix, for iterative refinement
	d         []float64 // scaling: A = D⁻¹ Â D⁻¹, Â has unit diagonal
	chol      *mat.Cholesky
	svd       *mat.SVD
	sv        []float64
	rank      int
	deficient bool
}

func newSPD(a []float64, p int) (*spd, error) {
	s := &spd{p: p, a: a, d: make([]float64, p)}
	for i := range p {
		v := a[i*p+i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("regress: normal matrix has a non-finite diagonal entry %d", i)
		}
		if v > 0 {
			s.d[i] = 1 / math.Sqrt(v)
		}
	}
	sc := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			sc.SetSym(i, j, 0.5*(a[i*p+j]+a[j*p+i])*s.d[i]*s.d[j])
		}
	}
	var ch mat.Cholesky
	if ch.Factorize(sc) && ch.Cond() < 1/RankTol {
		s.chol, s.rank = &ch, p
		return s, nil
	}
	var svd mat.SVD
	if !svd.Factorize(sc, mat.SVDThin) {
		return nil, errors.New("regress: SVD of the normal matrix did not converge")
	}
	s.svd, s.sv = &svd, svd.Values(nil)
	s.deficient = true
	for _, v := range s.sv {
		if v > RankTol*s.sv[0] {
			s.rank++
		}
	}
	return s, nil
}

// solve writes A⁻¹b (pseudo-inverse when deficient) into dst. On the
// Cholesky path two steps of iterative refinement (residual b − Ax in
// double precision) bring the residual down to round-off of |A||x|, which
// is what optimality conditions such as the Lasso's test.
func (s *spd) solve(dst, b []float64) {
	s.solve1(dst, b)
	if s.chol == nil {
		return
	}
	p := s.p
	r := make([]float64, p)
	d := make([]float64, p)
	for range 2 {
		for i := range p {
			r[i] = b[i]
			for j := range p {
				r[i] -= s.a[i*p+j] * dst[j]
			}
		}
		s.solve1(d, r)
		for i := range p {
			dst[i] += d[i]
		}
	}
}

func (s *spd) solve1(dst, b []float64) {
	p := s.p
	rhs := make([]float64, p)
	for i := range p {
		rhs[i] = b[i] * s.d[i]
	}
	x := make([]float64, p)
	if s.chol != nil {
		xv := mat.NewVecDense(p, x)
		// Cond was checked when factorising, so the solve cannot fail on
		// a singular factor.
		_ = s.chol.SolveVecTo(xv, mat.NewVecDense(p, rhs))
	} else {
		var u, v mat.Dense
		s.svd.UTo(&u)
		s.svd.VTo(&v)
		for k := range s.rank {
			dot := 0.0
			for i := range p {
				dot += u.At(i, k) * rhs[i]
			}
			dot /= s.sv[k]
			for i := range p {
				x[i] += dot * v.At(i, k)
			}
		}
	}
	for i := range p {
		dst[i] = x[i] * s.d[i]
	}
}

// inverse returns A⁻¹ (pseudo-inverse when deficient), P×P row-major.
func (s *spd) inverse() []float64 {
	p := s.p
	inv := make([]float64, p*p)
	e := make([]float64, p)
	col := make([]float64, p)
	for j := range p {
		clear(e)
		e[j] = 1
		s.solve(col, e)
		for i := range p {
			inv[i*p+j] = col[i]
		}
	}
	// Symmetrise the round-off.
	for i := range p {
		for j := i + 1; j < p; j++ {
			m := 0.5 * (inv[i*p+j] + inv[j*p+i])
			inv[i*p+j], inv[j*p+i] = m, m
		}
	}
	return inv
}

func checkStats(s *Stats) error {
	if s.N <= 0 {
		return ErrNoData
	}
	return nil
}

// OLS fits ordinary least squares: XᵀX θ = Xᵀy. Standard errors use
// σ² = RSS/(n − rank) and Cov = σ² (XᵀX)⁻¹.
func OLS(s *Stats) (*Fit, error) {
	f, err := Ridge(s, 0, nil)
	if err != nil {
		return nil, err
	}
	f.Method = "ols"
	return f, nil
}

// Ridge solves (XᵀX + nλW)θ = Xᵀy, W = diag(penalty) (nil: all ones; use
// a zero weight for an unpenalised intercept). Cov is the sandwich
// σ² M⁻¹ XᵀX M⁻¹ with M = XᵀX + nλW and σ² = RSS/(n − tr(M⁻¹XᵀX)).
func Ridge(s *Stats, lambda float64, penalty []float64) (*Fit, error) {
	if err := checkStats(s); err != nil {
		return nil, err
	}
	if lambda < 0 || math.IsNaN(lambda) {
		return nil, fmt.Errorf("regress: ridge λ = %v, want ≥ 0", lambda)
	}
	p := s.P
	w, err := weights(penalty, p)
	if err != nil {
		return nil, err
	}
	m := append([]float64(nil), s.XtX...)
	for i := range p {
		m[i*p+i] += s.N * lambda * w[i]
	}
	sol, err := newSPD(m, p)
	if err != nil {
		return nil, err
	}
	f := &Fit{Method: "ridge", Lambda: lambda, N: s.N, Coef: make([]float64, p), Rank: sol.rank, RankDeficient: sol.deficient}
	sol.solve(f.Coef, s.XtY)
	f.RSS = s.RSS(f.Coef)
	minv := sol.inverse()
	// H = M⁻¹ XᵀX; dof = tr H; Cov = σ² H M⁻¹.
	h := matmul(minv, s.XtX, p)
	f.DoF = 0
	for i := range p {
		f.DoF += h[i*p+i]
	}
	if lambda == 0 {
		f.DoF = float64(sol.rank)
	}
	if s.N > f.DoF {
		f.Sigma2 = f.RSS / (s.N - f.DoF)
	} else {
		f.Sigma2 = math.NaN()
	}
	if lambda == 0 {
		f.Cov = minv
	} else {
		f.Cov = matmul(h, minv, p)
	}
	scale(f.Cov, f.Sigma2)
	f.StdErr = make([]float64, p)
	for i := range p {
		f.StdErr[i] = math.Sqrt(max(f.Cov[i*p+i], 0))
	}
	return f, nil
}

func scale(x []float64, a float64) []float64 {
	for i := range x {
		x[i] *= a
	}
	return x
}

func matmul(a, b []float64, p int) []float64 {
	c := make([]float64, p*p)
	for i := range p {
		for k := range p {
			aik := a[i*p+k]
			for j := range p {
				c[i*p+j] += aik * b[k*p+j]
			}
		}
	}
	return c
}

// weights validates penalty weights (nil means all ones).
func weights(penalty []float64, p int) ([]float64, error) {
	if penalty == nil {
		w := make([]float64, p)
		for i := range w {
			w[i] = 1
		}
		return w, nil
	}
	if len(penalty) != p {
		return nil, fmt.Errorf("regress: %d penalty weights for %d features", len(penalty), p)
	}
	for i, v := range penalty {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("regress: penalty weight %d is %v, want finite ≥ 0", i, v)
		}
	}
	return penalty, nil
}

// Unpenalized returns p penalty weights of one, with zero at the indices
// given (an intercept, for example).
func Unpenalized(p int, idx ...int) []float64 {
	w := make([]float64, p)
	for i := range w {
		w[i] = 1
	}
	for _, i := range idx {
		w[i] = 0
	}
	return w
}

// Predict returns xᵀθ.
func (f *Fit) Predict(x []float64) float64 {
	s := 0.0
	for i, c := range f.Coef {
		s += c * x[i]
	}
	return s
}

// ScaledPenalty returns penalty weights equal to each feature's RMS,
// sqrt((XᵀX)_jj/n), with zero at the indices given: penalising θ_j·rms_j
// makes Ridge and Lasso independent of the units of the features, as
// standardising the columns would.
func ScaledPenalty(s *Stats, unpenalized ...int) []float64 {
	w := make([]float64, s.P)
	for j := range w {
		if s.N > 0 {
			w[j] = math.Sqrt(s.XtX[j*s.P+j] / s.N)
		}
	}
	for _, j := range unpenalized {
		w[j] = 0
	}
	return w
}
