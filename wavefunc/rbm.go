package wavefunc

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// RBM is the Gaussian-binary restricted Boltzmann machine of Carleo and
// Troyer carried over to continuous space: M = N·d Gaussian visible units
// (the coordinates) and H binary hidden units summed out,
//
//	F(x) = exp(−Σ_k (x_k − a_k)²/(2σ²)) Π_j (1 + exp(θ_j)),
//	θ_j  = b_j + Σ_k x_k W_kj / σ².
//
// By default Ψ = F. With Sqrt set, Ψ = √F, so |Ψ|² = F is the RBM's own
// marginal distribution of the visible units and can be sampled exactly by
// alternating Gibbs steps (see GibbsHidden and GibbsVisible); all
// derivatives of ln Ψ are then halved, and the exact non-interacting state
// needs σ² = 1/(2ω) instead of 1/ω.
//
// Parameters, flat: a (M values), b (H values), W (M×H, row k holds W_k·).
// σ² is fixed. With a = 0, W = 0 and σ² = 1/ω (or 1/(2ω) with Sqrt) Ψ is
// the exact ground state of non-interacting particles in the trap.
type RBM struct {
	n, d, m, h int
	sigma2     float64
	// Sqrt selects Ψ = √F (half of every ln Ψ derivative); set it before
	// creating States.
	Sqrt bool
	p    []float64
}

var _ Model = (*RBM)(nil)

// NewRBM returns an RBM for n particles in d dimensions with the given
// number of hidden units and visible variance σ², all parameters zero.
// It panics if n, d or hidden is not positive or σ² is not a positive
// finite number; callers that take these from input validate them first.
func NewRBM(n, d, hidden int, sigma2 float64) *RBM {
	if n <= 0 || d <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("wavefunc: NewRBM(n=%d, d=%d, hidden=%d): sizes must be positive", n, d, hidden))
	}
	if !(sigma2 > 0) || math.IsInf(sigma2, 0) {
		panic(fmt.Sprintf("wavefunc: NewRBM: sigma2 = %v, want a positive finite number", sigma2))
	}
	m := n * d
	return &RBM{n: n, d: d, m: m, h: hidden, sigma2: sigma2, p: make([]float64, m+hidden+m*hidden)}
}

// Particles is N.
func (r *RBM) Particles() int { return r.n }

// Dims is d.
func (r *RBM) Dims() int { return r.d }

// Hidden is the number of hidden units H.
func (r *RBM) Hidden() int { return r.h }

// Sigma2 is the visible variance σ².
func (r *RBM) Sigma2() float64 { return r.sigma2 }

// NumParams is M + H + M·H.
func (r *RBM) NumParams() int { return len(r.p) }

// Params copies the parameters [a, b, W] into dst.
func (r *RBM) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(r.p))
	}
	if len(dst) != len(r.p) {
		panic(fmt.Sprintf("wavefunc: RBM.Params: len(dst) = %d, want %d", len(dst), len(r.p)))
	}
	copy(dst, r.p)
	return dst
}

// SetParams replaces the parameters [a, b, W].
func (r *RBM) SetParams(p []float64) {
	if len(p) != len(r.p) {
		panic(fmt.Sprintf("wavefunc: RBM.SetParams: len(p) = %d, want %d", len(p), len(r.p)))
	}
	copy(r.p, p)
}

// Randomize draws every parameter from a normal distribution with standard
// deviation scale, the usual small random start of a training run.
func (r *RBM) Randomize(scale float64, rng *rand.Rand) {
	for k := range r.p {
		r.p[k] = scale * rng.NormFloat64()
	}
}

func (r *RBM) a() []float64 { return r.p[:r.m] }
func (r *RBM) b() []float64 { return r.p[r.m : r.m+r.h] }
func (r *RBM) w() []float64 { return r.p[r.m+r.h:] }

// factor is the prefactor of ln Ψ relative to ln F.
func (r *RBM) factor() float64 {
	if r.Sqrt {
		return 0.5
	}
	return 1
}

// softplusSigmoid returns ln(1+e^t) and 1/(1+e^−t) from one exponential,
// stable for either sign of t.
func softplusSigmoid(t float64) (sp, sig float64) {
	e := math.Exp(-math.Abs(t))
	if t >= 0 {
		return t + math.Log1p(e), 1 / (1 + e)
	}
	return math.Log1p(e), e / (1 + e)
}

// GibbsValid reports whether |Ψ|² equals the RBM's visible marginal F,
// which Gibbs sampling draws from: only in the Ψ = √F variant.
func (r *RBM) GibbsValid() error {
	if !r.Sqrt {
		return errors.New("the RBM's Gibbs chain samples F(x), which is |Ψ|² only for Ψ = √F (set Sqrt)")
	}
	return nil
}

// GibbsHidden draws h_j ∈ {0, 1} from the conditional P(h_j = 1 | x) =
// s(θ_j(x)) of the RBM's joint distribution (h has H values).
func (r *RBM) GibbsHidden(x, h []float64, rng *rand.Rand) {
	b, w := r.b(), r.w()
	for j := range r.h {
		t := b[j]
		for k := range r.m {
			t += x[k] * w[k*r.h+j] / r.sigma2
		}
		_, s := softplusSigmoid(t)
		if rng.Float64() < s {
			h[j] = 1
		} else {
			h[j] = 0
		}
	}
}

// GibbsVisible draws x from the conditional Gaussian of the visible units
// given the hidden ones: x_k ~ N(a_k + Σ_j W_kj h_j, σ²).
func (r *RBM) GibbsVisible(h, x []float64, rng *rand.Rand) {
	a, w := r.a(), r.w()
	sd := math.Sqrt(r.sigma2)
	for k := range r.m {
		mu := a[k]
		row := w[k*r.h : (k+1)*r.h]
		for j, hj := range h {
			mu += row[j] * hj
		}
		x[k] = mu + sd*rng.NormFloat64()
	}
}

// NewState returns a walker state at x.
func (r *RBM) NewState(x []float64) State {
	if len(x) != r.m {
		panic(fmt.Sprintf("wavefunc: RBM.NewState: len(x) = %d, want %d", len(x), r.m))
	}
	var ar cacheline.Arena[float64]
	s := cacheline.New[rbmState]()
	*s = rbmState{
		r:      r,
		x:      ar.Clone(x),
		theta:  ar.Make(r.h),
		sig:    ar.Make(r.h),
		thetaN: ar.Make(r.h),
		sigN:   ar.Make(r.h),
		pos:    ar.Make(r.d),
	}
	s.Refresh()
	return s
}

// rbmState caches θ_j and s(θ_j) at the current configuration and at the
// pending proposal; Accept swaps the two buffers, so a move costs O(d·H)
// and allocates nothing.
type rbmState struct {
	r            *RBM
	x            []float64
	theta, sig   []float64
	thetaN, sigN []float64
	spSum        float64 // Σ_j ln(1+e^θ_j)
	spSumN       float64
	logF, logFN  float64
	pi           int // moved particle of the pending proposal
	pos          []float64
}

func (s *rbmState) Positions() []float64 { return s.x }

func (s *rbmState) LogPsi() float64 { return s.r.factor() * s.logF }

func (s *rbmState) Refresh() {
	r := s.r
	a, b, w := r.a(), r.b(), r.w()
	gauss := 0.0
	for k, xk := range s.x {
		d := xk - a[k]
		gauss += d * d
	}
	s.spSum = 0
	for j := range r.h {
		t := b[j]
		for k, xk := range s.x {
			t += xk * w[k*r.h+j] / r.sigma2
		}
		s.theta[j] = t
		sp, sg := softplusSigmoid(t)
		s.sig[j] = sg
		s.spSum += sp
	}
	s.logF = -gauss/(2*r.sigma2) + s.spSum
}

func (s *rbmState) Propose(i int, pos []float64) float64 {
	r := s.r
	d, h := r.d, r.h
	a, w := r.a(), r.w()
	copy(s.pos, pos)
	s.pi = i
	copy(s.thetaN, s.theta)
	dg := 0.0
	for c := range d {
		k := i*d + c
		dx := (pos[c] - s.x[k]) / r.sigma2
		on, oo := pos[c]-a[k], s.x[k]-a[k]
		dg += on*on - oo*oo
		row := w[k*h : (k+1)*h]
		for j, wkj := range row {
			s.thetaN[j] += dx * wkj
		}
	}
	sum := 0.0
	for j, t := range s.thetaN {
		sp, sg := softplusSigmoid(t)
		s.sigN[j] = sg
		sum += sp
	}
	s.spSumN = sum
	dlog := -dg/(2*r.sigma2) + sum - s.spSum
	s.logFN = s.logF + dlog
	return r.factor() * dlog
}

func (s *rbmState) Accept() {
	copy(s.x[s.pi*s.r.d:], s.pos)
	s.theta, s.thetaN = s.thetaN, s.theta
	s.sig, s.sigN = s.sigN, s.sig
	s.spSum = s.spSumN
	s.logF = s.logFN
}

func (s *rbmState) Reject() {}

// gradAt writes ∇_i ln Ψ for particle i at coordinates xi with sigmoids sig.
func (s *rbmState) gradAt(i int, xi, sig, dst []float64) {
	r := s.r
	a, w := r.a(), r.w()
	f := r.factor()
	for c := range r.d {
		k := i*r.d + c
		row := w[k*r.h : (k+1)*r.h]
		acc := 0.0
		for j, wkj := range row {
			acc += wkj * sig[j]
		}
		dst[c] = f * (acc - (xi[c] - a[k])) / r.sigma2
	}
}

func (s *rbmState) GradI(i int, dst []float64) {
	d := s.r.d
	s.gradAt(i, s.x[i*d:(i+1)*d], s.sig, dst)
}

func (s *rbmState) ProposedGradI(dst []float64) {
	s.gradAt(s.pi, s.pos, s.sigN, dst)
}

func (s *rbmState) Derivs(grad []float64) float64 {
	r := s.r
	a, w := r.a(), r.w()
	f := r.factor()
	s2 := r.sigma2
	lap := 0.0
	for k, xk := range s.x {
		row := w[k*r.h : (k+1)*r.h]
		g, l := 0.0, 0.0
		for j, wkj := range row {
			sg := s.sig[j]
			g += wkj * sg
			l += wkj * wkj * sg * (1 - sg)
		}
		grad[k] = f * (g - (xk - a[k])) / s2
		lap += -1/s2 + l/(s2*s2)
	}
	return f * lap
}

func (s *rbmState) ParamGrad(dst []float64) {
	r := s.r
	m, h := r.m, r.h
	a := r.a()
	f := r.factor()
	for k, xk := range s.x {
		dst[k] = f * (xk - a[k]) / r.sigma2
	}
	for j, sg := range s.sig {
		dst[m+j] = f * sg
	}
	ow := dst[m+h:]
	for k, xk := range s.x {
		c := f * xk / r.sigma2
		row := ow[k*h : (k+1)*h]
		for j, sg := range s.sig {
			row[j] = c * sg
		}
	}
}
