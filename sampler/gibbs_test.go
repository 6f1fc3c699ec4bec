package sampler_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// gibbsRBM is one visible and one hidden unit, Ψ = √F: F is then the
// two-Gaussian mixture N(a, σ²) and N(a+W, σ²) with weights ∝ 1 and
// e^{b + aW/σ² + W²/(2σ²)}, whose mean is known in closed form.
func gibbsRBM() (*wavefunc.RBM, float64, float64) {
	const a, b, w, s2 = 0.3, -0.4, 1.2, 0.8
	r := wavefunc.NewRBM(1, 1, 1, s2)
	r.Sqrt = true
	r.SetParams([]float64{a, b, w})
	w1 := math.Exp(b + a*w/s2 + w*w/(2*s2))
	p1 := w1 / (1 + w1)
	return r, a + p1*w, s2 + p1*(1-p1)*w*w
}

// Gibbs draws and Metropolis moves on |Ψ|² = F must agree with each other
// and with the mixture's mean: this ties the sampler to the √F convention.
func TestGibbsMatchesMetropolisAndExact(t *testing.T) {
	r, wantMean, _ := gibbsRBM()
	const n = 100000
	g, err := sampler.NewGibbs(r, []float64{0}, 1, sampler.NewSource(3, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for range 100 { // burn-in
		g.Sweep()
	}
	g.ResetCounts()
	xs := make([]float64, n)
	for k := range xs {
		g.Sample()
		xs[k] = g.State().Positions()[0]
	}
	gm, ge := batchMean(xs, 50)
	m, err := sampler.New(r, []float64{0}, sampler.Settings{Kind: sampler.Metropolis, Step: 3}, sampler.NewSource(3, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		m.Sweep()
	}
	for k := range xs {
		m.Sample()
		xs[k] = m.State().Positions()[0]
	}
	mm, me := batchMean(xs, 50)
	// 4 batch-mean error bars: a false alarm about once in 10⁴ runs, and
	// the seeds are fixed.
	if math.Abs(gm-wantMean) > 4*ge {
		t.Errorf("Gibbs mean %.4f ± %.4f, exact %.4f", gm, ge, wantMean)
	}
	if math.Abs(mm-wantMean) > 4*me {
		t.Errorf("Metropolis mean %.4f ± %.4f, exact %.4f", mm, me, wantMean)
	}
	if a, p := g.Counts(); a != p || p != n {
		t.Errorf("Gibbs counts %d/%d, want %d/%d", a, p, n, n)
	}
}

func TestGibbsNeedsSqrtVariant(t *testing.T) {
	r := wavefunc.NewRBM(2, 2, 3, 1)
	if _, err := sampler.NewGibbs(r, make([]float64, 4), 1, sampler.NewSource(1, 0, 0)); err == nil {
		t.Error("NewGibbs accepted an RBM with Ψ = F")
	}
}

func TestGibbsMarshalContinuesChain(t *testing.T) {
	r, _, _ := gibbsRBM()
	a, err := sampler.NewGibbs(r, []float64{0.1}, 1, sampler.NewSource(9, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		a.Sweep()
	}
	blob, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := sampler.NewGibbs(r, []float64{5}, 1, sampler.NewSource(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	for k := range 20 {
		a.Sweep()
		b.Sweep()
		if xa, xb := a.State().Positions()[0], b.State().Positions()[0]; xa != xb {
			t.Fatalf("sweep %d after restore: %v vs %v", k, xa, xb)
		}
	}
	blob2, _ := a.MarshalBinary()
	blob3, _ := b.MarshalBinary()
	if !bytes.Equal(blob2, blob3) {
		t.Error("restored chain marshals differently")
	}
	if err := b.UnmarshalBinary(blob[:10]); err == nil {
		t.Error("truncated record accepted")
	}
}

func TestGibbsSweepAllocatesNothing(t *testing.T) {
	r := wavefunc.NewRBM(10, 2, 20, 0.5)
	r.Sqrt = true
	g, err := sampler.NewGibbs(r, make([]float64, 20), 1, sampler.NewSource(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(100, func() { g.Sweep() }); a != 0 {
		t.Errorf("Gibbs sweep allocates %v times", a)
	}
}
