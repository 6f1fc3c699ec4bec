package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// The pair classes of the 10×10 square lattice under its space group are
// the distance vectors (dx, dy), 0 ≤ dx ≤ dy ≤ 5, without (0, 0): 20, and
// the classes hold all 4950 pairs; on a ring of 8 under translations
// alone, the 4 distances.
func TestSpinJastrowClasses(t *testing.T) {
	for _, c := range []struct {
		name  string
		n     int
		g     [][]int
		want  int
		sizes map[int]int // class → pairs, where known
	}{
		{"square 10", 100, spaceGroup(t, "square", 10), 20, map[int]int{0: 200}}, // (0,1) nearest neighbours: 2N bonds
		{"ring 8", 8, ringTranslations(8), 4, map[int]int{0: 8, 3: 4}},           // distance 1: 8 pairs, distance 4: 4
	} {
		m, err := wavefunc.NewSpinJastrow(c.n, c.g)
		if err != nil {
			t.Fatal(err)
		}
		if m.NumParams() != c.want {
			t.Errorf("%s: %d classes, want %d", c.name, m.NumParams(), c.want)
		}
		total := 0
		for _, s := range m.ClassSizes() {
			total += s
		}
		if total != c.n*(c.n-1)/2 {
			t.Errorf("%s: classes hold %d pairs, want %d", c.name, total, c.n*(c.n-1)/2)
		}
		for k, s := range c.sizes {
			if m.ClassSizes()[k] != s {
				t.Errorf("%s: class %d has %d pairs, want %d", c.name, k, m.ClassSizes()[k], s)
			}
		}
	}
	if _, err := wavefunc.NewSpinJastrow(4, [][]int{{0, 1, 1, 3}}); err == nil {
		t.Error("a non-permutation was accepted")
	}
}

// Cached ratios and fields after 2000 moves against fresh evaluations,
// O_k against finite differences (ln Ψ is linear in v: the central
// difference is exact up to round-off), and invariance under the space
// group, for the Jastrow alone and times a space-group RBM.
func TestSpinJastrowAndProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	g := spaceGroup(t, "square", 4)
	jas, err := wavefunc.NewSpinJastrow(16, g)
	if err != nil {
		t.Fatal(err)
	}
	rbm := wavefunc.NewSymmetricSpinRBM(16, 2, g)
	prod, err := wavefunc.NewSpinProduct(rbm, jas)
	if err != nil {
		t.Fatal(err)
	}
	prod.Randomize(0.3, rng)
	if got, want := prod.NumParams(), rbm.NumParams()+jas.NumParams(); got != want {
		t.Fatalf("product has %d parameters, want %d", got, want)
	}
	for _, c := range []struct {
		name string
		m    interface {
			wavefunc.SpinModel
			LogPsi([]int8) float64
		}
	}{{"jastrow", jas}, {"product", prod}} {
		st := c.m.NewState(randomSpins(16, rng))
		if err := wavecheck.SpinMoves(c.m, st, 2000, 1e-10, rng); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for trial := range 3 {
			if err := wavecheck.SpinParamGrad(c.m, c.m.NewState(randomSpins(16, rng)), 1e-5, 1e-8); err != nil {
				t.Fatalf("%s trial %d: %v", c.name, trial, err)
			}
		}
		s := randomSpins(16, rng)
		l0 := c.m.LogPsi(s)
		img := make([]int8, 16)
		for e, p := range g {
			for k, v := range s {
				img[p[k]] = v
			}
			if l := c.m.LogPsi(img); math.Abs(l-l0) > 1e-12*(1+math.Abs(l0)) {
				t.Fatalf("%s: ln Ψ changes under element %d: %g vs %g", c.name, e, l, l0)
			}
		}
	}
	// The product's ln Ψ is the sum of its factors'.
	s := randomSpins(16, rng)
	if d := prod.LogPsi(s) - rbm.LogPsi(s) - jas.LogPsi(s); math.Abs(d) > 1e-12 {
		t.Errorf("product ln Ψ off the factors' sum by %g", d)
	}
	if _, err := wavefunc.NewSpinProduct(rbm, wavefunc.NewSpinRBM(9, 2)); err == nil {
		t.Error("factors on different sites were accepted")
	}
}

// Moves and the gradient of the Jastrow allocate nothing.
func TestSpinJastrowAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	g := spaceGroup(t, "square", 4)
	jas, _ := wavefunc.NewSpinJastrow(16, g)
	prod, _ := wavefunc.NewSpinProduct(wavefunc.NewSymmetricSpinRBM(16, 1, g), jas)
	prod.Randomize(0.2, rng)
	st := prod.NewState(randomSpins(16, rng))
	grad := make([]float64, prod.NumParams())
	if a := testing.AllocsPerRun(100, func() {
		_ = st.LogRatio(1, 2)
		_ = st.Ratio(3, -1)
		st.Flip(1, 2)
		st.ParamGrad(grad)
	}); a != 0 {
		t.Errorf("%g allocations per move", a)
	}
}
