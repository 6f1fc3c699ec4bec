package wavefunc

// Parameter derivative of the Slater determinant's gradient and Laplacian
// for the linear method (KineticParamDeriver), exact in α.
//
// The orbitals of closed shells span every polynomial of degree ≤ S in
// √α·r, so column operations reduce each determinant to 2^{Σn}·α^{Σn/2}
// times the determinant of the plain monomials x^{n} of the same degrees:
// ln|det D| = c(α) + (a function of x alone). Its x-derivatives do not
// depend on α (ParamGrad's Σ r·∇ln|D|/(2α) is the constant Σn/(2α) by
// Euler's theorem), and only the Gaussian exp(−α Σ r²/2) moves them:
// ∂_α∇_i ln|Ψ| = −r_i and ∂_α∇²ln|Ψ| = −N·d. wavecheck.KineticParamDerivs
// confirms this against differences of the full Derivs.

var _ KineticParamDeriver = (*slaterState)(nil)

// KineticParamDerivs writes K_α = −N·d − 2 grad·x into dst[0].
func (st *slaterState) KineticParamDerivs(grad, dst []float64) {
	k := -float64(st.s.n * st.s.d)
	for c, g := range grad {
		k -= 2 * g * st.x[c]
	}
	dst[0] = k
}
