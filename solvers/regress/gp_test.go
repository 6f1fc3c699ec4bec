package regress

import (
	"math"
	"math/rand/v2"
	"testing"
)

// One training point by hand: K = σ_f² + σ_n², mean k*y/K, variance
// σ_f² − k*²/K, log marginal −y²/(2K) − ½ ln K − ½ ln 2π.
func TestGPOnePointByHand(t *testing.T) {
	k := SEKernel{Amp: 2, Len: []float64{1.5}, Noise: 0.5}
	g, err := NewGP([]float64{0}, 1, []float64{3}, k)
	if err != nil {
		t.Fatal(err)
	}
	K := 4 + 0.25
	ks := 4 * math.Exp(-0.5*1.0/(1.5*1.5))
	m, v, err := g.Predict([]float64{1})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m-ks*3/K) > 1e-12 || math.Abs(v-(4-ks*ks/K)) > 1e-12 {
		t.Errorf("predict (%g, %g), want (%g, %g)", m, v, ks*3/K, 4-ks*ks/K)
	}
	want := -9/(2*K) - 0.5*math.Log(K) - 0.5*math.Log(2*math.Pi)
	if math.Abs(g.LogMarginal()-want) > 1e-12 {
		t.Errorf("log marginal %g, want %g", g.LogMarginal(), want)
	}
}

// Two points at distance r, closed form with the 2×2 inverse.
func TestGPTwoPoints(t *testing.T) {
	k := SEKernel{Amp: 1, Len: []float64{1, 2}, Noise: 0.1}
	x := []float64{0, 0, 1, 2}
	y := []float64{1, -1}
	g, err := NewGP(x, 2, y, k)
	if err != nil {
		t.Fatal(err)
	}
	c := math.Exp(-0.5 * (1 + 1)) // r² = 1/1 + 4/4
	a := 1 + 0.01
	det := a*a - c*c
	// Prediction at the first training point: k* = (1, c).
	alpha0 := (a*y[0] - c*y[1]) / det
	alpha1 := (-c*y[0] + a*y[1]) / det
	wantM := alpha0 + c*alpha1
	wantV := 1 - (a*1+a*c*c-2*c*c)/det
	m, v, err := g.Predict([]float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m-wantM) > 1e-12 || math.Abs(v-wantV) > 1e-12 {
		t.Errorf("predict (%g, %g), want (%g, %g)", m, v, wantM, wantV)
	}
}

func randomGPData(n int, seed uint64) ([]float64, []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, 2*n)
	y := make([]float64, n)
	for i := range n {
		x[2*i], x[2*i+1] = 10*r.Float64(), 10*r.Float64()
		y[i] = math.Sin(x[2*i]/2) + 0.5*math.Cos(x[2*i+1]/3) + 0.1*r.NormFloat64()
	}
	return x, y
}

// The gradient of the log marginal likelihood matches central differences.
func TestLogMarginalGradFiniteDifference(t *testing.T) {
	x, y := randomGPData(30, 3)
	k := SEKernel{Amp: 0.8, Len: []float64{1.7, 2.5}, Noise: 0.2}
	_, g, err := LogMarginalGrad(x, 2, y, k)
	if err != nil {
		t.Fatal(err)
	}
	v := k.vector()
	for i := range v {
		h := 1e-5
		up, dn := append([]float64(nil), v...), append([]float64(nil), v...)
		up[i] *= math.Exp(h)
		dn[i] *= math.Exp(-h)
		lu, _, _ := LogMarginalGrad(x, 2, y, kernelFrom(up))
		ld, _, _ := LogMarginalGrad(x, 2, y, kernelFrom(dn))
		fd := (lu - ld) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("d/dlog θ_%d: analytic %g, finite difference %g", i, g[i], fd)
		}
	}
}

// Held-out predictions from the full inverse equal refitting without the
// block; a positive cutoff changes predictions negligibly.
func TestGPHeldOutAndCutoff(t *testing.T) {
	x, y := randomGPData(40, 5)
	k := SEKernel{Amp: 1, Len: []float64{2, 3}, Noise: 0.15}
	g, err := NewGP(x, 2, y, k)
	if err != nil {
		t.Fatal(err)
	}
	block := []int{3, 7, 20}
	mu, va, err := g.HeldOut(block)
	if err != nil {
		t.Fatal(err)
	}
	var xr, yr []float64
	for i := range y {
		if i == 3 || i == 7 || i == 20 {
			continue
		}
		xr = append(xr, x[2*i:2*i+2]...)
		yr = append(yr, y[i])
	}
	gr, err := NewGP(xr, 2, yr, k)
	if err != nil {
		t.Fatal(err)
	}
	for a, i := range block {
		m, v, _ := gr.Predict(x[2*i : 2*i+2])
		v += k.Noise * k.Noise
		if math.Abs(m-mu[a]) > 1e-9 || math.Abs(v-va[a]) > 1e-9 {
			t.Errorf("held out %d: (%g, %g), refit (%g, %g)", i, mu[a], va[a], m, v)
		}
	}
	// The whole block covariance and the latent values at retained points
	// equal those of the refitted GP.
	blk, err := g.HeldOutCov(block)
	if err != nil {
		t.Fatal(err)
	}
	vec := func(i int) *Sparse {
		var s Sparse
		gr.KernelVector(&s, x[2*i:2*i+2])
		return &s
	}
	for a, i := range block {
		for b, j := range block {
			c, _ := gr.CovOf(k.Signal(x[2*i:2*i+2], x[2*j:2*j+2]), vec(i), vec(j))
			if a == b {
				c += k.Noise * k.Noise
			}
			if math.Abs(c-blk.Cov.At(a, b)) > 1e-9 {
				t.Errorf("held-out cov (%d, %d): %g, refit %g", i, j, blk.Cov.At(a, b), c)
			}
		}
	}
	for _, j := range []int{0, 4, 21, 39} {
		m, v, cv := blk.Latent(j)
		mr, vr, _ := gr.Predict(x[2*j : 2*j+2])
		if math.Abs(m-mr) > 1e-9 || math.Abs(v-vr) > 1e-9 {
			t.Errorf("latent at %d: (%g, %g), refit (%g, %g)", j, m, v, mr, vr)
		}
		for a, i := range block {
			c, _ := gr.CovOf(k.Signal(x[2*i:2*i+2], x[2*j:2*j+2]), vec(i), vec(j))
			if math.Abs(c-cv[a]) > 1e-9 {
				t.Errorf("cov(y_%d, f_%d): %g, refit %g", i, j, cv[a], c)
			}
		}
	}
	gc := *g
	gc.Cutoff = 1e-8
	for _, q := range [][]float64{{5, 5}, {1, 9}, {30, 30}} {
		m0, v0, _ := g.Predict(q)
		m1, v1, _ := gc.Predict(q)
		if math.Abs(m0-m1) > 1e-6 || math.Abs(v0-v1) > 1e-6 {
			t.Errorf("cutoff at %v: (%g, %g) vs exact (%g, %g)", q, m1, v1, m0, v0)
		}
	}
}

// Maximising the marginal likelihood recovers a noise level near the true
// 0.1 and beats the starting point; bad bounds are errors.
func TestFitKernel(t *testing.T) {
	x, y := randomGPData(80, 9)
	start := SEKernel{Amp: 1, Len: []float64{1, 1}, Noise: 0.5}
	b := GPBounds{Lo: SEKernel{Amp: 0.01, Len: []float64{0.1, 0.1}, Noise: 0.01}, Hi: SEKernel{Amp: 10, Len: []float64{20, 20}, Noise: 2}}
	k, l, err := FitKernel(x, 2, y, start, b)
	if err != nil {
		t.Fatal(err)
	}
	l0, _, _ := LogMarginalGrad(x, 2, y, start)
	if l <= l0 || k.Noise < 0.05 || k.Noise > 0.2 {
		t.Errorf("fitted %+v with log marginal %g (start %g); want noise ≈ 0.1", k, l, l0)
	}
	b.Lo.Noise = 0
	if _, _, err := FitKernel(x, 2, y, start, b); err == nil {
		t.Error("zero noise bound accepted")
	}
}

// A GP with new targets predicts and holds out as one factorised afresh.
func TestGPWithTargets(t *testing.T) {
	x, y := randomGPData(30, 7)
	_, y2 := randomGPData(30, 8)
	k := SEKernel{Amp: 1.3, Len: []float64{2, 1.5}, Noise: 0.2}
	g, err := NewGP(x, 2, y, k)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Inverse(); err != nil {
		t.Fatal(err)
	}
	h, err := g.WithTargets(y2)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewGP(x, 2, y2, k)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(h.LogMarginal()-f.LogMarginal()) > 1e-10 {
		t.Errorf("log marginal %g, afresh %g", h.LogMarginal(), f.LogMarginal())
	}
	mh, _, _ := h.HeldOut([]int{2, 11})
	mf, _, _ := f.HeldOut([]int{2, 11})
	for a := range mh {
		if math.Abs(mh[a]-mf[a]) > 1e-10 {
			t.Errorf("held out %d: %g, afresh %g", a, mh[a], mf[a])
		}
	}
	m, _, _ := h.Predict([]float64{0.5, 1.5})
	mw, _, _ := f.Predict([]float64{0.5, 1.5})
	if math.Abs(m-mw) > 1e-10 {
		t.Errorf("mean %g, afresh %g", m, mw)
	}
	if g.Y[0] != y[0] {
		t.Error("the original GP's targets changed")
	}
	if _, err := g.WithTargets(y2[:5]); err == nil {
		t.Error("no error for 5 targets of 30 points")
	}
}

// CovOf is kab − Σ_a ka_a·InverseRowDot(i_a, kb), bit for bit, with and
// without a cutoff.
func TestInverseRowDot(t *testing.T) {
	var x, y []float64
	for i := range 30 {
		x = append(x, float64(i%6), float64(i/6)+0.3*float64(i%4))
		y = append(y, math.Sin(float64(i)))
	}
	for _, cut := range []float64{0, 1e-3} {
		g, err := NewGP(x, 2, y, SEKernel{Amp: 1.3, Len: []float64{1.5, 2}, Noise: 0.2})
		if err != nil {
			t.Fatal(err)
		}
		g.Cutoff = cut
		if _, err := g.Inverse(); err != nil {
			t.Fatal(err)
		}
		var ka, kb Sparse
		a, b := []float64{1.2, 2.5}, []float64{3.1, 0.4}
		g.KernelVector(&ka, a)
		g.KernelVector(&kb, b)
		kab := g.Kernel.Signal(a, b)
		want, _ := g.CovOf(kab, &ka, &kb)
		var q float64
		for j, i := range ka.Idx {
			q += ka.Val[j] * g.InverseRowDot(i, &kb)
		}
		if got := kab - q; got != want {
			t.Errorf("cutoff %g: %v from InverseRowDot, CovOf %v", cut, got, want)
		}
	}
}
