package wavefunc

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randomSpins(n int, rng *rand.Rand) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(2*rng.IntN(2) - 1)
	}
	return s
}

// O_k against central finite differences of the fresh ln Ψ. ln Ψ is
// smooth in θ with O(1) curvature at scale 0.5, so step 1e-5 leaves a
// truncation error ~1e-10 and round-off ~1e-16/1e-5 = 1e-11: tolerance 1e-8.
func TestSpinRBMParamGrad(t *testing.T) {
	t.Run("full", func(t *testing.T) { checkSpinParamGrad(t, NewSpinRBM(6, 9)) })
	t.Run("symmetric", func(t *testing.T) { checkSpinParamGrad(t, NewSymmetricSpinRBM(6, 2, ringTranslations(6))) })
}

// ringTranslations is the translation group of a ring of n sites.
func ringTranslations(n int) [][]int {
	g := make([][]int, n)
	for t := range g {
		g[t] = make([]int, n)
		for k := range n {
			g[t][k] = (k + t) % n
		}
	}
	return g
}

func checkSpinParamGrad(t *testing.T, m *SpinRBM) {
	rng := rand.New(rand.NewPCG(3, 4))
	m.Randomize(0.5, rng)
	p := m.Params(nil)
	for trial := range 5 {
		s := randomSpins(6, rng)
		st := m.NewState(s)
		o := make([]float64, m.NumParams())
		st.ParamGrad(o)
		const h = 1e-5
		q := append([]float64(nil), p...)
		for k := range p {
			q[k] = p[k] + h
			m.SetParams(q)
			lp := m.LogPsi(s)
			q[k] = p[k] - h
			m.SetParams(q)
			lm := m.LogPsi(s)
			q[k] = p[k]
			fd := (lp - lm) / (2 * h)
			if math.Abs(fd-o[k]) > 1e-8 {
				t.Fatalf("trial %d: O[%d] = %.12g, finite difference %.12g", trial, k, o[k], fd)
			}
		}
		m.SetParams(p)
	}
}

// Cached ratios and θ after a long chain of flips against fresh
// evaluations. Tolerance 1e-10: a ratio is a product of H factors each
// exact to a few ulps, and θ accumulates ~1e-16 per flip over 2000 flips.
func TestSpinRBMRatios(t *testing.T) {
	t.Run("full", func(t *testing.T) { checkSpinRatios(t, NewSpinRBM(8, 16)) })
	t.Run("symmetric", func(t *testing.T) { checkSpinRatios(t, NewSymmetricSpinRBM(8, 2, ringTranslations(8))) })
}

func checkSpinRatios(t *testing.T, m *SpinRBM) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := m.Sites()
	m.Randomize(0.4, rng)
	st := m.NewState(randomSpins(n, rng))
	flipped := make([]int8, n)
	for step := range 2000 {
		i := rng.IntN(n)
		j := -1
		if step%2 == 1 {
			j = (i + 1 + rng.IntN(n-1)) % n
		}
		copy(flipped, st.Spins())
		flipped[i] = -flipped[i]
		if j >= 0 {
			flipped[j] = -flipped[j]
		}
		want := m.LogPsi(flipped) - m.LogPsi(st.Spins())
		if got := st.LogRatio(i, j); math.Abs(got-want) > 1e-10 {
			t.Fatalf("step %d: LogRatio(%d,%d) = %.15g, fresh %.15g", step, i, j, got, want)
		}
		if got := st.Ratio(i, j); math.Abs(got/math.Exp(want)-1) > 1e-10 {
			t.Fatalf("step %d: Ratio(%d,%d) = %.15g, fresh %.15g", step, i, j, got, math.Exp(want))
		}
		if rng.IntN(2) == 0 {
			st.Flip(i, j)
			if got, want := st.LogPsi(), m.LogPsi(st.Spins()); math.Abs(got-want) > 1e-10 {
				t.Fatalf("step %d: cached ln Psi %.15g, fresh %.15g", step, got, want)
			}
		}
	}
}

// Large weights push the single-flip product out of the float64 range;
// the logarithmic fallback must agree with the fresh evaluation.
func TestSpinRBMLargeWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n, h := 4, 400
	m := NewSpinRBM(n, h)
	m.Randomize(3, rng)
	s := randomSpins(n, rng)
	st := m.NewState(s)
	for i := range n {
		for _, j := range []int{-1, (i + 1) % n} {
			f := append([]int8(nil), s...)
			f[i] = -f[i]
			if j >= 0 {
				f[j] = -f[j]
			}
			want := m.LogPsi(f) - m.LogPsi(s)
			if got := st.LogRatio(i, j); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("LogRatio(%d,%d) = %.12g, fresh %.12g", i, j, got, want)
			}
		}
	}
}

func TestSpinRBMAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	m := NewSpinRBM(10, 20)
	m.Randomize(0.1, rng)
	st := m.NewState(randomSpins(10, rng))
	o := make([]float64, m.NumParams())
	n := testing.AllocsPerRun(100, func() {
		st.LogRatio(3, -1)
		st.LogRatio(3, 4)
		st.Ratio(3, -1)
		st.Ratio(3, 4)
		st.Flip(2, -1)
		st.Flip(2, 5)
		st.ParamGrad(o)
	})
	if n != 0 {
		t.Errorf("%v allocations per ratio/flip/gradient", n)
	}
	sym := NewSymmetricSpinRBM(10, 2, ringTranslations(10))
	sst := sym.NewState(randomSpins(10, rng))
	os := make([]float64, sym.NumParams())
	if n := testing.AllocsPerRun(100, func() { sst.ParamGrad(os) }); n != 0 {
		t.Errorf("symmetric: %v allocations per gradient", n)
	}
}

// A symmetric RBM is invariant under its group: ln Ψ(s∘g) = ln Ψ(s) to
// round-off, while a generic full RBM is not.
func TestSymmetricSpinRBMInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	g := ringTranslations(7)
	m := NewSymmetricSpinRBM(7, 3, g)
	m.Randomize(0.5, rng)
	if m.NumParams() != 1+3+3*7 {
		t.Fatalf("%d parameters, want %d", m.NumParams(), 1+3+3*7)
	}
	s := randomSpins(7, rng)
	l0 := m.LogPsi(s)
	shifted := make([]int8, 7)
	for _, perm := range g {
		for k, site := range perm {
			shifted[site] = s[k]
		}
		if l := m.LogPsi(shifted); math.Abs(l-l0) > 1e-12 {
			t.Errorf("ln Psi %.15g after a translation, %.15g before", l, l0)
		}
	}
	full := NewSpinRBM(7, 21)
	full.Randomize(0.5, rng)
	for k, site := range g[1] {
		shifted[site] = s[k]
	}
	if math.Abs(full.LogPsi(shifted)-full.LogPsi(s)) < 1e-6 {
		t.Error("a random full RBM looks translation invariant: the check cannot fail")
	}
}
