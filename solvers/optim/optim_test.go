package optim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestGDHand(t *testing.T) {
	p := []float64{1, 2, -3}
	NewGD(0.1).Step(p, []float64{0.5, -1, 0})
	// 1 − 0.1·0.5, 2 + 0.1·1, −3.
	want := []float64{0.95, 2.1, -3}
	for i := range p {
		if !near(p[i], want[i], 1e-15) {
			t.Errorf("param %d: %.17g, want %g", i, p[i], want[i])
		}
	}
}

func TestMomentumHand(t *testing.T) {
	r := NewMomentum(0.1, 0.9, 2)
	p := []float64{0, 0}
	r.Step(p, []float64{1, -2}) // v = (1, −2), θ = −0.1 v = (−0.1, 0.2)
	r.Step(p, []float64{0.5, 0.5})
	// v = 0.9·(1, −2) + (0.5, 0.5) = (1.4, −1.3); θ = (−0.1 − 0.14, 0.2 + 0.13).
	want := []float64{-0.24, 0.33}
	for i := range p {
		if !near(p[i], want[i], 1e-15) {
			t.Errorf("param %d: %.17g, want %g", i, p[i], want[i])
		}
	}
}

func TestAdamHand(t *testing.T) {
	r := NewAdam(0.01, 2)
	p := []float64{1, 1}
	// Step 1: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε):
	// 0.01·2/(2+1e-8) and −0.01·0.5/(0.5+1e-8).
	r.Step(p, []float64{2, -0.5})
	want := []float64{1 - 0.009999999950000001, 1 + 0.009999999800000003}
	for i := range p {
		if !near(p[i], want[i], 1e-16) {
			t.Errorf("step 1 param %d: %.17g, want %.17g", i, p[i], want[i])
		}
	}
	// Step 2, g = (1, 1): m = 0.9·(0.2, −0.05) + 0.1 = (0.28, 0.055),
	// v = 0.999·(0.004, 0.00025) + 0.001 = (0.004996, 0.00124975),
	// bias corrections 1 − 0.9² = 0.19 and 1 − 0.999² = 0.001999;
	// step = 0.01·(m/0.19)/(√(v/0.001999) + 1e-8), evaluated by hand as
	// 0.009321796329148962 and 0.0036610352240565394.
	r.Step(p, []float64{1, 1})
	want[0] -= 0.009321796329148962
	want[1] -= 0.0036610352240565394
	for i := range p {
		if !near(p[i], want[i], 1e-15) {
			t.Errorf("step 2 param %d: %.17g, want %.17g", i, p[i], want[i])
		}
	}
	if r.Steps() != 2 {
		t.Errorf("steps %d", r.Steps())
	}
}

// All rules minimise f(x) = ½ Σ a_i (x_i − c_i)², gradient a_i(x_i − c_i).
func TestRulesMinimiseQuadratic(t *testing.T) {
	a := []float64{1, 4, 10}
	c := []float64{1, -2, 0.5}
	// GD contracts by max|1 − lr·a_i| = 0.91 per step: 0.91^500 ≈ 3e-21.
	// Momentum (heavy ball, lr 0.05, μ 0.5) contracts at least as fast.
	// Adam with a constant rate has no such contraction bound, but on a
	// noiseless quadratic its step m̂/√v̂ shrinks with the gradient once the
	// moments forget the start: it must settle on the minimum to 1e-8.
	cases := []struct {
		rule  Rule
		steps int
		tol   float64
	}{
		{NewGD(0.09), 500, 1e-10},
		{NewMomentum(0.05, 0.5, 3), 500, 1e-10},
		{NewAdam(0.01, 3), 3000, 1e-8},
	}
	for _, tc := range cases {
		x := make([]float64, 3)
		g := make([]float64, 3)
		for range tc.steps {
			for i := range x {
				g[i] = a[i] * (x[i] - c[i])
			}
			tc.rule.Step(x, g)
		}
		for i := range x {
			if !near(x[i], c[i], tc.tol) {
				t.Errorf("%s: x[%d] = %g, want %g ± %g", tc.rule.Name(), i, x[i], c[i], tc.tol)
			}
		}
	}
}

func TestRuleStateRoundTrip(t *testing.T) {
	mk := []func() Rule{
		func() Rule { return NewGD(0.1) },
		func() Rule { return NewMomentum(0.1, 0.9, 4) },
		func() Rule { return NewAdam(0.05, 4) },
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range mk {
		a, b := f(), f()
		pa := []float64{1, 2, 3, 4}
		g := make([]float64, 4)
		for range 5 {
			for i := range g {
				g[i] = rng.NormFloat64()
			}
			a.Step(pa, g)
		}
		if err := b.SetState(a.State()); err != nil {
			t.Fatalf("%s: %v", a.Name(), err)
		}
		pb := append([]float64{}, pa...)
		for range 5 {
			for i := range g {
				g[i] = rng.NormFloat64()
			}
			a.Step(pa, g)
			b.Step(pb, g)
		}
		for i := range pa {
			if pa[i] != pb[i] {
				t.Errorf("%s: restored rule diverges at param %d: %v vs %v", a.Name(), i, pa[i], pb[i])
			}
		}
		if err := b.SetState(append(a.State(), 1)); err == nil {
			t.Errorf("%s: state of wrong length accepted", a.Name())
		}
	}
	bad := make([]float64, 9)
	bad[0] = 1.5
	if err := NewAdam(0.1, 4).SetState(bad); err == nil {
		t.Error("adam: fractional step count accepted")
	}
}

// samples returns M samples of P log-derivatives with very different scales
// and correlations, the shape of a real S.
func samples(M, P int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	mix := make([]float64, P*P)
	for i := range mix {
		mix[i] = rng.NormFloat64() / math.Sqrt(float64(P))
	}
	scale := make([]float64, P)
	for k := range scale {
		scale[k] = math.Exp(1.5 * rng.NormFloat64())
	}
	out := make([][]float64, M)
	z := make([]float64, P)
	for s := range out {
		for k := range z {
			z[k] = rng.NormFloat64()
		}
		o := make([]float64, P)
		for k := range o {
			v := z[k]
			for l := range P {
				v += mix[k*P+l] * z[l]
			}
			o[k] = 0.3 + scale[k]*v
		}
		out[s] = o
	}
	return out
}

// covarianceOf builds S with Covariance from raw sums.
func covarianceOf(O [][]float64) []float64 {
	P := len(O[0])
	sumOO := make([]float64, P*P)
	sumO := make([]float64, P)
	for _, o := range O {
		for k := range P {
			sumO[k] += o[k]
			for l := range P {
				sumOO[k*P+l] += o[k] * o[l]
			}
		}
	}
	Covariance(sumOO, sumOO, sumO, float64(len(O))) // in place
	return sumOO
}

func TestCovariance(t *testing.T) {
	const M, P = 500, 6
	O := samples(M, P, 3)
	S := covarianceOf(O)
	// Two-pass centred reference.
	mean := make([]float64, P)
	for _, o := range O {
		for k := range P {
			mean[k] += o[k] / M
		}
	}
	for k := range P {
		for l := range P {
			s := 0.0
			for _, o := range O {
				s += (o[k] - mean[k]) * (o[l] - mean[l]) / M
			}
			// Raw sums lose digits to ⟨O⟩² (here ⟨O⟩ ~ scale), ~1e-13.
			if !near(S[k*P+l], s, 1e-11*(1+math.Abs(s))) {
				t.Errorf("S[%d][%d] = %.15g, two-pass %.15g", k, l, S[k*P+l], s)
			}
		}
	}
}

// solveDenseCG solves with conjugate gradient on a dense S through
// SolveOp, with the products from gonum's Gemv.
func solveDenseCG(sr *SR, dst, S, f []float64) error {
	P := len(f)
	if len(S) != P*P {
		panic("solveDenseCG: S is not P×P")
	}
	diag := make([]float64, P)
	for k := range P {
		diag[k] = S[k*P+k]
	}
	return sr.SolveOp(dst, diag, f, denseOp(S, P))
}

// denseOp is S·v for a dense row-major P×P S.
func denseOp(S []float64, P int) func(dst, v []float64) {
	return func(dst, v []float64) {
		blas64.Gemv(blas.NoTrans, 1, blas64.General{Rows: P, Cols: P, Stride: P, Data: S},
			blas64.Vector{N: P, Inc: 1, Data: v}, 0, blas64.Vector{N: P, Inc: 1, Data: dst})
	}
}

// denseReference solves (S + shift)δ = f with an LU solve of gonum, an
// independent path from the Cholesky one.
func denseReference(t *testing.T, S, f []float64, shift float64, relative bool) []float64 {
	P := len(f)
	A := mat.NewDense(P, P, append([]float64{}, S...))
	for k := range P {
		if relative {
			A.Set(k, k, S[k*P+k]*(1+shift))
		} else {
			A.Set(k, k, S[k*P+k]+shift)
		}
	}
	var x mat.VecDense
	if err := x.SolveVec(A, mat.NewVecDense(P, append([]float64{}, f...))); err != nil {
		t.Fatal(err)
	}
	return x.RawVector().Data
}

func relErr(got, want []float64) float64 {
	d, n := 0.0, 0.0
	for i := range got {
		d += (got[i] - want[i]) * (got[i] - want[i])
		n += want[i] * want[i]
	}
	return math.Sqrt(d / n)
}

func randVec(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 11))
	f := make([]float64, n)
	for i := range f {
		f[i] = rng.NormFloat64()
	}
	return f
}

func TestSRCholeskyVsDense(t *testing.T) {
	for _, tc := range []struct {
		P, M     int
		shift    float64
		relative bool
	}{
		{1, 10, 1e-3, false}, {5, 40, 1e-3, false}, {30, 100, 1e-3, true}, {30, 20, 1e-2, false}, {80, 400, 1e-4, true},
	} {
		S := covarianceOf(samples(tc.M, tc.P, uint64(tc.P)))
		f := randVec(tc.P, 9)
		sr := SR{Shift: tc.shift, Relative: tc.relative}
		got := make([]float64, tc.P)
		if err := sr.Solve(got, S, f); err != nil {
			t.Fatal(err)
		}
		want := denseReference(t, S, f, tc.shift, tc.relative)
		// Both are backward stable; with condition numbers ≲ 10⁵ here the
		// forward difference stays far below 1e-10.
		if e := relErr(got, want); e > 1e-10 {
			t.Errorf("P=%d M=%d shift=%g relative=%t: relative difference %.3g", tc.P, tc.M, tc.shift, tc.relative, e)
		}
		// In place: dst = f.
		g := append([]float64{}, f...)
		if err := sr.Solve(g, S, g); err != nil || relErr(g, got) != 0 {
			t.Errorf("P=%d: in-place solve differs (%v)", tc.P, err)
		}
	}
}

func TestSRConjugateGradient(t *testing.T) {
	for _, tc := range []struct {
		P, M     int
		shift    float64
		relative bool
	}{{40, 200, 1e-3, false}, {120, 60, 1e-3, true}, {120, 500, 1e-2, false}} {
		O := samples(tc.M, tc.P, uint64(tc.P+1))
		S := covarianceOf(O)
		f := randVec(tc.P, 5)
		chol := SR{Shift: tc.shift, Relative: tc.relative}
		want := make([]float64, tc.P)
		if err := chol.Solve(want, S, f); err != nil {
			t.Fatal(err)
		}
		cg := SR{Shift: tc.shift, Relative: tc.relative, CGTol: 1e-12}
		got := make([]float64, tc.P)
		if err := solveDenseCG(&cg, got, S, f); err != nil {
			t.Fatal(err)
		}
		// Residual 1e-12 relative, times a condition number ≲ 10⁴.
		if e := relErr(got, want); e > 1e-8 {
			t.Errorf("P=%d: CG vs Cholesky relative difference %.3g after %d iterations", tc.P, e, cg.Iterations())
		}
		if cg.Iterations() == 0 || chol.Iterations() != 0 {
			t.Errorf("P=%d: CG %d iterations, Cholesky %d", tc.P, cg.Iterations(), chol.Iterations())
		}

		// Matrix-free: S·v from the samples, never forming S.
		M := float64(len(O))
		mean := make([]float64, tc.P)
		for _, o := range O {
			for k := range o {
				mean[k] += o[k] / M
			}
		}
		apply := func(dst, v []float64) {
			clear(dst)
			mv := 0.0
			for k := range v {
				mv += mean[k] * v[k]
			}
			for _, o := range O {
				ov := 0.0
				for k := range v {
					ov += o[k] * v[k]
				}
				for k := range dst {
					dst[k] += o[k] * ov / M
				}
			}
			for k := range dst {
				dst[k] -= mean[k] * mv
			}
		}
		diag := make([]float64, tc.P)
		for k := range diag {
			diag[k] = S[k*tc.P+k]
		}
		free := make([]float64, tc.P)
		if err := cg.SolveOp(free, diag, f, apply); err != nil {
			t.Fatal(err)
		}
		if e := relErr(free, want); e > 1e-8 {
			t.Errorf("P=%d: matrix-free CG vs Cholesky relative difference %.3g", tc.P, e)
		}
		t.Logf("P=%d M=%d: %d CG iterations", tc.P, tc.M, cg.Iterations())
	}
}

func TestSRErrors(t *testing.T) {
	indefinite := []float64{1, 2, 2, 1} // eigenvalues −1 and 3
	f := []float64{1, -1}               // along the negative direction
	dst := make([]float64, 2)
	for _, cg := range []bool{false, true} {
		solve := func(sr *SR, dst, S, f []float64) error {
			if cg {
				return solveDenseCG(sr, dst, S, f)
			}
			return sr.Solve(dst, S, f)
		}
		sr := SR{Shift: 0.5}
		err := solve(&sr, dst, indefinite, f)
		if !errors.Is(err, ErrNotPositiveDefinite) {
			t.Errorf("CG %t: indefinite S: error %v", cg, err)
		} else {
			t.Logf("CG %t: %v", cg, err)
		}
		// A large enough shift makes it positive definite.
		sr.Shift = 1.5
		if err := solve(&sr, dst, indefinite, f); err != nil {
			t.Errorf("CG %t, shift 1.5: %v", cg, err)
		}
		// A parameter that does not change Ψ: S_kk = 0.
		zero := []float64{1, 0, 0, 0}
		rel := SR{Shift: 0.1, Relative: true}
		if err := solve(&rel, dst, zero, f); !errors.Is(err, ErrNotPositiveDefinite) || !strings.Contains(err.Error(), "relative") {
			t.Errorf("CG %t: zero diagonal with relative shift: %v", cg, err)
		}
		abs := SR{Shift: 0.1}
		if err := solve(&abs, dst, zero, f); err != nil {
			t.Errorf("CG %t: zero diagonal with absolute shift: %v", cg, err)
		}
		for name, sr := range map[string]SR{"negative shift": {Shift: -1}, "NaN shift": {Shift: math.NaN()}} {
			if err := solve(&sr, dst, []float64{1, 0, 0, 1}, f); err == nil {
				t.Errorf("CG %t: %s accepted", cg, name)
			}
		}
		if err := solve(&SR{}, dst, []float64{1, 0, 0, math.NaN()}, f); err == nil {
			t.Errorf("CG %t: NaN in S accepted", cg)
		}
		if err := solve(&SR{}, dst, []float64{1, 0, 0, 1}, []float64{1, math.Inf(1)}); err == nil {
			t.Errorf("CG %t: Inf in f accepted", cg)
		}
	}
	// CG out of iterations reports it.
	S := covarianceOf(samples(200, 40, 1))
	sr := SR{Shift: 1e-4, CGMaxIter: 2}
	if err := solveDenseCG(&sr, make([]float64, 40), S, randVec(40, 1)); !errors.Is(err, ErrNotConverged) {
		t.Errorf("2 CG iterations: %v", err)
	}
}

// Natural gradient on an ill-conditioned quadratic f = ½(θ−c)ᵀH(θ−c):
// with the metric S = H (for a Gaussian model the Fisher metric of its mean
// is the Hessian of the KL divergence), the SR direction (H + ε)⁻¹∇f points
// straight at the minimum, while plain gradient descent must use a step
// below 2/λ_max and crawls along the flat directions.
func TestSRBeatsGradientDescent(t *testing.T) {
	const P = 10
	rng := rand.New(rand.NewPCG(5, 5))
	// H = Q diag(λ) Qᵀ with λ log-spaced from 1 to 1000, Q a random rotation.
	var q mat.QR
	g := mat.NewDense(P, P, nil)
	for i := range P {
		for j := range P {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	q.Factorize(g)
	var Q mat.Dense
	q.QTo(&Q)
	lam := make([]float64, P)
	for i := range lam {
		lam[i] = math.Pow(1000, float64(i)/(P-1))
	}
	var H mat.Dense
	H.Mul(&Q, mat.NewDiagDense(P, lam))
	H.Mul(&H, Q.T())
	Hs := make([]float64, P*P)
	for i := range P {
		for j := range P {
			Hs[i*P+j] = (H.At(i, j) + H.At(j, i)) / 2
		}
	}
	c := randVec(P, 8)
	grad := func(dst, x []float64) {
		for i := range P {
			s := 0.0
			for j := range P {
				s += Hs[i*P+j] * (x[j] - c[j])
			}
			dst[i] = s
		}
	}
	dist := func(x []float64) float64 {
		s := 0.0
		for i := range x {
			s += (x[i] - c[i]) * (x[i] - c[i])
		}
		return math.Sqrt(s)
	}
	run := func(sr *SR, rule Rule, maxIter int) int {
		x := make([]float64, P)
		d0 := dist(x)
		gv := make([]float64, P)
		for it := 1; it <= maxIter; it++ {
			grad(gv, x)
			if sr != nil {
				if err := sr.Solve(gv, Hs, gv); err != nil {
					t.Fatal(err)
				}
			}
			rule.Step(x, gv)
			if dist(x) < 1e-6*d0 {
				return it
			}
		}
		return maxIter + 1
	}
	// Gradient descent at 1.9/λ_max, close to the fastest stable rate:
	// the smallest eigenvalue contracts by 1 − 1.9e-3 per step,
	// ln(10⁶)/1.9e-3 ≈ 7300 steps.
	nGD := run(nil, NewGD(1.9/1000), 20000)
	// SR with step 0.5: error halves per step up to the shift, ~20 steps.
	nSR := run(&SR{Shift: 1e-6}, NewGD(0.5), 20000)
	t.Logf("iterations to 1e-6: gradient descent %d, SR %d", nGD, nSR)
	if nSR > 30 || nGD < 100*nSR {
		t.Errorf("SR took %d iterations, gradient descent %d: no natural-gradient speed-up", nSR, nGD)
	}
	// SR as a preconditioner of Adam converges too.
	if n := run(&SR{Shift: 1e-6}, NewAdam(0.05, P), 20000); n > 20000 {
		t.Errorf("SR + Adam did not converge")
	}
}

func TestSRNoAllocsCG(t *testing.T) {
	const P = 50
	S := covarianceOf(samples(200, P, 2))
	f := randVec(P, 3)
	dst := make([]float64, P)
	sr := SR{Shift: 1e-3}
	diag := make([]float64, P)
	for k := range P {
		diag[k] = S[k*P+k]
	}
	apply := denseOp(S, P)
	if err := sr.SolveOp(dst, diag, f, apply); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(10, func() { _ = sr.SolveOp(dst, diag, f, apply) }); a != 0 {
		t.Errorf("CG solve allocates %g times", a)
	}
	rule := NewAdam(0.01, P)
	if a := testing.AllocsPerRun(10, func() { rule.Step(dst, f) }); a != 0 {
		t.Errorf("Adam step allocates %g times", a)
	}
}

func BenchmarkSRSolve(b *testing.B) {
	for _, P := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("P=%d", P), func(b *testing.B) {
			// M = P samples: a rank-deficient S, as in VMC with few samples
			// per parameter; the shift makes it definite.
			S := covarianceOf(samples(P, P, 1))
			f := randVec(P, 2)
			dst := make([]float64, P)
			for _, method := range []string{"cholesky", "cg"} {
				b.Run(method, func(b *testing.B) {
					sr := SR{Shift: 1e-3}
					solve := func() error { return sr.Solve(dst, S, f) }
					if method == "cg" {
						sr.CGTol = 1e-8
						diag := make([]float64, P)
						for k := range P {
							diag[k] = S[k*P+k]
						}
						apply := denseOp(S, P)
						solve = func() error { return sr.SolveOp(dst, diag, f, apply) }
					}
					b.ReportAllocs()
					for b.Loop() {
						if err := solve(); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "solves/s")
					if method == "cg" {
						b.ReportMetric(float64(sr.Iterations()), "cg-iters")
					}
				})
			}
		})
	}
}

func BenchmarkAdamStep(b *testing.B) {
	const P = 1000
	r := NewAdam(0.01, P)
	p, g := make([]float64, P), randVec(P, 1)
	b.ReportAllocs()
	for b.Loop() {
		r.Step(p, g)
	}
}
