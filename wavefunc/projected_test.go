package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// pointGroup is the elements of the lattice's space group that fix site 0.
func pointGroup(g [][]int) [][]int {
	var out [][]int
	for _, p := range g {
		if p[0] == 0 {
			out = append(out, p)
		}
	}
	return out
}

// projected4x4 is a translation-symmetric RBM on the periodic 4×4 lattice
// with random weights of scale 0.3, projected onto the point group (and
// the flip), and the lattice's space group.
func projected4x4(t testing.TB, flip bool, rng *rand.Rand) (*wavefunc.ProjectedSpin, [][]int) {
	g := spaceGroup(t, hamiltonian.Square, 4)
	in := wavefunc.NewSymmetricSpinRBM(16, 2, g[:16])
	in.Randomize(0.3, rng)
	pg := pointGroup(g)
	if len(pg) != 8 {
		t.Fatalf("%d point-group elements, want 8", len(pg))
	}
	m, err := wavefunc.NewProjectedSpin(in, pg, flip)
	if err != nil {
		t.Fatal(err)
	}
	return m, g
}

// Cached ratios, ln Ψ and O_k of the projection against fresh evaluations
// and finite differences, with the inner RBM's tolerances (the weights add
// O(|P|) roundings, far below them); moves allocate nothing.
func TestProjectedSpinMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, flip := range []bool{false, true} {
		m, _ := projected4x4(t, flip, rng)
		if want := 8 * (1 + btoi(flip)); m.Images() != want || m.NumParams() != 1+2+2*16 {
			t.Fatalf("flip %v: %d images and %d parameters, want %d and 35", flip, m.Images(), m.NumParams(), want)
		}
		for trial := range 2 {
			if err := wavecheck.SpinParamGrad(m, m.NewState(randomSpins(16, rng)), 1e-5, 1e-8); err != nil {
				t.Fatalf("flip %v, trial %d: %v", flip, trial, err)
			}
		}
		if err := wavecheck.SpinMoves(m, m.NewState(randomSpins(16, rng)), 400, 1e-10, rng); err != nil {
			t.Fatalf("flip %v: %v", flip, err)
		}
		if n := wavecheck.SpinMoveAllocs(m, m.NewState(randomSpins(16, rng)), 50); n != 0 {
			t.Errorf("flip %v: %v allocations per ratio/flip/gradient", flip, n)
		}
		// SetSpins and Refresh agree with a fresh state.
		st := m.NewState(randomSpins(16, rng))
		s := randomSpins(16, rng)
		st.SetSpins(s)
		if got, want := st.LogPsi(), m.LogPsi(s); math.Abs(got-want) > 1e-12 {
			t.Errorf("flip %v: ln Psi %.15g after SetSpins, fresh %.15g", flip, got, want)
		}
		m.Randomize(0.3, rng)
		st.Refresh()
		if got, want := st.LogPsi(), m.LogPsi(s); math.Abs(got-want) > 1e-12 {
			t.Errorf("flip %v: ln Psi %.15g after Refresh, fresh %.15g", flip, got, want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A translation-invariant RBM projected onto the point group is invariant
// under the whole space group (8·16 elements), and with the flip under
// s → −s too; without the flip it is not (so the check can fail).
func TestProjectedSpinInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	for _, flip := range []bool{false, true} {
		m, g := projected4x4(t, flip, rng)
		moved := make([]int8, 16)
		for trial := range 3 {
			s := randomSpins(16, rng)
			l0 := m.LogPsi(s)
			for e, perm := range g {
				for k, site := range perm {
					moved[site] = s[k]
				}
				if l := m.LogPsi(moved); math.Abs(l-l0) > 1e-12*math.Max(1, math.Abs(l0)) {
					t.Fatalf("flip %v, trial %d, element %d: ln Psi %.15g, %.15g before", flip, trial, e, l, l0)
				}
			}
			for k := range s {
				moved[k] = -s[k]
			}
			d := math.Abs(m.LogPsi(moved) - l0)
			if flip && d > 1e-12*math.Max(1, math.Abs(l0)) {
				t.Fatalf("trial %d: ln Psi changes by %g under s → −s", trial, d)
			}
			if !flip && d < 1e-6 {
				t.Fatalf("trial %d: the point-group projection looks flip invariant (change %g)", trial, d)
			}
		}
	}
}

// Any SpinModel can be projected: a plain RBM on the ring of 8 sites over
// its whole space group (16 elements) becomes invariant under it, and its
// ratios and gradient stay exact.
func TestProjectedSpinPlainChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	g := spaceGroup(t, hamiltonian.Chain, 8)
	in := wavefunc.NewSpinRBM(8, 8)
	in.Randomize(0.4, rng)
	m, err := wavefunc.NewProjectedSpin(in, g, true)
	if err != nil {
		t.Fatal(err)
	}
	s := randomSpins(8, rng)
	l0 := m.LogPsi(s)
	moved := make([]int8, 8)
	for e, perm := range g {
		for k, site := range perm {
			moved[site] = -s[k]
		}
		if l := m.LogPsi(moved); math.Abs(l-l0) > 1e-12*math.Max(1, math.Abs(l0)) {
			t.Fatalf("element %d with the flip: ln Psi %.15g, %.15g before", e, l, l0)
		}
	}
	if err := wavecheck.SpinParamGrad(m, m.NewState(s), 1e-5, 1e-8); err != nil {
		t.Fatal(err)
	}
	if err := wavecheck.SpinMoves(m, m.NewState(s), 300, 1e-10, rng); err != nil {
		t.Fatal(err)
	}
}

// With large weights ln Ψ of every image is far beyond exp's range
// (> 709), yet ln Ψ_P and its ratios stay finite and exact: the weights
// are shifted by their maximum.
func TestProjectedSpinLargeLogPsi(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	g := spaceGroup(t, hamiltonian.Square, 4)
	in := wavefunc.NewSymmetricSpinRBM(16, 4, g[:16])
	in.Randomize(6, rng)
	m, err := wavefunc.NewProjectedSpin(in, pointGroup(g), true)
	if err != nil {
		t.Fatal(err)
	}
	st := m.NewState(randomSpins(16, rng))
	if l := st.LogPsi(); !(l > 800) || math.IsInf(l, 0) {
		t.Fatalf("ln Psi = %g, want finite and > 800 for this check", l)
	}
	flipped := make([]int8, 16)
	for mv := range 200 {
		i, j := rng.IntN(16), -1
		if mv%2 == 1 {
			j = (i + 1 + rng.IntN(15)) % 16
		}
		copy(flipped, st.Spins())
		flipped[i] = -flipped[i]
		if j >= 0 {
			flipped[j] = -flipped[j]
		}
		l0 := st.LogPsi()
		want := m.LogPsi(flipped) - l0
		// ln Ψ ~ 10³ carries absolute round-off ~10⁻¹³ per evaluation.
		if got := st.LogRatio(i, j); !(math.Abs(got-want) <= 1e-9) {
			t.Fatalf("move %d: LogRatio %.15g, fresh %.15g", mv, got, want)
		}
		if r := st.Ratio(i, j); want < 700 && !(math.Abs(math.Log(r)-want) <= 1e-9) {
			t.Fatalf("move %d: Ratio %g, fresh exp(%.15g)", mv, r, want)
		}
		if 2*want > math.Log(rng.Float64()) {
			st.Flip(i, j)
		}
	}
}

// Bad input is an error that says what is wrong.
func TestProjectedSpinErrors(t *testing.T) {
	in := wavefunc.NewSpinRBM(4, 4)
	for _, c := range []struct {
		perms [][]int
		want  string
	}{
		{nil, "no permutations"},
		{[][]int{{0, 1, 2}}, "3 sites, want 4"},
		{[][]int{{0, 1, 2, 2}}, "not a permutation"},
		{[][]int{{0, 1, 2, 4}}, "not a permutation"},
	} {
		if _, err := wavefunc.NewProjectedSpin(in, c.perms, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one mentioning %q", c.perms, err, c.want)
		}
	}
	cx := wavefunc.NewSymmetricComplexSpinRBM(4, 1, [][]int{{0, 1, 2, 3}})
	if _, err := wavefunc.NewProjectedSpin(cx, [][]int{{0, 1, 2, 3}}, false); err == nil || !strings.Contains(err.Error(), "complex") {
		t.Errorf("complex inner model: error %v, want one mentioning complex", err)
	}
}
