package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

func randConfig(rng *rand.Rand, nd int, scale float64) []float64 {
	x := make([]float64, nd)
	for k := range x {
		x[k] = scale * rng.NormFloat64()
	}
	return x
}

// gaussMove proposes particle i at its position in s plus a Gaussian step;
// s stays where it is, so every proposal is near the same configuration.
func gaussMove(rng *rand.Rand, s wavefunc.State, d int, step float64) wavecheck.Proposal {
	return func(i int, _, pos []float64) {
		x := s.Positions()
		for c := range d {
			pos[c] = x[i*d+c] + step*rng.NormFloat64()
		}
	}
}

func TestRBMDerivs(t *testing.T) {
	for _, tc := range []struct {
		n, d, h int
		sigma2  float64
		sqrt    bool
	}{
		{1, 1, 1, 1, false},
		{2, 2, 4, 1, false},
		{3, 3, 5, 0.7, false},
		{2, 2, 3, 0.5, true},
		{10, 2, 20, 1, false},
	} {
		rng := rand.New(rand.NewPCG(1, uint64(tc.n*100+tc.h)))
		r := wavefunc.NewRBM(tc.n, tc.d, tc.h, tc.sigma2)
		r.Sqrt = tc.sqrt
		// Weights of order one make θ large enough that the sigmoid's
		// curvature matters, so a wrong term in the Laplacian shows up.
		r.Randomize(0.5, rng)
		for range 3 {
			x := randConfig(rng, tc.n*tc.d, 1)
			// h = 1e-3, tol 1e-6: the truncation error of central
			// differences is O(h²·f''') ≈ 1e-7 for these O(1) weights, and
			// the second difference's round-off ≈ |ln Ψ|·1e-16/h² stays
			// below 1e-8 even for N = 10, H = 20 where |ln Ψ| ≈ 30 (h = 1e-4
			// would push it to 1e-6 per coordinate).
			if err := wavecheck.Derivs(r, x, 1e-3, 1e-6); err != nil {
				t.Fatalf("N=%d d=%d H=%d sqrt=%v: %v", tc.n, tc.d, tc.h, tc.sqrt, err)
			}
		}
	}
}

func TestRBMMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for _, sqrt := range []bool{false, true} {
		r := wavefunc.NewRBM(3, 2, 6, 0.8)
		r.Sqrt = sqrt
		r.Randomize(0.5, rng)
		x := randConfig(rng, 6, 1)
		probe := r.NewState(x)
		// Cached θ accumulates one rounding per move; 200 moves stay far
		// below 1e-10 relative.
		if err := wavecheck.Moves(r, x, 200, 1e-10, gaussMove(rng, probe, 2, 0.7)); err != nil {
			t.Fatalf("sqrt=%v: %v", sqrt, err)
		}
	}
}

// At a = 0, W = 0 the RBM is a Gaussian: ln Ψ = −|x|²/(2σ²) + H ln 2, for
// both variants (the √F one with half of it).
func TestRBMZeroWeightsIsGaussian(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for _, sqrt := range []bool{false, true} {
		r := wavefunc.NewRBM(2, 3, 4, 0.5)
		r.Sqrt = sqrt
		x := randConfig(rng, 6, 1)
		r2 := 0.0
		for _, v := range x {
			r2 += v * v
		}
		want := -r2/(2*0.5) + 4*math.Ln2
		if sqrt {
			want /= 2
		}
		if got := r.NewState(x).LogPsi(); math.Abs(got-want) > 1e-13 {
			t.Errorf("sqrt=%v: LogPsi = %.15g, want %.15g", sqrt, got, want)
		}
	}
}

func TestRBMBadArgumentsPanic(t *testing.T) {
	for _, f := range []func(){
		func() { wavefunc.NewRBM(2, 2, 0, 1) },
		func() { wavefunc.NewRBM(2, 2, 2, 0) },
		func() { wavefunc.NewRBM(2, 2, 2, math.NaN()) },
		func() { wavefunc.NewRBM(0, 2, 2, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("NewRBM accepted a bad argument")
				}
			}()
			f()
		}()
	}
}

// The Gibbs conditionals must leave F(x) = |Ψ_√F|² invariant. For one
// visible unit and one hidden unit F is a mixture of two Gaussians
// N(a, σ²) and N(a + W, σ²) with weights ∝ 1 and e^{b + aW/σ² + W²/(2σ²)};
// the chain's mean must match the mixture mean.
func TestRBMGibbsMarginal(t *testing.T) {
	const a, b, w, s2 = 0.3, -0.4, 1.2, 0.8
	r := wavefunc.NewRBM(1, 1, 1, s2)
	r.SetParams([]float64{a, b, w})
	rng := rand.New(rand.NewPCG(7, 8))
	x, h := []float64{0}, []float64{0}
	const n = 200000
	sum, sum2 := 0.0, 0.0
	for range n {
		r.GibbsHidden(x, h, rng)
		r.GibbsVisible(h, x, rng)
		sum += x[0]
		sum2 += x[0] * x[0]
	}
	w1 := math.Exp(b + a*w/s2 + w*w/(2*s2))
	p1 := w1 / (1 + w1)
	wantMean := a + p1*w
	wantVar := s2 + p1*(1-p1)*w*w
	mean := sum / n
	// Successive Gibbs samples are correlated; even allowing a factor of
	// 10 in the effective sample size, 5σ is 5·sqrt(10·var/n) ≈ 0.013.
	tol := 5 * math.Sqrt(10*wantVar/n)
	if math.Abs(mean-wantMean) > tol {
		t.Errorf("Gibbs mean %.5f, mixture mean %.5f (tol %.4f)", mean, wantMean, tol)
	}
	if v := sum2/n - mean*mean; math.Abs(v-wantVar) > 0.05*wantVar {
		t.Errorf("Gibbs variance %.5f, mixture variance %.5f", v, wantVar)
	}
}
