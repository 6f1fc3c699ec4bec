package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
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
	t.Run("full", func(t *testing.T) { checkSpinParamGrad(t, wavefunc.NewSpinRBM(6, 9)) })
	t.Run("symmetric", func(t *testing.T) { checkSpinParamGrad(t, wavefunc.NewSymmetricSpinRBM(6, 2, ringTranslations(6))) })
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

func checkSpinParamGrad(t *testing.T, m *wavefunc.SpinRBM) {
	rng := rand.New(rand.NewPCG(3, 4))
	m.Randomize(0.5, rng)
	for trial := range 5 {
		// Every O_k of a spin RBM is at most 1 in size (s_i, tanh θ_j,
		// s_i tanh θ_j), so the relative tolerance is an absolute one.
		if err := wavecheck.SpinParamGrad(m, m.NewState(randomSpins(6, rng)), 1e-5, 1e-8); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
	}
}

// Cached ratios and θ after a long chain of flips against fresh
// evaluations. Tolerance 1e-10: a ratio is a product of H factors each
// exact to a few ulps, and θ accumulates ~1e-16 per flip over 2000 flips.
func TestSpinRBMRatios(t *testing.T) {
	t.Run("full", func(t *testing.T) { checkSpinRatios(t, wavefunc.NewSpinRBM(8, 16)) })
	t.Run("symmetric", func(t *testing.T) { checkSpinRatios(t, wavefunc.NewSymmetricSpinRBM(8, 2, ringTranslations(8))) })
}

func checkSpinRatios(t *testing.T, m *wavefunc.SpinRBM) {
	rng := rand.New(rand.NewPCG(5, 6))
	m.Randomize(0.4, rng)
	st := m.NewState(randomSpins(m.Sites(), rng))
	if err := wavecheck.SpinMoves(m, st, 2000, 1e-10, rng); err != nil {
		t.Fatal(err)
	}
}

// Large weights push the single-flip product out of the float64 range;
// the logarithmic fallback must agree with the fresh evaluation.
func TestSpinRBMLargeWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n, h := 4, 400
	m := wavefunc.NewSpinRBM(n, h)
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
	m := wavefunc.NewSpinRBM(10, 20)
	m.Randomize(0.1, rng)
	if n := wavecheck.SpinMoveAllocs(m, m.NewState(randomSpins(10, rng)), 100); n != 0 {
		t.Errorf("%v allocations per ratio/flip/gradient", n)
	}
	sym := wavefunc.NewSymmetricSpinRBM(10, 2, ringTranslations(10))
	if n := wavecheck.SpinMoveAllocs(sym, sym.NewState(randomSpins(10, rng)), 100); n != 0 {
		t.Errorf("symmetric: %v allocations per ratio/flip/gradient", n)
	}
}

// A symmetric RBM is invariant under its group: ln Ψ(s∘g) = ln Ψ(s) to
// round-off, while a generic full RBM is not.
func TestSymmetricSpinRBMInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	g := ringTranslations(7)
	m := wavefunc.NewSymmetricSpinRBM(7, 3, g)
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
	full := wavefunc.NewSpinRBM(7, 21)
	full.Randomize(0.5, rng)
	for k, site := range g[1] {
		shifted[site] = s[k]
	}
	if math.Abs(full.LogPsi(shifted)-full.LogPsi(s)) < 1e-6 {
		t.Error("a random full RBM looks translation invariant: the check cannot fail")
	}
}
