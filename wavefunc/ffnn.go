package wavefunc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// FFNN is a feed-forward network trial function times a fixed Gaussian
// envelope:
//
//	ln Ψ(x) = NN(x) − envelope · Σ_k x_k² / 2,
//
// where NN maps the M = N·d coordinates through dense layers with a smooth
// activation (all hidden layers) to one linear output. With envelope = ω
// the network only has to learn the correction to the non-interacting
// ground state, and Ψ is normalisable whatever the weights; envelope = 0
// drops the factor.
//
// The layer widths run from the input to the output: layers[0] = N·d and
// layers[len−1] = 1, e.g. [4, 16, 16, 1] for two particles in 2D.
// Parameters, flat, layer by layer: W_l (out×in, row-major) then b_l.
//
// The coordinate gradient and the Laplacian are exact: Derivs propagates
// each unit's value, gradient and diagonal second derivatives forward
// through the layers (O(P·M) for P parameters). A single-particle move
// recomputes the network's value (O(P)); the gradients for importance
// sampling and the parameter derivatives O_k come from back-propagation
// (O(P)). All buffers belong to the State, so moves allocate nothing.
type FFNN struct {
	n, d     int
	layers   []int
	act      activation
	actName  string
	envelope float64
	p        []float64
	woff     []int // offset of W_l in p, l = 1..L (index l−1)
	boff     []int // offset of b_l
}

var _ Model = (*FFNN)(nil)

// activation returns f(z), f'(z) and f”(z).
type activation func(z float64) (f, f1, f2 float64)

func actTanh(z float64) (float64, float64, float64) {
	t := math.Tanh(z)
	d := 1 - t*t
	return t, d, -2 * t * d
}

func actSoftplus(z float64) (float64, float64, float64) {
	sp, s := softplusSigmoid(z)
	return sp, s, s * (1 - s)
}

// actGELU is the exact GELU z·Φ(z) (standard normal CDF Φ, density φ):
// f' = Φ + zφ, f” = φ(2 − z²).
func actGELU(z float64) (float64, float64, float64) {
	cdf := 0.5 * math.Erfc(-z/math.Sqrt2)
	pdf := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
	return z * cdf, cdf + z*pdf, pdf * (2 - z*z)
}

// Activations lists the activation names NewFFNN accepts.
var Activations = []string{"tanh", "softplus", "gelu"}

// NewFFNN returns a network for n particles in d dimensions with the given
// layer widths (input N·d first, output 1 last), activation ("tanh",
// "softplus" or "gelu") and envelope ≥ 0, all parameters zero: call
// Randomize before training (a zero network has no gradient through its
// hidden layers). Bad arguments are errors, since they come from input.
func NewFFNN(n, d int, layers []int, act string, envelope float64) (*FFNN, error) {
	if n <= 0 || d <= 0 {
		return nil, fmt.Errorf("ffnn: %d particles in %d dimensions, both must be positive", n, d)
	}
	if len(layers) < 2 {
		return nil, fmt.Errorf("ffnn: layers %v: need at least the input width %d and the output width 1", layers, n*d)
	}
	if layers[0] != n*d {
		return nil, fmt.Errorf("ffnn: layers %v: the input width %d does not match particles×dimensions = %d", layers, layers[0], n*d)
	}
	if layers[len(layers)-1] != 1 {
		return nil, fmt.Errorf("ffnn: layers %v: the output width is %d, want 1 (ln Ψ is a scalar)", layers, layers[len(layers)-1])
	}
	for l, w := range layers {
		if w <= 0 {
			return nil, fmt.Errorf("ffnn: layers %v: width %d of layer %d is not positive", layers, w, l)
		}
	}
	var f activation
	switch act {
	case "tanh":
		f = actTanh
	case "softplus":
		f = actSoftplus
	case "gelu":
		f = actGELU
	default:
		return nil, fmt.Errorf("ffnn: activation %q, want one of %q", act, Activations)
	}
	if !(envelope >= 0) || math.IsInf(envelope, 0) {
		return nil, fmt.Errorf("ffnn: envelope %v, want a finite number ≥ 0", envelope)
	}
	nn := &FFNN{n: n, d: d, layers: append([]int(nil), layers...), act: f, actName: act, envelope: envelope}
	off := 0
	for l := 1; l < len(layers); l++ {
		nn.woff = append(nn.woff, off)
		off += layers[l] * layers[l-1]
		nn.boff = append(nn.boff, off)
		off += layers[l]
	}
	nn.p = make([]float64, off)
	return nn, nil
}

// Particles is N.
func (nn *FFNN) Particles() int { return nn.n }

// Dims is d.
func (nn *FFNN) Dims() int { return nn.d }

// Layers returns the layer widths.
func (nn *FFNN) Layers() []int { return nn.layers }

// Activation is the activation's name.
func (nn *FFNN) Activation() string { return nn.actName }

// Envelope is the coefficient of the Gaussian envelope.
func (nn *FFNN) Envelope() float64 { return nn.envelope }

// NumParams is the number of weights and biases.
func (nn *FFNN) NumParams() int { return len(nn.p) }

// Params copies the parameters into dst.
func (nn *FFNN) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(nn.p))
	}
	if len(dst) != len(nn.p) {
		panic(fmt.Sprintf("wavefunc: FFNN.Params: len(dst) = %d, want %d", len(dst), len(nn.p)))
	}
	copy(dst, nn.p)
	return dst
}

// SetParams replaces the parameters.
func (nn *FFNN) SetParams(p []float64) {
	if len(p) != len(nn.p) {
		panic(fmt.Sprintf("wavefunc: FFNN.SetParams: len(p) = %d, want %d", len(p), len(nn.p)))
	}
	copy(nn.p, p)
}

// Randomize draws each weight from N(0, scale²/fan_in) (Glorot-like, so
// the pre-activations stay of order scale whatever the widths) and sets
// the biases to zero.
func (nn *FFNN) Randomize(scale float64, rng *rand.Rand) {
	for l := 1; l < len(nn.layers); l++ {
		in, out := nn.layers[l-1], nn.layers[l]
		sd := scale / math.Sqrt(float64(in))
		w := nn.p[nn.woff[l-1] : nn.woff[l-1]+in*out]
		for k := range w {
			w[k] = sd * rng.NormFloat64()
		}
		b := nn.p[nn.boff[l-1] : nn.boff[l-1]+out]
		for k := range b {
			b[k] = 0
		}
	}
}

// fwd holds one forward pass: pre-activations z_l and activations a_l for
// l = 0..L (a_0 = x, z_0 unused).
type fwd struct {
	z, a [][]float64
}

func (nn *FFNN) newFwd(ar *cacheline.Arena[float64]) fwd {
	L := len(nn.layers)
	f := fwd{z: cacheline.Make[[]float64](L), a: cacheline.Make[[]float64](L)}
	for l, w := range nn.layers {
		f.z[l] = ar.Make(w)
		f.a[l] = ar.Make(w)
	}
	return f
}

// forward fills f from x (copied into a_0) and returns ln Ψ.
func (nn *FFNN) forward(x []float64, f fwd) float64 {
	copy(f.a[0], x)
	L := len(nn.layers) - 1
	for l := 1; l <= L; l++ {
		in, out := nn.layers[l-1], nn.layers[l]
		w := nn.p[nn.woff[l-1] : nn.woff[l-1]+in*out]
		b := nn.p[nn.boff[l-1] : nn.boff[l-1]+out]
		prev := f.a[l-1]
		for u := range out {
			row := w[u*in : (u+1)*in]
			s := b[u]
			for v, av := range prev {
				s += row[v] * av
			}
			f.z[l][u] = s
			if l < L {
				f.a[l][u], _, _ = nn.act(s)
			} else {
				f.a[l][u] = s
			}
		}
	}
	r2 := 0.0
	for _, v := range x {
		r2 += v * v
	}
	return f.a[L][0] - nn.envelope*r2/2
}

// backward back-propagates from the output through the pass f, using
// delta (one slice per layer) as scratch. It writes ∂NN/∂θ into dp when
// dp is not nil and ∇_x ln Ψ (envelope included) into dx when dx is not
// nil.
func (nn *FFNN) backward(f fwd, delta [][]float64, dp, dx []float64) {
	L := len(nn.layers) - 1
	delta[L][0] = 1
	for l := L; l >= 1; l-- {
		in, out := nn.layers[l-1], nn.layers[l]
		w := nn.p[nn.woff[l-1] : nn.woff[l-1]+in*out]
		if dp != nil {
			dw := dp[nn.woff[l-1] : nn.woff[l-1]+in*out]
			db := dp[nn.boff[l-1] : nn.boff[l-1]+out]
			for u, du := range delta[l][:out] {
				db[u] = du
				row := dw[u*in : (u+1)*in]
				for v, av := range f.a[l-1] {
					row[v] = du * av
				}
			}
		}
		if l == 1 && dx == nil {
			break
		}
		// δ_{l−1}[v] = f'(z_{l−1}[v]) Σ_u W_uv δ_l[u] (no f' at the input).
		back := delta[l-1]
		for v := range back {
			back[v] = 0
		}
		for u, du := range delta[l][:out] {
			row := w[u*in : (u+1)*in]
			for v, wuv := range row {
				back[v] += wuv * du
			}
		}
		if l > 1 {
			for v := range back {
				_, d1, _ := nn.act(f.z[l-1][v])
				back[v] *= d1
			}
		}
	}
	if dx != nil {
		for k, v := range f.a[0] {
			dx[k] = delta[0][k] - nn.envelope*v
		}
	}
}

// NewState returns a walker state at x.
func (nn *FFNN) NewState(x []float64) State {
	m := nn.n * nn.d
	if len(x) != m {
		panic(fmt.Sprintf("wavefunc: FFNN.NewState: len(x) = %d, want %d", len(x), m))
	}
	var ar cacheline.Arena[float64]
	s := cacheline.New[ffnnState]()
	*s = ffnnState{
		nn:    nn,
		x:     ar.Clone(x),
		xN:    ar.Make(m),
		cur:   nn.newFwd(&ar),
		prop:  nn.newFwd(&ar),
		grad:  ar.Make(m),
		gradN: ar.Make(m),
	}
	s.delta = cacheline.Make[[]float64](len(nn.layers))
	s.gz = cacheline.Make[[]float64](len(nn.layers))
	s.dz = cacheline.Make[[]float64](len(nn.layers))
	for l, w := range nn.layers {
		s.delta[l] = ar.Make(w)
		s.gz[l] = ar.Make(w * m)
		s.dz[l] = ar.Make(w * m)
	}
	s.Refresh()
	return s
}

// ffnnState keeps the forward pass at the current configuration and at
// the pending proposal (Accept swaps them) and the coordinate gradient of
// each, computed on demand.
type ffnnState struct {
	nn           *FFNN
	x, xN        []float64
	cur, prop    fwd
	logPsi, logN float64
	pi           int
	grad, gradN  []float64
	gradOK       bool // grad holds ∇ ln Ψ at x
	gradNOK      bool // gradN holds ∇ ln Ψ at xN
	delta        [][]float64
	gz, dz       [][]float64 // forward-mode gradient and diagonal Hessian per unit (width × M)
	pd           *paramDiff  // KineticParamDerivs' private copy, made on first use
}

func (s *ffnnState) Positions() []float64 { return s.x }

func (s *ffnnState) LogPsi() float64 { return s.logPsi }

func (s *ffnnState) Refresh() {
	s.logPsi = s.nn.forward(s.x, s.cur)
	s.gradOK = false
}

func (s *ffnnState) Propose(i int, pos []float64) float64 {
	d := s.nn.d
	copy(s.xN, s.x)
	copy(s.xN[i*d:(i+1)*d], pos)
	s.pi = i
	s.logN = s.nn.forward(s.xN, s.prop)
	s.gradNOK = false
	return s.logN - s.logPsi
}

func (s *ffnnState) Accept() {
	// Copy rather than swap the coordinates, so a Positions view taken
	// before the move stays the live configuration.
	d := s.nn.d
	copy(s.x[s.pi*d:(s.pi+1)*d], s.xN[s.pi*d:(s.pi+1)*d])
	s.cur, s.prop = s.prop, s.cur
	s.grad, s.gradN = s.gradN, s.grad
	s.gradOK = s.gradNOK
	s.logPsi = s.logN
}

func (s *ffnnState) Reject() {}

func (s *ffnnState) GradI(i int, dst []float64) {
	if !s.gradOK {
		s.nn.backward(s.cur, s.delta, nil, s.grad)
		s.gradOK = true
	}
	d := s.nn.d
	copy(dst, s.grad[i*d:(i+1)*d])
}

func (s *ffnnState) ProposedGradI(dst []float64) {
	if !s.gradNOK {
		s.nn.backward(s.prop, s.delta, nil, s.gradN)
		s.gradNOK = true
	}
	d := s.nn.d
	copy(dst, s.gradN[s.pi*d:(s.pi+1)*d])
}

// Derivs runs forward-mode differentiation: for every unit it carries
// ∂/∂x_k and ∂²/∂x_k² of its value (k = 1..M) through
//
//	z = W a + b:  ∂z = W ∂a,  ∂²z = W ∂²a,
//	a = f(z):     ∂a = f'(z) ∂z,  ∂²a = f''(z) (∂z)² + f'(z) ∂²z,
//
// starting from ∂a_0/∂x_k = δ_k, ∂²a_0 = 0. The output's diagonal second
// derivatives sum to the Laplacian.
func (s *ffnnState) Derivs(grad []float64) float64 {
	nn := s.nn
	m := nn.n * nn.d
	L := len(nn.layers) - 1
	for l := 1; l <= L; l++ {
		in, out := nn.layers[l-1], nn.layers[l]
		w := nn.p[nn.woff[l-1] : nn.woff[l-1]+in*out]
		g, h := s.gz[l], s.dz[l]
		for u := range out {
			gu, hu := g[u*m:(u+1)*m], h[u*m:(u+1)*m]
			row := w[u*in : (u+1)*in]
			if l == 1 {
				// The input is x itself: ∂z_u/∂x_k = W_uk, ∂²z_u = 0.
				copy(gu, row)
				for k := range hu {
					hu[k] = 0
				}
			} else {
				for k := range gu {
					gu[k], hu[k] = 0, 0
				}
				for v, wuv := range row {
					gv, hv := s.gz[l-1][v*m:(v+1)*m], s.dz[l-1][v*m:(v+1)*m]
					for k := range gu {
						gu[k] += wuv * gv[k]
						hu[k] += wuv * hv[k]
					}
				}
			}
			if l < L {
				_, f1, f2 := nn.act(s.cur.z[l][u])
				for k := range gu {
					hu[k] = f2*gu[k]*gu[k] + f1*hu[k]
					gu[k] *= f1
				}
			}
		}
	}
	lap := -nn.envelope * float64(m)
	for k := range m {
		grad[k] = s.gz[L][k] - nn.envelope*s.x[k]
		lap += s.dz[L][k]
	}
	return lap
}

func (s *ffnnState) ParamGrad(dst []float64) {
	s.nn.backward(s.cur, s.delta, dst, nil)
}
