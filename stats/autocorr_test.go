package stats

import (
	"math"
	"testing"
)

func TestAutocorrelationDirect(t *testing.T) {
	for _, n := range []int{1, 2, 7, 1000, 1023} {
		x := ar1(n, 0.6, uint64(n))
		maxLag := min(50, n+5)
		rho := Autocorrelation(x, maxLag)
		if len(rho) != min(maxLag, n-1)+1 {
			t.Fatalf("n=%d: %d lags", n, len(rho))
		}
		mean, c0 := meanSS(x)
		for lag := range rho {
			s := 0.0
			for i := 0; i+lag < n; i++ {
				s += (x[i] - mean) * (x[i+lag] - mean)
			}
			want := 1.0
			if c0 > 0 {
				want = s / c0
			}
			// FFT round-off relative to c0.
			if math.Abs(rho[lag]-want) > 1e-12 {
				t.Errorf("n=%d lag %d: ρ %.15g, direct %.15g", n, lag, rho[lag], want)
			}
		}
	}
	if Autocorrelation(nil, 5) != nil {
		t.Error("empty series")
	}
	if r := Autocorrelation([]float64{2, 2, 2}, 2); r[0] != 1 || r[1] != 0 || r[2] != 0 {
		t.Errorf("constant series: %v", r)
	}
}

func TestAutocorrelationAR1(t *testing.T) {
	const phi = 0.7
	n := 1 << 16
	x := ar1(n, phi, 21)
	rho := Autocorrelation(x, 10)
	for lag := 1; lag <= 10; lag++ {
		want := math.Pow(phi, float64(lag))
		// Bartlett's variance of ρ̂(t) for AR(1):
		// [(1+φ²)(1−φ^{2t})/(1−φ²) − 2tφ^{2t}]/n; 5 standard deviations.
		p2t := math.Pow(phi, 2*float64(lag))
		sd := math.Sqrt(((1+phi*phi)*(1-p2t)/(1-phi*phi) - 2*float64(lag)*p2t) / float64(n))
		if math.Abs(rho[lag]-want) > 5*sd {
			t.Errorf("lag %d: ρ %.4f, exact φ^t %.4f (5σ = %.4f)", lag, rho[lag], want, 5*sd)
		}
	}
}

func TestIntegratedTime(t *testing.T) {
	n := 1 << 18
	if testing.Short() {
		n = 1 << 16
	}
	for _, phi := range []float64{0, 0.5, 0.9} {
		x := ar1(n, phi, 33)
		tau, w, ok := IntegratedTime(x)
		exact := (1 + phi) / (1 - phi)
		// Sokal: var τ̂ ≈ 2(2W+1)/n τ²; the window cuts 2φ^{W+1}/(1−φ).
		sd := math.Sqrt(2*float64(2*w+1)/float64(n)) * exact
		bias := 2 * math.Pow(phi, float64(w+1)) / (1 - phi)
		if !ok || math.Abs(tau-exact) > 4*sd+bias {
			t.Errorf("φ=%g: τ %.3f (window %d, ok %t), exact %.3f ± %.3f", phi, tau, w, ok, exact, sd)
		}
		// The blocking τ of the same series agrees within both spreads.
		e := Blocking(x)
		bsd := corrRelStd(n>>e.Level) * exact
		if math.Abs(e.Tau-tau) > 4*math.Hypot(sd, bsd)+bias {
			t.Errorf("φ=%g: blocking τ %.3f vs windowed %.3f", phi, e.Tau, tau)
		}
		t.Logf("φ=%g: windowed τ %.3f (W=%d), blocking τ %.3f, exact %.3f", phi, tau, w, e.Tau, exact)
	}
	// A drift (a ramp) has ρ(t) ≈ 1 − 3t/(2n): τ(W) stays above W/5.
	ramp := make([]float64, 64)
	for i := range ramp {
		ramp[i] = float64(i)
	}
	if tau, w, ok := IntegratedTime(ramp); ok {
		t.Errorf("a ramp reported as resolved: τ %g, window %d", tau, w)
	}
}

func BenchmarkAutocorrelation(b *testing.B) {
	x := ar1(1<<20, 0.9, 1)
	b.ReportAllocs()
	for b.Loop() {
		Autocorrelation(x, 100)
	}
}
