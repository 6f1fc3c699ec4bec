package regress

import (
	"math"
	"testing"
)

// Closed forms: P(X ≤ 0, Y ≤ 0) = 1/4 + arcsin(ρ)/(2π); ρ = 0 factorises.
func TestBivariateNormalCDF(t *testing.T) {
	for _, rho := range []float64{-0.8, -0.3, 0.5, 0.9} {
		want := 0.25 + math.Asin(rho)/(2*math.Pi)
		if got := BivariateNormalCDF(0, 0, rho); math.Abs(got-want) > 1e-10 {
			t.Errorf("rho %g: %g, want %g", rho, got, want)
		}
	}
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	if got, want := BivariateNormalCDF(1, -0.5, 0), phi(1)*phi(-0.5); math.Abs(got-want) > 1e-15 {
		t.Errorf("independent: %g, want %g", got, want)
	}
}

// A model that predicts every point better takes all the weight; two
// models each best on half the points share it equally.
func TestStackingWeights(t *testing.T) {
	w := StackingWeights([][]float64{{0, 0, 0}, {-5, -5, -5}}, 500)
	if w[0] < 0.99 {
		t.Errorf("dominant model weight %g", w[0])
	}
	w = StackingWeights([][]float64{{0, -30}, {-30, 0}}, 500)
	if math.Abs(w[0]-0.5) > 1e-9 || math.Abs(w[1]-0.5) > 1e-9 {
		t.Errorf("symmetric weights %v", w)
	}
}
