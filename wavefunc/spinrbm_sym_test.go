package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

func spaceGroup(t testing.TB, kind string, l int) [][]int {
	lat, err := hamiltonian.NewLattice(kind, l, true)
	if err != nil {
		t.Fatal(err)
	}
	g, err := lat.SpaceGroup()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// The RBM symmetrised over translations × C4v is invariant under all
// 8·L² elements (rotations and reflections included) to round-off, its
// gradient matches finite differences and its cached ratios fresh
// evaluations (tolerances as for the translation-symmetric RBM).
func TestSpaceGroupSpinRBM(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	g := spaceGroup(t, hamiltonian.Square, 4)
	m := wavefunc.NewSymmetricSpinRBM(16, 2, g)
	if m.Hidden() != 2*128 || m.NumParams() != 1+2+2*16 {
		t.Fatalf("%d hidden units and %d parameters, want 256 and 35", m.Hidden(), m.NumParams())
	}
	m.Randomize(0.3, rng)
	s := randomSpins(16, rng)
	l0 := m.LogPsi(s)
	moved := make([]int8, 16)
	for e, perm := range g {
		for k, site := range perm {
			moved[site] = s[k]
		}
		if l := m.LogPsi(moved); math.Abs(l-l0) > 1e-12*math.Max(1, math.Abs(l0)) {
			t.Fatalf("element %d: ln Psi %.15g, %.15g before", e, l, l0)
		}
	}
	// A translation-only RBM is not invariant under the 90° rotation
	// (element 16·1 of the space group): the check above can fail.
	tr := wavefunc.NewSymmetricSpinRBM(16, 2, g[:16])
	tr.Randomize(0.3, rng)
	for k, site := range g[16] {
		moved[site] = s[k]
	}
	if math.Abs(tr.LogPsi(moved)-tr.LogPsi(s)) < 1e-6 {
		t.Error("a translation-symmetric RBM looks rotation invariant")
	}
	for trial := range 3 {
		if err := wavecheck.SpinParamGrad(m, m.NewState(randomSpins(16, rng)), 1e-5, 1e-8); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
	}
	if err := wavecheck.SpinMoves(m, m.NewState(randomSpins(16, rng)), 500, 1e-10, rng); err != nil {
		t.Fatal(err)
	}
	if n := wavecheck.SpinMoveAllocs(m, m.NewState(randomSpins(16, rng)), 50); n != 0 {
		t.Errorf("%v allocations per ratio/flip/gradient", n)
	}
}

// The chain's space group (translations and the reflection) likewise.
func TestSpaceGroupSpinRBMChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	g := spaceGroup(t, hamiltonian.Chain, 8)
	m := wavefunc.NewSymmetricSpinRBM(8, 2, g)
	m.Randomize(0.4, rng)
	s := randomSpins(8, rng)
	l0 := m.LogPsi(s)
	moved := make([]int8, 8)
	for e, perm := range g {
		for k, site := range perm {
			moved[site] = s[k]
		}
		if l := m.LogPsi(moved); math.Abs(l-l0) > 1e-12*math.Max(1, math.Abs(l0)) {
			t.Fatalf("element %d: ln Psi %.15g, %.15g before", e, l, l0)
		}
	}
	if err := wavecheck.SpinParamGrad(m, m.NewState(s), 1e-5, 1e-8); err != nil {
		t.Fatal(err)
	}
}

// Per-move costs at 10×10 with α = 4: the translation-symmetric RBM
// (400 hidden units) and the space-group one (3200).
func BenchmarkSpinRBM10x10(b *testing.B) {
	for _, c := range []struct {
		name string
		g    [][]int
	}{{"translations", spaceGroup(b, hamiltonian.Square, 10)[:100]}, {"space-group", spaceGroup(b, hamiltonian.Square, 10)}} {
		rng := rand.New(rand.NewPCG(1, 2))
		m := wavefunc.NewSymmetricSpinRBM(100, 4, c.g)
		m.Randomize(0.01, rng)
		s := make([]int8, 100)
		for i := range s {
			s[i] = int8(1 - 2*(i%2))
		}
		st := m.NewState(s)
		o := make([]float64, m.NumParams())
		b.Run(c.name+"/ratio2", func(b *testing.B) {
			x := 0.0
			for k := 0; b.Loop(); k++ {
				x += st.Ratio(k%100, (k+1)%100)
			}
			_ = x
		})
		b.Run(c.name+"/flip2", func(b *testing.B) {
			for k := 0; b.Loop(); k++ {
				st.Flip(k%100, (k+1)%100)
			}
		})
		b.Run(c.name+"/paramgrad", func(b *testing.B) {
			for b.Loop() {
				st.ParamGrad(o)
			}
		})
	}
}
