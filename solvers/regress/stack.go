package regress

import "math"

// StackingWeights returns the weights w on the simplex that maximise the
// held-out log score Σ_i log Σ_k w_k p_ik (Yao, Vehtari, Simpson & Gelman,
// Bayesian Analysis 13, 917 (2018)), given logDens[k][i] = log p_ik, the
// log predictive density of held-out point i under model k. The objective
// is concave; the fixed-point update w_k ← w_k · mean_i(p_ik/Σ_j w_j p_ij)
// (an EM step) increases it monotonically. iters bounds the updates.
func StackingWeights(logDens [][]float64, iters int) []float64 {
	k := len(logDens)
	if k == 0 {
		return nil
	}
	n := len(logDens[0])
	w := make([]float64, k)
	for j := range w {
		w[j] = 1 / float64(k)
	}
	// Densities relative to each point's best model, so nothing underflows.
	p := make([][]float64, k)
	for j := range p {
		p[j] = make([]float64, n)
	}
	for i := range n {
		top := math.Inf(-1)
		for j := range k {
			top = max(top, logDens[j][i])
		}
		for j := range k {
			p[j][i] = math.Exp(logDens[j][i] - top)
		}
	}
	next := make([]float64, k)
	for range iters {
		clear(next)
		for i := range n {
			var mix float64
			for j := range k {
				mix += w[j] * p[j][i]
			}
			for j := range k {
				next[j] += w[j] * p[j][i] / mix
			}
		}
		for j := range k {
			w[j] = next[j] / float64(n)
		}
	}
	return w
}

// BivariateNormalCDF is P(X ≤ a, Y ≤ b) for standard normals with
// correlation rho: Φ(a)Φ(b) + ∫₀^ρ φ₂(a, b; r) dr (Plackett's identity),
// integrated by 20-point Gauss–Legendre; |rho| is capped at 0.999.
func BivariateNormalCDF(a, b, rho float64) float64 {
	rho = math.Max(-0.999, math.Min(0.999, rho))
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	s := phi(a) * phi(b)
	if rho == 0 {
		return s
	}
	var integral float64
	for q := range glNodes {
		r := 0.5 * rho * (glNodes[q] + 1)
		d := 1 - r*r
		integral += glWeights[q] * math.Exp(-(a*a-2*r*a*b+b*b)/(2*d)) / (2 * math.Pi * math.Sqrt(d))
	}
	return math.Max(0, math.Min(1, s+0.5*rho*integral))
}

// Gauss–Legendre nodes and weights on [−1, 1], computed once by Newton
// iteration on P_20.
var glNodes, glWeights = gaussLegendre(20)

func gaussLegendre(n int) ([]float64, []float64) {
	x, w := make([]float64, n), make([]float64, n)
	for i := range n {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for range 100 {
			p0, p1 := 1.0, z
			for k := 2; k <= n; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*z*p1-float64(k-1)*p0)/float64(k)
			}
			dp = float64(n) * (z*p1 - p0) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-15 {
				break
			}
		}
		x[i], w[i] = z, 2/((1-z*z)*dp*dp)
	}
	return x, w
}
