package wavefunc

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

var _ ComplexSpinState = (*complexSpinState)(nil)

// complexSpinState is one walker's configuration with the cached complex
// angles θ_j and the weights P_j = 1/(1+e^{−2θ_j}), M_j = 1 − P_j, as in
// spinRBMState: a ratio costs O(H) complex multiply-adds, an accepted move
// O(H) updates, and nothing allocates.
type complexSpinState struct {
	m      *ComplexSpinRBM
	s      []int8
	theta  []complex128
	pp, pm []complex128
	// power q of the sampled |Ψ|^{2q} (0 stands for 1).
	power float64
}

// NewState returns a state at configuration s (N values ±1, copied); it
// is a ComplexSpinState.
func (m *ComplexSpinRBM) NewState(s []int8) SpinState {
	if len(s) != m.n {
		panic(fmt.Sprintf("wavefunc: ComplexSpinRBM.NewState: %d spins, want %d", len(s), m.n))
	}
	var ar cacheline.Arena[complex128]
	st := cacheline.New[complexSpinState]()
	*st = complexSpinState{m: m, s: cacheline.Make[int8](len(s)),
		theta: ar.Make(m.h), pp: ar.Make(m.h), pm: ar.Make(m.h)}
	copy(st.s, s)
	st.Refresh()
	return st
}

func (st *complexSpinState) Spins() []int8 { return st.s }

func (st *complexSpinState) SetSpins(s []int8) {
	copy(st.s, s)
	st.Refresh()
}

// Refresh recomputes θ, P and M from the configuration and parameters.
func (st *complexSpinState) Refresh() {
	m := st.m
	b, w := m.b(), m.w()
	copy(st.theta, b)
	for i, si := range st.s {
		row := w[i*m.h : (i+1)*m.h]
		fs := complex(float64(si), 0)
		for j, wij := range row {
			st.theta[j] += wij * fs
		}
	}
	for j, t := range st.theta {
		// e^{−2|θ|} in modulus ≤ 1: no overflow on either side.
		if real(t) >= 0 {
			e := cmplx.Exp(-2 * t)
			st.pp[j], st.pm[j] = 1/(1+e), e/(1+e)
		} else {
			e := cmplx.Exp(2 * t)
			st.pp[j], st.pm[j] = e/(1+e), 1/(1+e)
		}
	}
}

// ComplexLogPsi is ln Ψ from the cached angles.
func (st *complexSpinState) ComplexLogPsi() complex128 { return st.logPsi() }

// logPsi is the complex ln Ψ from the cached angles.
func (st *complexSpinState) logPsi() complex128 {
	var l complex128
	for i, si := range st.s {
		l += st.m.z[i] * complex(float64(si), 0)
	}
	for _, t := range st.theta {
		l += logCosh2C(t)
	}
	return l
}

// LogPsi is ln|Ψ|.
func (st *complexSpinState) LogPsi() float64 { return real(st.logPsi()) }

// logRatio is the complex ln(Ψ'/Ψ).
func (st *complexSpinState) logRatio(i, j int) complex128 {
	lv := st.visibleLog(i, j)
	if prod := st.hiddenProduct(i, j); prod != 0 && !isBad(prod) {
		return lv + cmplx.Log(prod)
	}
	// The product left the float64 range: add logarithms instead.
	down, up := st.expRows(i)
	if j < 0 {
		for k, d := range down {
			lv += cmplx.Log(st.pp[k]*d + st.pm[k]*up[k])
		}
		return lv
	}
	dj, uj := st.expRows(j)
	for k, d := range down {
		lv += cmplx.Log(st.pp[k]*d*dj[k] + st.pm[k]*up[k]*uj[k])
	}
	return lv
}

// LogRatio is ln|Ψ'/Ψ|: the sampler accepts with |Ψ'/Ψ|². After
// SetSamplingPower(q) it is q ln|Ψ'/Ψ|, so that the sampler draws from
// |Ψ|^{2q}.
func (st *complexSpinState) LogRatio(i, j int) float64 {
	l := real(st.logRatio(i, j))
	if st.power != 0 {
		return st.power * l
	}
	return l
}

// SetSamplingPower makes LogRatio q ln|Ψ'/Ψ| (q = 1: the plain ratio):
// a sampler then draws from |Ψ|^{2q}, which for q < 1 reaches the
// configurations of small amplitude that |Ψ|² almost never visits; the
// caller reweights by |Ψ|^{2(1−q)}. It panics unless 0 < q ≤ 1.
func (st *complexSpinState) SetSamplingPower(q float64) {
	if !(q > 0 && q <= 1) {
		panic(fmt.Sprintf("wavefunc: SetSamplingPower(%g): want 0 < q ≤ 1", q))
	}
	st.power = q
	if q == 1 {
		st.power = 0
	}
}

// Ratio is |Ψ'/Ψ|.
func (st *complexSpinState) Ratio(i, j int) float64 { return math.Exp(real(st.logRatio(i, j))) }

// ComplexRatio is Ψ'/Ψ.
func (st *complexSpinState) ComplexRatio(i, j int) complex128 {
	prod := st.hiddenProduct(i, j)
	if prod != 0 && !isBad(prod) {
		return cmplx.Exp(st.visibleLog(i, j)) * prod
	}
	return cmplx.Exp(st.logRatio(i, j))
}

// visibleLog is the change of Σ a_k s_k.
func (st *complexSpinState) visibleLog(i, j int) complex128 {
	a := st.m.z
	lv := -2 * a[i] * complex(float64(st.s[i]), 0)
	if j >= 0 {
		lv -= 2 * a[j] * complex(float64(st.s[j]), 0)
	}
	return lv
}

// hiddenProduct is Π_k cosh(θ'_k)/cosh(θ_k).
func (st *complexSpinState) hiddenProduct(i, j int) complex128 {
	down, up := st.expRows(i)
	pp, pm := st.pp[:len(down)], st.pm[:len(down)]
	up = up[:len(down)]
	prod := complex(1, 0)
	if j < 0 {
		for k, d := range down {
			prod *= pp[k]*d + pm[k]*up[k]
		}
		return prod
	}
	dj, uj := st.expRows(j)
	dj, uj = dj[:len(down)], uj[:len(down)]
	for k, d := range down {
		prod *= pp[k]*d*dj[k] + pm[k]*up[k]*uj[k]
	}
	return prod
}

// expRows returns e^{−2s_iW_i·} and e^{2s_iW_i·} for the current s_i.
func (st *complexSpinState) expRows(i int) (down, up []complex128) {
	m := st.m
	lo, hi := i*m.h, (i+1)*m.h
	if st.s[i] > 0 {
		return m.em[lo:hi], m.ep[lo:hi]
	}
	return m.ep[lo:hi], m.em[lo:hi]
}

// Flip makes s' current, updating θ, P and M in O(H) as spinRBMState
// does (P' = P e^{−d}/(P e^{−d} + M e^{d})).
func (st *complexSpinState) Flip(i, j int) {
	m := st.m
	w := m.w()
	down, up := st.expRows(i)
	pp, pm := st.pp[:len(down)], st.pm[:len(down)]
	up = up[:len(down)]
	if j >= 0 {
		dj, uj := st.expRows(j)
		dj, uj = dj[:len(down)], uj[:len(down)]
		for k, d := range down {
			a, b := pp[k]*d*dj[k], pm[k]*up[k]*uj[k]
			pp[k], pm[k] = a/(a+b), b/(a+b)
		}
		st.flipTheta(w[j*m.h:(j+1)*m.h], st.s[j])
		st.s[j] = -st.s[j]
	} else {
		for k, d := range down {
			a, b := pp[k]*d, pm[k]*up[k]
			pp[k], pm[k] = a/(a+b), b/(a+b)
		}
	}
	st.flipTheta(w[i*m.h:(i+1)*m.h], st.s[i])
	st.s[i] = -st.s[i]
}

func (st *complexSpinState) flipTheta(row []complex128, s int8) {
	f := complex(2*float64(s), 0)
	theta := st.theta[:len(row)]
	for k, w := range row {
		theta[k] -= f * w
	}
}

// ParamGrad writes Re O_k = ∂ln|Ψ|/∂θ_k.
func (st *complexSpinState) ParamGrad(dst []float64) {
	st.ComplexParamGrad(dst, nil)
}

// ComplexParamGrad writes Re and Im of O_k (im may be nil). For a complex
// parameter z = x + iy with ∂ln Ψ/∂z = D: O_x = D and O_y = iD, where D
// is s_i for a_i, tanh θ_j = P_j − M_j for b_j and s_i tanh θ_j for W_ij
// (summed over the hidden units sharing a parameter when symmetric).
func (st *complexSpinState) ComplexParamGrad(re, im []float64) {
	m := st.m
	np := m.NumParams()
	if len(re) != np || (im != nil && len(im) != np) {
		panic(fmt.Sprintf("wavefunc: ComplexSpinState.ComplexParamGrad: lengths %d, %d, want %d", len(re), len(im), np))
	}
	half := np / 2
	// D goes into re[:half] (real part) and re[half:] (imaginary part)
	// first; the two halves are then rearranged in place.
	dr, di := re[:half], re[half:]
	if m.perm == nil {
		for i, si := range st.s {
			dr[i], di[i] = float64(si), 0
		}
		for k := range m.h {
			t := st.pp[k] - st.pm[k]
			dr[m.n+k], di[m.n+k] = real(t), imag(t)
		}
		off := m.n + m.h
		for i, si := range st.s {
			fs := float64(si)
			for k := range m.h {
				dr[off+i*m.h+k] = fs * dr[m.n+k]
				di[off+i*m.h+k] = fs * di[m.n+k]
			}
		}
	} else {
		ng, nf := len(m.perm), m.features
		clear(re)
		for _, si := range st.s {
			dr[0] += float64(si)
		}
		for f := range nf {
			wr, wi := dr[1+nf+f*m.n:1+nf+(f+1)*m.n], di[1+nf+f*m.n:1+nf+(f+1)*m.n]
			for g, perm := range m.perm {
				j := f*ng + g
				t := st.pp[j] - st.pm[j]
				tr, ti := real(t), imag(t)
				dr[1+f] += tr
				di[1+f] += ti
				perm = perm[:len(wr)]
				for k, site := range perm {
					fs := float64(st.s[site])
					wr[k] += fs * tr
					wi[k] += fs * ti
				}
			}
		}
	}
	// O_x = D: Re = Re D, Im = Im D. O_y = iD: Re = −Im D, Im = Re D.
	if im != nil {
		copy(im[:half], di)
		copy(im[half:], dr)
	}
	for k := range half {
		di[k] = -di[k]
	}
}
