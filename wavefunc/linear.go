package wavefunc

// The linear method of optimisation (Umrigar, Toulouse et al. 2007) needs,
// besides O_k, the parameter derivatives of the local energy. For a
// potential that does not depend on the parameters,
//
//	∂E_L/∂θ_k = −½ ∂_k(∇²ln|Ψ| + |∇ln|Ψ||²) = −½ (∂_k∇²ln|Ψ| + 2 ∇ln|Ψ|·∂_k∇ln|Ψ|),
//
// so a State that can differentiate its own gradient and Laplacian with
// respect to its own parameters supplies it; a product passes the whole
// wave function's gradient to each factor, since a factor's parameters move
// only its own terms.

// KineticParamDeriver is a State that writes, for each of its parameters
// θ_k, K_k = ∂_k∇²ln|Ψ| + 2 grad·∂_k∇ln|Ψ| into dst (NumParams values) at
// its current configuration; grad is ∇ln|Ψ| of the whole wave function
// (N·d values). ∂E_L/∂θ_k = −K_k/2. It must not allocate.
type KineticParamDeriver interface {
	KineticParamDerivs(grad, dst []float64)
}

// HasKineticParamDerivs reports whether st supplies K_k: it implements
// KineticParamDeriver and, for a product, every factor does.
func HasKineticParamDerivs(st State) bool {
	if ps, ok := st.(*productState); ok {
		for _, f := range ps.ss {
			if !HasKineticParamDerivs(f) {
				return false
			}
		}
		return true
	}
	_, ok := st.(KineticParamDeriver)
	return ok
}

var (
	_ KineticParamDeriver = (*productState)(nil)
	_ KineticParamDeriver = (*gaussianState)(nil)
	_ KineticParamDeriver = (*padeState)(nil)
	_ KineticParamDeriver = (*rbmState)(nil)
)

// KineticParamDerivs hands each factor its slice of dst; it panics when a
// factor cannot (check HasKineticParamDerivs first).
func (s *productState) KineticParamDerivs(grad, dst []float64) {
	for k, f := range s.ss {
		f.(KineticParamDeriver).KineticParamDerivs(grad, dst[s.p.off[k]:s.p.off[k+1]])
	}
}

// KineticParamDerivs: ∂_α∇²ln Ψ = −2n Σ_c w_c and ∂_α ∂_{ic} ln Ψ = −2 w_c x_ic,
// w_c the weight of coordinate c (β for z, else 1).
func (s *gaussianState) KineticParamDerivs(grad, dst []float64) {
	d := s.m.d
	w := 0.0
	for c := range d {
		w += s.m.weight(c)
	}
	k := -2 * w * float64(s.m.n)
	for i := range s.m.n {
		for c := range d {
			k += 2 * grad[i*d+c] * (-2 * s.m.weight(c) * s.x[i*d+c])
		}
	}
	dst[0] = k
}

// KineticParamDerivs differentiates the pair terms of Derivs in β: with
// q = 1 + βr, u' = a/q² and u” = −2aβ/q³ give ∂_β u' = −2ar/q³ and
// ∂_β u” = −2a/q³ + 6aβr/q⁴.
func (s *padeState) KineticParamDerivs(grad, dst []float64) {
	p := s.p
	n, d := p.n, p.d
	beta := p.params[0]
	k := 0.0
	for i := range n {
		for j := i + 1; j < n; j++ {
			r := s.r[i*n+j]
			a := p.cusp[i*n+j]
			q := 1 + beta*r
			q3 := q * q * q
			dup := -2 * a * r / q3
			dupp := -2*a/q3 + 6*a*beta*r/(q3*q)
			k += 2 * (dupp + float64(d-1)*dup/r)
			f := dup / r
			for c := range d {
				t := f * (s.x[i*d+c] - s.x[j*d+c])
				k += 2 * t * (grad[i*d+c] - grad[j*d+c])
			}
		}
	}
	dst[0] = k
}

// KineticParamDerivs differentiates Derivs' g_k = f(Σ_j W_kj s_j − (x_k −
// a_k))/σ² and ∇² = f Σ_k (−1/σ² + Σ_j W_kj² s_j(1−s_j)/σ⁴) (f = 1, or ½
// for √F) through θ_j = b_j + Σ_k x_k W_kj/σ², with u_j = s_j(1−s_j) and
// ∂u_j/∂θ_j = u_j(1−2s_j):
//
//	∂a_m:  ∂g_k = f δ_km/σ²,                      ∂∇² = 0;
//	∂b_j:  ∂g_k = f W_kj u_j/σ²,                  ∂∇² = f u_j(1−2s_j) Σ_k W_kj²/σ⁴;
//	∂W_mj: ∂g_k = f (δ_km s_j + W_kj u_j x_m/σ²)/σ²,
//	       ∂∇² = f (2 W_mj u_j + u_j(1−2s_j) x_m Σ_k W_kj²/σ²)/σ⁴.
func (s *rbmState) KineticParamDerivs(grad, dst []float64) {
	r := s.r
	m, h := r.m, r.h
	w := r.w()
	f, s2 := r.factor(), r.sigma2
	da, db, dw := dst[:m], dst[m:m+h], dst[m+h:]
	for k := range m {
		da[k] = 2 * grad[k] * f / s2
	}
	for j := range h {
		sg := s.sig[j]
		u := sg * (1 - sg)
		w2, gw := 0.0, 0.0 // Σ_k W_kj², Σ_k g_k W_kj
		for k := range m {
			wkj := w[k*h+j]
			w2 += wkj * wkj
			gw += grad[k] * wkj
		}
		db[j] = f*u*(1-2*sg)*w2/(s2*s2) + 2*f*u*gw/s2
		for mm := range m {
			xm := s.x[mm]
			lap := f * (2*w[mm*h+j]*u + u*(1-2*sg)*xm*w2/s2) / (s2 * s2)
			dw[mm*h+j] = lap + 2*f*(grad[mm]*sg+gw*u*xm/s2)/s2
		}
	}
}
