package main

import "math"

// reference is the exact ground-state energy of −½ψ” + V(x)ψ on the line,
// from finite differences: the three-point Laplacian on [−a, a] with ψ(±a) = 0
// at spacings h, h/2 and h/4, each lowest eigenvalue found by bisection
// on the tridiagonal matrix's Sturm sequence (exact for the discrete
// problem up to round-off). The discretisation error is c·h² + O(h⁴), so
// Richardson extrapolation of two spacings, (4E(h/2) − E(h))/3, is O(h⁴);
// the two extrapolations' difference estimates the error left, returned
// as errEst. The box must be wide enough for ψ to vanish at its edges.
func reference(v func(x float64) float64, a, h float64) (e, errEst float64) {
	e1 := fdLowest(v, a, h)
	e2 := fdLowest(v, a, h/2)
	e3 := fdLowest(v, a, h/4)
	r1 := (4*e2 - e1) / 3
	r2 := (4*e3 - e2) / 3
	return r2, math.Abs(r2 - r1)
}

// fdLowest is the lowest eigenvalue of the finite-difference Hamiltonian
// with the interior points x_i = −a + i·h.
func fdLowest(v func(x float64) float64, a, h float64) float64 {
	n := int(math.Round(2*a/h)) - 1
	off := -0.5 / (h * h)
	diag := make([]float64, n)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range diag {
		diag[i] = 1/(h*h) + v(-a+float64(i+1)*h)
		// Gershgorin: every eigenvalue lies in [d − 2|off|, d + 2|off|].
		lo = min(lo, diag[i]-2*math.Abs(off))
		hi = max(hi, diag[i]+2*math.Abs(off))
	}
	for hi-lo > 1e-13*max(1, math.Abs(lo)) {
		mid := (lo + hi) / 2
		if below(diag, off, mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2
}

// below counts the eigenvalues of the symmetric tridiagonal matrix
// (diagonal diag, constant off-diagonal off) that are smaller than x: the
// number of negative pivots of its LDLᵀ factorisation shifted by x
// (Sylvester's law of inertia).
func below(diag []float64, off, x float64) int {
	count := 0
	q := math.Inf(1) // no pivot before the first row
	for _, d := range diag {
		if q == 0 {
			q = 1e-300 // a zero pivot: perturb it, as LAPACK's dstebz does
		}
		q = d - x - off*off/q
		if q < 0 {
			count++
		}
	}
	return count
}
