package wavefunc_test

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

func complexModels() map[string]*wavefunc.ComplexSpinRBM {
	return map[string]*wavefunc.ComplexSpinRBM{
		"full":      wavefunc.NewComplexSpinRBM(6, 9),
		"symmetric": wavefunc.NewSymmetricComplexSpinRBM(6, 2, ringTranslations(6)),
	}
}

// Re and Im of O_k against central differences of the fresh complex
// ln Ψ (phase unwrapped: a step of 1e-5 moves it by far less than 2π).
// Tolerance 1e-8 as in TestSpinRBMParamGrad: |O_k| ≤ |tanh θ| = O(1) at
// scale 0.5, truncation ~1e-10, round-off ~1e-11.
func TestComplexSpinRBMParamGrad(t *testing.T) {
	for name, m := range complexModels() {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			m.Randomize(0.5, rng)
			np := m.NumParams()
			re, im := make([]float64, np), make([]float64, np)
			p := m.Params(nil)
			for range 3 {
				s := randomSpins(m.Sites(), rng)
				m.SetParams(p)
				st := m.NewState(s).(wavefunc.ComplexSpinState)
				st.ComplexParamGrad(re, im)
				only := make([]float64, np)
				st.ParamGrad(only)
				const h = 1e-5
				q := append([]float64(nil), p...)
				for k := range np {
					q[k] = p[k] + h
					m.SetParams(q)
					lp := m.LogPsi(s)
					q[k] = p[k] - h
					m.SetParams(q)
					lm := m.LogPsi(s)
					q[k] = p[k]
					d := lp - lm
					// Unwrap the phase difference into (−π, π].
					di := math.Remainder(imag(d), 2*math.Pi)
					fr, fi := real(d)/(2*h), di/(2*h)
					if math.Abs(fr-re[k]) > 1e-8 || math.Abs(fi-im[k]) > 1e-8 {
						t.Fatalf("O_%d = %.10g%+.10gi, finite differences %.10g%+.10gi", k, re[k], im[k], fr, fi)
					}
					if only[k] != re[k] {
						t.Fatalf("ParamGrad[%d] = %g, Re O = %g", k, only[k], re[k])
					}
				}
				m.SetParams(p)
			}
		})
	}
}

// Cached complex ratios and ln|Ψ| along 2000 single and pair flips
// against fresh evaluations. Tolerance 1e-10 as for the real RBM.
func TestComplexSpinRBMRatios(t *testing.T) {
	for name, m := range complexModels() {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			m.Randomize(0.4, rng)
			n := m.Sites()
			s := randomSpins(n, rng)
			st := m.NewState(s).(wavefunc.ComplexSpinState)
			for step := range 2000 {
				i, j := rng.IntN(n), -1
				if step%2 == 1 {
					j = (i + 1 + rng.IntN(n-1)) % n
				}
				f := append([]int8(nil), st.Spins()...)
				f[i] = -f[i]
				if j >= 0 {
					f[j] = -f[j]
				}
				want := cmplx.Exp(m.LogPsi(f) - m.LogPsi(st.Spins()))
				if got := st.ComplexRatio(i, j); cmplx.Abs(got-want) > 1e-10*math.Max(1, cmplx.Abs(want)) {
					t.Fatalf("step %d: ratio %v, fresh %v", step, got, want)
				}
				if got, w := st.LogRatio(i, j), math.Log(cmplx.Abs(want)); math.Abs(got-w) > 1e-10*math.Max(1, math.Abs(w)) {
					t.Fatalf("step %d: ln|ratio| %v, fresh %v", step, got, w)
				}
				st.Flip(i, j)
			}
			if got, want := st.LogPsi(), real(m.LogPsi(st.Spins())); math.Abs(got-want) > 1e-10*math.Max(1, math.Abs(want)) {
				t.Errorf("ln|Psi| after the chain %.14g, fresh %.14g", got, want)
			}
		})
	}
}

// With zero imaginary parts the complex RBM is the real one: same ln Ψ.
func TestComplexSpinRBMRealLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	r := wavefunc.NewSpinRBM(5, 7)
	r.Randomize(0.5, rng)
	c := wavefunc.NewComplexSpinRBM(5, 7)
	p := append(r.Params(nil), make([]float64, r.NumParams())...)
	c.SetParams(p)
	s := randomSpins(5, rng)
	if a, b := c.LogPsi(s), r.LogPsi(s); math.Abs(real(a)-b) > 1e-12 || imag(a) != 0 {
		t.Errorf("ln Psi %v, real RBM %v", a, b)
	}
}

// The symmetric complex RBM is invariant under its group.
func TestSymmetricComplexSpinRBMInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	g := ringTranslations(7)
	m := wavefunc.NewSymmetricComplexSpinRBM(7, 3, g)
	m.Randomize(0.5, rng)
	if m.NumParams() != 2*(1+3+3*7) {
		t.Fatalf("%d parameters, want %d", m.NumParams(), 2*(1+3+3*7))
	}
	s := randomSpins(7, rng)
	l0 := m.LogPsi(s)
	shifted := make([]int8, 7)
	for _, perm := range g {
		for k, site := range perm {
			shifted[site] = s[k]
		}
		if d := cmplx.Exp(m.LogPsi(shifted) - l0); cmplx.Abs(d-1) > 1e-12 {
			t.Errorf("Psi ratio %v after a translation, want 1", d)
		}
	}
}

func TestComplexSpinRBMAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for name, m := range complexModels() {
		m.Randomize(0.1, rng)
		st := m.NewState(randomSpins(m.Sites(), rng)).(wavefunc.ComplexSpinState)
		re, im := make([]float64, m.NumParams()), make([]float64, m.NumParams())
		n := testing.AllocsPerRun(100, func() {
			_ = st.ComplexRatio(1, -1)
			_ = st.ComplexRatio(1, 3)
			_ = st.LogRatio(2, 4)
			st.Flip(0, -1)
			st.Flip(2, 5)
			st.ComplexParamGrad(re, im)
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per ratio/flip/gradient", name, n)
		}
	}
}

// Large weights push the product of factors out of the float64 range;
// the logarithmic fallback must agree with the fresh evaluation.
func TestComplexSpinRBMLargeWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 4
	m := wavefunc.NewComplexSpinRBM(n, 400)
	m.Randomize(3, rng)
	s := randomSpins(n, rng)
	st := m.NewState(s).(wavefunc.ComplexSpinState)
	for i := range n {
		for _, j := range []int{-1, (i + 1) % n} {
			f := append([]int8(nil), s...)
			f[i] = -f[i]
			if j >= 0 {
				f[j] = -f[j]
			}
			want := real(m.LogPsi(f) - m.LogPsi(s))
			if got := st.LogRatio(i, j); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("LogRatio(%d,%d) = %.12g, fresh %.12g", i, j, got, want)
			}
		}
	}
}

// One exchange ratio and one accepted pair flip of a symmetric complex
// RBM over 16 sites with 1024 hidden units (the 4×4 J1–J2 network's size).
func BenchmarkComplexSpinRBMExchange(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := wavefunc.NewSymmetricComplexSpinRBM(16, 64, ringTranslations(16))
	m.Randomize(0.05, rng)
	st := m.NewState(randomSpins(16, rng)).(wavefunc.ComplexSpinState)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := i % 15
		_ = st.ComplexRatio(k, k+1)
		st.Flip(k, k+1)
	}
}

// SetSamplingPower scales LogRatio (what a sampler accepts with) by q and
// leaves the amplitude's ratios alone; q outside (0, 1] panics.
func TestComplexSpinRBMSamplingPower(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	m := wavefunc.NewComplexSpinRBM(6, 4)
	m.Randomize(0.5, rng)
	st := m.NewState([]int8{1, -1, 1, 1, -1, -1}).(interface {
		wavefunc.ComplexSpinState
		SetSamplingPower(q float64)
	})
	want := st.LogRatio(0, 1)
	ratio := st.ComplexRatio(0, 1)
	st.SetSamplingPower(0.3)
	if got := st.LogRatio(0, 1); math.Abs(got-0.3*want) > 1e-14*(1+math.Abs(want)) {
		t.Errorf("q = 0.3: LogRatio %v, want %v", got, 0.3*want)
	}
	if got := st.ComplexRatio(0, 1); got != ratio || math.Abs(math.Log(st.Ratio(0, 1))-want) > 1e-12 {
		t.Errorf("q = 0.3 changed the amplitude's ratio: %v, %v", got, ratio)
	}
	st.SetSamplingPower(1)
	if got := st.LogRatio(0, 1); got != want {
		t.Errorf("q = 1: LogRatio %v, want %v", got, want)
	}
	for _, q := range []float64{0, -1, 1.5, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetSamplingPower(%v): no panic", q)
				}
			}()
			st.SetSamplingPower(q)
		}()
	}
}
