package optim

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Linear is the linear method of Umrigar, Toulouse, Filippi, Sorella and
// Hennig (Phys. Rev. Lett. 98, 110201 (2007); Toulouse and Umrigar,
// J. Chem. Phys. 126, 084102 (2007)): in the basis {Ψ₀, Ψ_k = (O_k −
// ⟨O_k⟩)Ψ₀} of the current wave function and its centred derivatives, the
// lowest eigenvector of the generalised problem H v = E S v gives the
// parameter change δ_k = v_k/v₀, which for a wave function linear in the
// parameters is the exact minimum in one step. H is estimated with the
// local-energy derivatives (the non-symmetric estimator, whose variance
// vanishes as Ψ₀ approaches an eigenstate):
//
//	H₀₀ = ⟨E_L⟩,  H_k0 = ⟨Ō_k E_L⟩,  H_0l = ⟨E_L Ō_l⟩ + ⟨∂_l E_L⟩,
//	H_kl = ⟨Ō_k E_L Ō_l⟩ + ⟨Ō_k ∂_l E_L⟩,   S₀₀ = 1, S_0k = 0, S_kl = ⟨Ō_k Ō_l⟩.
//
// Stabilisation: a diagonal shift a is added to H_kk (k ≥ 1), which turns
// the step towards the gradient direction and shortens it. The shift
// adapts from iteration to iteration: it grows tenfold, and the solve is
// repeated, while the step's norm |Δ|_S = √(ΔᵀSΔ) exceeds MaxNorm (the
// first-order change of Ψ, a trust region), it grows tenfold after an
// iteration whose energy rose by more than three error bars above the
// previous one, and otherwise it halves down to MinShift. (The vmc
// driver's CorrelatedShift instead tries several shifts with SolveAt and
// picks one by correlated sampling, at a second reduction per iteration.)
// The step is normalised with ξ (Toulouse and Umrigar's
// eq. 26: Δ = δ/(1 − N·δ)), which matters for non-linear parameters.
//
// S is singular in directions the samples cannot resolve: Solve works in
// the eigenbasis of S, dropping eigenvalues below 1e-12 of the largest.
// A Linear keeps its shift between calls (State, SetState; the vmc driver
// saves them in its snapshots, so a resumed run continues with the adapted
// shift) and is not safe for concurrent use.
type Linear struct {
	// Shift is the initial diagonal shift a; 0 means 1e-3.
	Shift float64
	// MinShift bounds the adapted shift from below; 0 means 1e-3 (smaller
	// shifts let the noise of H near convergence throw the parameters off).
	MinShift float64
	// MaxNorm bounds |Δ|_S; 0 means 0.5.
	MaxNorm float64
	// Xi is the normalisation ξ ∈ [0, 1]; 0 means 0.5.
	Xi float64

	shift, lastE float64
	started      bool
}

// ErrLinear is wrapped by Linear's errors when no physical eigenvector
// was found.
var ErrLinear = errors.New("linear method: no eigenvector with weight on the current wave function")

func (l *Linear) defaults() (minShift, maxNorm, xi float64) {
	minShift, maxNorm, xi = l.MinShift, l.MaxNorm, l.Xi
	if minShift == 0 {
		minShift = 1e-3
	}
	if maxNorm == 0 {
		maxNorm = 0.5
	}
	if xi == 0 {
		xi = 0.5
	}
	if !l.started {
		l.shift = l.Shift
		if l.shift == 0 {
			l.shift = 1e-3
		}
	}
	return
}

// CurrentShift is the shift the next Solve starts from.
func (l *Linear) CurrentShift() float64 {
	l.defaults()
	return l.shift
}

// Solve writes the parameter change Δ (θ ← θ + Δ) into dst (P values)
// from H and S, both (P+1)×(P+1) row-major in the basis {Ψ₀, Ψ_k}, S with
// S₀₀ = 1 and S_0k = S_k0 = 0; energy and its error bar are ⟨E_L⟩ of this
// iteration, which adapt the shift. H and S are not modified.
func (l *Linear) Solve(dst, H, S []float64, energy, errE float64) error {
	p := len(dst)
	n := p + 1
	if len(H) != n*n || len(S) != n*n {
		panic(fmt.Sprintf("optim: Linear.Solve: %d parameters, H has %d values, S %d; want %d", p, len(H), len(S), n*n))
	}
	minShift, maxNorm, xi := l.defaults()
	if l.started && energy > l.lastE+3*errE {
		l.shift *= 10
	} else if l.started {
		l.shift = math.Max(l.shift/2, minShift)
	}
	l.started, l.lastE = true, energy

	// Orthonormal basis of the resolvable derivative directions:
	// T = U_r Λ_r^{-1/2}, so TᵀST = I.
	sp := mat.NewSymDense(p, nil)
	for k := range p {
		for m := k; m < p; m++ {
			sp.SetSym(k, m, S[(k+1)*n+m+1])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sp, true) {
		return fmt.Errorf("optim: linear method: eigen-decomposition of S failed")
	}
	lam := es.Values(nil)
	var u mat.Dense
	es.VectorsTo(&u)
	top := 0.0
	for _, v := range lam {
		top = math.Max(top, v)
	}
	var cols []int
	for c, v := range lam {
		if v > 1e-12*top {
			cols = append(cols, c)
		}
	}
	r := len(cols)
	if r == 0 {
		return fmt.Errorf("%w (S vanishes)", ErrLinear)
	}
	T := mat.NewDense(p, r, nil)
	for j, c := range cols {
		s := 1 / math.Sqrt(lam[c])
		for k := range p {
			T.Set(k, j, u.At(k, c)*s)
		}
	}
	hpp := mat.NewDense(p, p, nil)
	h0 := mat.NewDense(1, p, nil)
	hk := mat.NewDense(p, 1, nil)
	for k := range p {
		h0.Set(0, k, H[k+1])
		hk.Set(k, 0, H[(k+1)*n])
		for m := range p {
			hpp.Set(k, m, H[(k+1)*n+m+1])
		}
	}
	var tht, th0, thk mat.Dense
	tht.Product(T.T(), hpp, T)
	th0.Mul(h0, T)
	thk.Mul(T.T(), hk)
	var ts mat.Dense // TᵀT: the shift a·I in the Ō basis
	ts.Mul(T.T(), T)

	delta := make([]float64, p)
	for try := 0; try < 12; try++ {
		a := mat.NewDense(r+1, r+1, nil)
		a.Set(0, 0, H[0])
		for j := range r {
			a.Set(0, j+1, th0.At(0, j))
			a.Set(j+1, 0, thk.At(j, 0))
			for m := range r {
				a.Set(j+1, m+1, tht.At(j, m)+l.shift*ts.At(j, m))
			}
		}
		v, err := physicalEigenvector(a)
		if err != nil {
			return err
		}
		// δ = T v[1:]/v₀
		for k := range p {
			s := 0.0
			for j := range r {
				s += T.At(k, j) * v[j+1]
			}
			delta[k] = s / v[0]
		}
		norm := normalise(dst, delta, S, xi)
		if norm <= maxNorm && finiteAll(dst) {
			return nil
		}
		l.shift *= 10
	}
	return fmt.Errorf("%w: the step stays longer than %g for shifts up to %g", ErrLinear, maxNorm, l.shift)
}

// physicalEigenvector returns the real eigenvector of a with the largest
// weight |v₀|/|v| on the current wave function: the continuation of Ψ₀,
// where the lowest eigenvalue may belong to a state the samples describe
// badly (a far, spurious minimum).
func physicalEigenvector(a *mat.Dense) ([]float64, error) {
	var eig mat.Eigen
	if !eig.Factorize(a, mat.EigenRight) {
		return nil, fmt.Errorf("optim: linear method: eigen-decomposition failed")
	}
	vals := eig.Values(nil)
	var vecs mat.CDense
	eig.VectorsTo(&vecs)
	n, _ := a.Dims()
	best, bestW := -1, 0.0
	for c, ev := range vals {
		if math.Abs(imag(ev)) > 1e-10*math.Max(1, math.Abs(real(ev))) {
			continue
		}
		nn := 0.0
		for k := range n {
			nn += real(vecs.At(k, c)) * real(vecs.At(k, c))
		}
		w := math.Abs(real(vecs.At(0, c))) / math.Sqrt(nn)
		if w > bestW {
			best, bestW = c, w
		}
	}
	if best < 0 || bestW == 0 {
		return nil, ErrLinear
	}
	v := make([]float64, n)
	for k := range n {
		v[k] = real(vecs.At(k, best))
	}
	return v, nil
}

// normalise writes Δ = δ/(1 − N·δ) with N_k = −(1−ξ)D(Sδ)_k/((1−ξ) + ξD),
// D = √(1 + δᵀSδ), and returns |Δ|_S.
func normalise(dst, delta, S []float64, xi float64) float64 {
	p := len(delta)
	n := p + 1
	sd := make([]float64, p)
	dsd := 0.0
	for k := range p {
		s := 0.0
		for m := range p {
			s += S[(k+1)*n+m+1] * delta[m]
		}
		sd[k] = s
		dsd += delta[k] * s
	}
	D := math.Sqrt(1 + dsd)
	c := -(1 - xi) * D / ((1 - xi) + xi*D)
	nd := 0.0
	for k := range p {
		nd += c * sd[k] * delta[k]
	}
	den := 1 - nd
	for k := range p {
		dst[k] = delta[k] / den
	}
	return math.Sqrt(dsd) / math.Abs(den)
}

func finiteAll(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// State returns [shift, last energy, started].
func (l *Linear) State() []float64 {
	s := 0.0
	if l.started {
		s = 1
	}
	return []float64{l.shift, l.lastE, s}
}

// SetState restores what State returned.
func (l *Linear) SetState(s []float64) error {
	if len(s) != 3 {
		return fmt.Errorf("optim: linear method state has %d values, expected 3", len(s))
	}
	l.shift, l.lastE, l.started = s[0], s[1], s[2] != 0
	return nil
}

// SolveAt writes the step at diagonal shift a > 0 (grown tenfold while the
// step is longer than MaxNorm, as in Solve) and returns the shift used. It
// leaves the adaptive state (CurrentShift, the previous energy) as it was:
// a caller that tries several shifts and picks one (the vmc driver's
// correlated selection) keeps its own.
func (l *Linear) SolveAt(dst, H, S []float64, a float64) (float64, error) {
	saved := *l
	defer func() { *l = saved }()
	l.Shift, l.started = a, false
	err := l.Solve(dst, H, S, 0, 0)
	return l.shift, err
}
