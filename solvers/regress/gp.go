package regress

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SEKernel is the anisotropic squared-exponential covariance plus white
// noise (Rasmussen & Williams, Gaussian Processes for Machine Learning,
// eq. 5.1):
//
//	k(x, x') = Amp² exp(−½ Σ_d (x_d − x'_d)²/Len_d²) + Noise² δ(x, x').
type SEKernel struct {
	Amp   float64   // signal standard deviation σ_f
	Len   []float64 // length scale per input dimension
	Noise float64   // noise standard deviation σ_n
}

// Signal is the noise-free covariance of x and y.
func (k *SEKernel) Signal(x, y []float64) float64 {
	var r2 float64
	for d, l := range k.Len {
		u := (x[d] - y[d]) / l
		r2 += u * u
	}
	return k.Amp * k.Amp * math.Exp(-0.5*r2)
}

// Validate checks that every hyperparameter is positive and finite.
func (k *SEKernel) Validate() error {
	ok := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	if !ok(k.Amp) || !ok(k.Noise) || len(k.Len) == 0 {
		return fmt.Errorf("kernel amplitude %g and noise %g must be positive, with length scales", k.Amp, k.Noise)
	}
	for d, l := range k.Len {
		if !ok(l) {
			return fmt.Errorf("kernel length scale %d is %g, must be positive", d, l)
		}
	}
	return nil
}

// GP is Gaussian-process regression with zero prior mean (fit residuals of
// a model, whose mean is the model). Training points are rows of X (n×D
// row-major). Predictions are of the latent function; add Noise² for a
// new observation.
type GP struct {
	Kernel SEKernel
	D      int
	X, Y   []float64
	// Cutoff, when positive, drops kernel values below Cutoff·Amp² when
	// predicting, so that a prediction touches only the training points
	// within √(−2 ln Cutoff) length scales (exact for Cutoff = 0).
	Cutoff float64

	chol  mat.Cholesky
	alpha []float64     // K⁻¹ y
	inv   *mat.SymDense // K⁻¹, computed on first use
	full  []float64     // K⁻¹ with both triangles, row-major, for CovOf
}

// NewGP factorises K = K_signal + Noise² I over the training points.
func NewGP(x []float64, d int, y []float64, k SEKernel) (*GP, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if len(k.Len) != d || len(x) != d*len(y) {
		panic(fmt.Sprintf("regress: GP with %d length scales, %d dims, %d coordinates for %d targets", len(k.Len), d, len(x), len(y)))
	}
	n := len(y)
	if n == 0 {
		return nil, ErrNoData
	}
	g := &GP{Kernel: k, D: d, X: x, Y: y}
	km := mat.NewSymDense(n, nil)
	for i := range n {
		xi := x[i*d : (i+1)*d]
		for j := i; j < n; j++ {
			km.SetSym(i, j, k.Signal(xi, x[j*d:(j+1)*d]))
		}
		km.SetSym(i, i, km.At(i, i)+k.Noise*k.Noise)
	}
	if !g.chol.Factorize(km) {
		return nil, errors.New("GP covariance matrix is not positive definite (noise too small?)")
	}
	var a mat.VecDense
	if err := g.chol.SolveVecTo(&a, mat.NewVecDense(n, append([]float64(nil), y...))); err != nil {
		return nil, err
	}
	g.alpha = a.RawVector().Data
	return g, nil
}

// WithTargets returns a GP with the same kernel and training points but
// targets y, sharing the factorisation and the inverse of K (which do not
// depend on the targets): a residual GP whose mean model is refitted
// costs one triangular solve instead of a new factorisation.
func (g *GP) WithTargets(y []float64) (*GP, error) {
	if len(y) != len(g.Y) {
		return nil, fmt.Errorf("GP: %d targets for %d training points", len(y), len(g.Y))
	}
	var a mat.VecDense
	if err := g.chol.SolveVecTo(&a, mat.NewVecDense(len(y), append([]float64(nil), y...))); err != nil {
		return nil, err
	}
	h := *g
	h.Y, h.alpha = y, a.RawVector().Data
	return &h, nil
}

// LogMarginal is the log marginal likelihood −½ yᵀK⁻¹y − ½ ln|K| − (n/2) ln 2π.
func (g *GP) LogMarginal() float64 {
	var q float64
	for i, a := range g.alpha {
		q += a * g.Y[i]
	}
	return -0.5*q - 0.5*g.chol.LogDet() - 0.5*float64(len(g.Y))*math.Log(2*math.Pi)
}

// Inverse returns K⁻¹ (computed once).
func (g *GP) Inverse() (*mat.SymDense, error) {
	if g.inv == nil {
		var inv mat.SymDense
		if err := g.chol.InverseTo(&inv); err != nil {
			return nil, err
		}
		g.inv = &inv
		n := len(g.Y)
		raw := inv.RawSymmetric()
		g.full = make([]float64, n*n)
		for i := range n {
			for j := i; j < n; j++ {
				v := raw.Data[i*raw.Stride+j]
				g.full[i*n+j], g.full[j*n+i] = v, v
			}
		}
	}
	return g.inv, nil
}

// Sparse is a kernel vector k(x, X) kept only where it is not negligible.
type Sparse struct {
	Idx []int
	Val []float64
}

// KernelVector returns k(x, x_i) for the training points, dropping values
// below the cutoff; dst is reused.
func (g *GP) KernelVector(dst *Sparse, x []float64) {
	dst.Idx, dst.Val = dst.Idx[:0], dst.Val[:0]
	floor := g.Cutoff * g.Kernel.Amp * g.Kernel.Amp
	for i := range g.Y {
		v := g.Kernel.Signal(x, g.X[i*g.D:(i+1)*g.D])
		if v > floor || g.Cutoff == 0 {
			dst.Idx = append(dst.Idx, i)
			dst.Val = append(dst.Val, v)
		}
	}
}

// MeanOf is the posterior mean k(x)ᵀK⁻¹y from a kernel vector.
func (g *GP) MeanOf(k *Sparse) float64 {
	var m float64
	for j, i := range k.Idx {
		m += k.Val[j] * g.alpha[i]
	}
	return m
}

// CovOf is the posterior covariance of the latent values at two points,
// k(a, b) − k_aᵀK⁻¹k_b, from their prior covariance kab and kernel vectors.
func (g *GP) CovOf(kab float64, ka, kb *Sparse) (float64, error) {
	if _, err := g.Inverse(); err != nil {
		return 0, err
	}
	n := len(g.Y)
	var q float64
	for ja, i := range ka.Idx {
		row := g.full[i*n : (i+1)*n]
		var s float64
		for jb, j := range kb.Idx {
			s += row[j] * kb.Val[jb]
		}
		q += ka.Val[ja] * s
	}
	return kab - q, nil
}

// InverseRowDot is (K⁻¹k)_i = Σ_b (K⁻¹)_{i, k.Idx[b]} k.Val[b], summed in
// the order of k: the inner sum of CovOf, which is kab − Σ_a
// ka.Val[a]·InverseRowDot(ka.Idx[a], kb) bit for bit. Reusing it for
// many first points a saves the repeated sums. Inverse must have
// succeeded before.
func (g *GP) InverseRowDot(i int, k *Sparse) float64 {
	n := len(g.Y)
	row := g.full[i*n : (i+1)*n]
	var s float64
	for jb, j := range k.Idx {
		s += row[j] * k.Val[jb]
	}
	return s
}

// Predict returns the posterior mean and variance of the latent function at x.
func (g *GP) Predict(x []float64) (mean, variance float64, err error) {
	var k Sparse
	g.KernelVector(&k, x)
	v, err := g.CovOf(g.Kernel.Amp*g.Kernel.Amp, &k, &k)
	return g.MeanOf(&k), v, err
}

// HeldOut returns the predictive mean and variance of each training target
// in block idx given all the others, without refitting: with P = K⁻¹,
// Σ = (P_II)⁻¹ and μ = y_I − Σ (K⁻¹y)_I (the block form of Rasmussen &
// Williams eq. 5.12). The variances include the noise: they are for the
// observations.
func (g *GP) HeldOut(idx []int) (mean, variance []float64, err error) {
	b, err := g.HeldOutCov(idx)
	if err != nil {
		return nil, nil, err
	}
	variance = make([]float64, len(idx))
	for a := range idx {
		variance[a] = b.Cov.At(a, a)
	}
	return b.Mean, variance, nil
}

// Block is the prediction of a block I of training targets from all the
// others (HeldOutCov).
type Block struct {
	Mean []float64     // predictive means of the block's observations
	Cov  *mat.SymDense // their covariance Σ = (P_II)⁻¹, noise included
	idx  []int
	g    *GP
}

// Latent is the posterior of the latent value at training point j (not
// in the block) given all targets but the block: its mean and variance,
// and its covariance with each held-out observation. With D the retained
// points and P = K⁻¹, K_D⁻¹ = P_DD − P_DI Σ P_ID, so α_D = K_D⁻¹y_D =
// α − P_DI Σ α_I; the mean is y_j − σ²α_j, the variance
// σ² − σ⁴(K_D⁻¹)_jj, and the covariance with y_I is −σ²(P_jI Σ).
func (b *Block) Latent(j int) (mean, variance float64, cov []float64) {
	g, n, m := b.g, len(b.g.Y), len(b.idx)
	s2 := g.Kernel.Noise * g.Kernel.Noise
	row := g.full[j*n : (j+1)*n]
	cov = make([]float64, m)
	var corrA, corrP float64
	for a := range m {
		var s float64
		for c, i := range b.idx {
			s += row[i] * b.Cov.At(c, a)
		}
		cov[a] = -s2 * s // (P_jI Σ)_a times −σ²
		corrA += s * g.alpha[b.idx[a]]
		corrP += s * row[b.idx[a]]
	}
	alpha := g.alpha[j] - corrA
	mean = g.Y[j] - s2*alpha
	variance = s2 - s2*s2*(row[j]-corrP)
	return mean, variance, cov
}

// HeldOutCov is HeldOut with the whole predictive covariance Σ of the
// block's observations, for differences of held-out targets, and the
// latent values at the retained points (Block.Latent).
func (g *GP) HeldOutCov(idx []int) (*Block, error) {
	inv, err := g.Inverse()
	if err != nil {
		return nil, err
	}
	m := len(idx)
	pii := mat.NewSymDense(m, nil)
	for a, i := range idx {
		for b := a; b < m; b++ {
			pii.SetSym(a, b, inv.At(i, idx[b]))
		}
	}
	var c mat.Cholesky
	if !c.Factorize(pii) {
		return nil, errors.New("GP: held-out block is singular")
	}
	var sigma mat.SymDense
	if err := c.InverseTo(&sigma); err != nil {
		return nil, err
	}
	mean := make([]float64, m)
	for a, i := range idx {
		var s float64
		for b, j := range idx {
			s += sigma.At(a, b) * g.alpha[j]
		}
		mean[a] = g.Y[i] - s
	}
	return &Block{Mean: mean, Cov: &sigma, idx: idx, g: g}, nil
}
