package sampler

import (
	"math"
	"testing"
)

// limitDrift against Umrigar–Nightingale–Runge's formula as written,
// v̄ = v·(−1 + √(1 + 2a|v|²Δt))/(a|v|²Δt); its small-drift limit v; its
// large-drift length √(2/(aΔt)); and no change at all when a = 0.
func TestLimitDrift(t *testing.T) {
	const dt = 0.1
	for _, a := range []float64{0.25, 1, 4} {
		w := &Walker{set: Settings{Kind: Importance, Step: dt, DriftLimit: a}}
		for _, v0 := range [][]float64{{0.3, -0.4}, {3, 4}, {-60, 80}, {1e-9, 0}} {
			v := []float64{v0[0], v0[1]}
			w.limitDrift(v)
			v2 := v0[0]*v0[0] + v0[1]*v0[1]
			x := a * v2 * dt
			f := (-1 + math.Sqrt(1+2*x)) / x
			if x < 1e-12 {
				f = 1 // the formula as written cancels to nothing here
			}
			for k := range v {
				if math.Abs(v[k]-f*v0[k]) > 1e-12*math.Abs(v0[k]) {
					t.Errorf("a = %g, v = %v: component %d is %g, want %g", a, v0, k, v[k], f*v0[k])
				}
			}
			if l, lmax := math.Hypot(v[0], v[1]), math.Sqrt(2/(a*dt)); l > lmax {
				t.Errorf("a = %g, v = %v: |v̄| = %g above the bound %g", a, v0, l, lmax)
			}
		}
		big := []float64{1e8, 0}
		w.limitDrift(big)
		if l := math.Sqrt(2 / (a * dt)); math.Abs(big[0]-l) > 1e-3*l {
			t.Errorf("a = %g: |v̄| = %g at |v| = 1e8, want → %g", a, big[0], l)
		}
	}
	w := &Walker{set: Settings{Kind: Importance, Step: dt}}
	v := []float64{-60, 80}
	w.limitDrift(v)
	if v[0] != -60 || v[1] != 80 {
		t.Errorf("a = 0 changed the drift to %v", v)
	}
}
