package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// sz0Spins is a random configuration with n/2 spins up.
func sz0Spins(n int, rng *rand.Rand) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = 1
		if i >= n/2 {
			s[i] = -1
		}
	}
	rng.Shuffle(n, func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}

// pairProduct4x4 is the pair product on the periodic 4×4 lattice with f
// shared over translations, in the Marshall-rotated basis when marshall.
func pairProduct4x4(t *testing.T, marshall bool, rng *rand.Rand) (*wavefunc.SpinPairProduct, *hamiltonian.Spin) {
	lat, err := hamiltonian.NewLattice("square", 4, true)
	if err != nil {
		t.Fatal(err)
	}
	h, err := hamiltonian.NewHeisenberg(lat, 1, marshall)
	if err != nil {
		t.Fatal(err)
	}
	g, err := lat.Translations()
	if err != nil {
		t.Fatal(err)
	}
	signs, start := wavefunc.PairingSquare(4, 0.3)
	o := wavefunc.PairOptions{Group: g, Signs: signs, Start: start}
	if marshall {
		o.Marshall = h.MarshallSigns()
	}
	m, err := wavefunc.NewSpinPairProduct(16, o)
	if err != nil {
		t.Fatal(err)
	}
	m.Randomize(0.3, rng)
	return m, h
}

// Cached signed ratios, signs and ln|Ψ| over 3000 exchanges (half of
// them made whatever their ratio, so the updates of F⁻¹ run past fresh
// inversions) against the fresh determinant; flips that leave S^z = 0
// have ratio 0. ln|Ψ| sums the logarithms of up to 64 ratios, small ones
// among them, between fresh inversions: tolerance 1e-7.
func TestSpinPairProductMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, marshall := range []bool{false, true} {
		m, _ := pairProduct4x4(t, marshall, rng)
		if m.NumParams() != 16 {
			t.Fatalf("translation-shared f on 4×4: %d parameters, want 16", m.NumParams())
		}
		st := m.NewState(sz0Spins(16, rng))
		next := make([]int8, 16)
		made, negative := 0, 0
		for mv := range 3000 {
			s := st.Spins()
			i := rng.IntN(16)
			j := rng.IntN(16)
			for s[j] == s[i] {
				j = rng.IntN(16)
			}
			copy(next, s)
			next[i], next[j] = -next[i], -next[j]
			sg0, l0 := m.Amplitude(s)
			sg1, l1 := m.Amplitude(next)
			want := sg0 * sg1 * math.Exp(l1-l0)
			// Relative to max(1, |ratio|): the 2×2 determinant lemma
			// cancels O(1) terms for a small ratio, and F⁻¹ drifts over
			// the up to 64 updates between fresh inversions (measured
			// ≤ 2e-8 here, where moves are made whatever their ratio;
			// 4e-11 when only ratios above 0.2 are made).
			tol := 1e-7 * max(1, math.Abs(want))
			if got := st.Ratio(i, j); math.Abs(got-want) > tol {
				t.Fatalf("marshall %v, move %d (%d, %d): Ratio %v, fresh %v", marshall, mv, i, j, got, want)
			}
			if got := st.LogRatio(i, j); math.Abs(math.Exp(got)-math.Abs(want)) > tol {
				t.Fatalf("marshall %v, move %d: LogRatio %v, fresh %v", marshall, mv, got, l1-l0)
			}
			if want < 0 {
				negative++
			}
			if rng.IntN(2) == 0 {
				continue
			}
			st.Flip(i, j)
			made++
			if got := st.LogPsi(); math.Abs(got-l1) > 1e-7 {
				t.Fatalf("marshall %v, move %d: LogPsi %v after the flip, fresh %v", marshall, mv, got, l1)
			}
		}
		if made < 1000 || negative < 100 {
			t.Fatalf("marshall %v: %d exchanges made, %d negative ratios: the check saw too few", marshall, made, negative)
		}
		s := st.Spins()
		i := 0
		j := 1
		for s[j] != s[i] {
			j++
		}
		if r := st.Ratio(i, -1); r != 0 {
			t.Errorf("a single flip leaves S^z = 0: Ratio %v, want 0", r)
		}
		if r := st.Ratio(i, j); r != 0 {
			t.Errorf("flipping two equal spins leaves S^z = 0: Ratio %v, want 0", r)
		}
		if l := st.LogRatio(i, -1); !math.IsInf(l, -1) {
			t.Errorf("single flip: LogRatio %v, want −Inf", l)
		}
	}
}

// O_k against central differences of the fresh ln|Ψ| (smooth in f away
// from the nodes; a random f keeps det F far from zero).
func TestSpinPairProductParamGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	m, _ := pairProduct4x4(t, true, rng)
	for trial := range 4 {
		if err := wavecheck.SpinParamGrad(m, m.NewState(sz0Spins(16, rng)), 1e-6, 1e-6); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
	}
}

// The physics of the signs: with f(u, d) = f(d, u) the pair product is a
// total singlet, so on the complete graph, where H = Σ_{i<j} S_i·S_j =
// (S² − 3N/4)/2, its energy from the signed local ratios is exactly
// −3N/8; an f without that symmetry has triplet weight and lies above.
// And the same state in the Marshall-rotated basis has the same energy
// on the rotated ring as unrotated on the plain one.
func TestSpinPairProductSinglet(t *testing.T) {
	const n = 8
	rng := rand.New(rand.NewPCG(45, 46))
	full := hamiltonian.NewSpin(n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			if err := full.AddBond(i, j, hamiltonian.HeisenbergBond(1)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// One parameter per ring distance d (f(u, u+d) = f_d), symmetric when
	// f_d = f_{n−d}.
	m, err := wavefunc.NewSpinPairProduct(n, wavefunc.PairOptions{Group: ringTranslations(n)})
	if err != nil {
		t.Fatal(err)
	}
	f := make([]float64, m.NumParams())
	for d := range n {
		f[m.Class()[d]] = rng.NormFloat64()
	}
	sym := append([]float64(nil), f...)
	for d := 1; d < n; d++ {
		sym[m.Class()[d]] = f[m.Class()[min(d, n-d)]]
	}
	energy := func(m *wavefunc.SpinPairProduct, h *hamiltonian.Spin) float64 {
		e, _ := exactPairEnergy(m, h)
		return e
	}
	m.SetParams(sym)
	if e := energy(m, full); math.Abs(e+3.0*n/8) > 1e-10 {
		t.Errorf("symmetric f on the complete graph: E = %.12f, want the singlet's %v", e, -3.0*n/8)
	}
	m.SetParams(f)
	if e := energy(m, full); e < -3.0*n/8+1e-3 {
		t.Errorf("asymmetric f on the complete graph: E = %.12f, want above the singlet's %v (triplet weight)", e, -3.0*n/8)
	}
	lat, err := hamiltonian.NewLattice("chain", n, true)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := hamiltonian.NewHeisenberg(lat, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := hamiltonian.NewHeisenberg(lat, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	mr, err := wavefunc.NewSpinPairProduct(n, wavefunc.PairOptions{Group: ringTranslations(n), Marshall: rotated.MarshallSigns()})
	if err != nil {
		t.Fatal(err)
	}
	mr.SetParams(sym)
	m.SetParams(sym)
	e0, e1 := energy(m, plain), energy(mr, rotated)
	if math.Abs(e0-e1) > 1e-10 {
		t.Errorf("ring: E = %.12f unrotated, %.12f in the rotated basis", e0, e1)
	}
	if e0 < -3.6510934 { // the exact ground state of the 8-site ring
		t.Errorf("ring: E = %v below the exact ground state", e0)
	}
}

// Gros's projected d-wave state (PairingSquare) on the periodic 4×4
// lattice: exact sums over the 12 870 configurations with S^z = 0 give
// E/N = −0.6462 at t = 0.3, above the exact −0.7018 and far below the
// −0.31 of the nearest-neighbour pairing with periodic pairs, whose signs
// are half wrong; it is Marshall-positive (every amplitude of one sign in
// the rotated basis), and the translation-shared model starts at the
// same state.
func TestSpinPairProductDWave(t *testing.T) {
	_, h := pairProduct4x4(t, true, rand.New(rand.NewPCG(49, 50)))
	signs, start := wavefunc.PairingSquare(4, 0.3)
	m2, err := wavefunc.NewSpinPairProduct(16, wavefunc.PairOptions{Signs: signs, Start: start, Marshall: h.MarshallSigns()})
	if err != nil {
		t.Fatal(err)
	}
	e, negative := exactPairEnergy(m2, h)
	if !(e/16 > -0.701780 && e/16 < -0.64) || negative > 1e-8 {
		t.Errorf("one f per pair: E/N = %.6f with negative weight %.2g, want in (−0.701780, −0.64) and 0", e/16, negative)
	}
	// The translation-shared model starts at the same f.
	lat, _ := hamiltonian.NewLattice("square", 4, true)
	g, _ := lat.Translations()
	m3, err := wavefunc.NewSpinPairProduct(16, wavefunc.PairOptions{Group: g, Signs: signs, Start: start, Marshall: h.MarshallSigns()})
	if err != nil {
		t.Fatal(err)
	}
	if m3.NumParams() != 16 {
		t.Fatalf("%d parameters, want 16", m3.NumParams())
	}
	e3, _ := exactPairEnergy(m3, h)
	if math.Abs(e3-e) > 1e-9 {
		t.Errorf("translation-shared start: E = %.10f, per-pair %.10f", e3, e)
	}
}

// exactPairEnergy is ⟨H⟩ of the pair product by exact sums over the
// configurations with S^z = 0 (signed local ratios), and the weight of
// negative amplitudes.
func exactPairEnergy(m *wavefunc.SpinPairProduct, h *hamiltonian.Spin) (e, negative float64) {
	n := m.Sites()
	num, den := 0.0, 0.0
	for x := range 1 << n {
		s := make([]int8, n)
		up := 0
		for k := range n {
			s[k] = -1
			if x>>k&1 == 1 {
				s[k] = 1
				up++
			}
		}
		if up != n/2 {
			continue
		}
		st := m.NewState(s)
		sg, l := m.Amplitude(s)
		if math.IsInf(l, -1) {
			continue
		}
		w := math.Exp(2 * l)
		num += w * h.LocalEnergy(s, st)
		den += w
		if sg < 0 {
			negative += w
		}
	}
	return num / den, negative / den
}

func TestSpinPairProductAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 48))
	m, _ := pairProduct4x4(t, true, rng)
	st := m.NewState(sz0Spins(16, rng))
	o := make([]float64, m.NumParams())
	allocs := testing.AllocsPerRun(200, func() {
		s := st.Spins()
		i, j := rng.IntN(16), rng.IntN(16)
		if s[i] == s[j] {
			return
		}
		st.LogRatio(i, j)
		st.Ratio(i, j)
		st.Flip(i, j)
		st.ParamGrad(o)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per exchange, want 0", allocs)
	}
}

func TestSpinPairProductBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		o    wavefunc.PairOptions
	}{
		{"odd sites", 5, wavefunc.PairOptions{}},
		{"no sites", 0, wavefunc.PairOptions{}},
		{"short Marshall signs", 4, wavefunc.PairOptions{Marshall: []float64{1, -1}}},
		{"short signs", 4, wavefunc.PairOptions{Signs: []int8{1, -1}}},
		{"sign 0", 2, wavefunc.PairOptions{Signs: []int8{1, 1, 0, 1}}},
		{"short start", 4, wavefunc.PairOptions{Start: []float64{1}}},
		{"not a permutation", 4, wavefunc.PairOptions{Group: [][]int{{0, 1, 1, 3}}}},
	} {
		if _, err := wavefunc.NewSpinPairProduct(c.n, c.o); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// The pair product on the 10×10 lattice (m = 50): a two-spin ratio
// (O(m²)), an accepted exchange (O(m²) update, a fresh O(m³) inversion
// every 64) and O_k, at the d-wave start; exchanges of neighbours in the
// Néel state, alternating between two configurations.
func BenchmarkSpinPairProduct10x10(b *testing.B) {
	lat, err := hamiltonian.NewLattice("square", 10, true)
	if err != nil {
		b.Fatal(err)
	}
	g, err := lat.Translations()
	if err != nil {
		b.Fatal(err)
	}
	signs, start := wavefunc.PairingSquare(10, 0.3)
	m, err := wavefunc.NewSpinPairProduct(100, wavefunc.PairOptions{Group: g, Signs: signs, Start: start})
	if err != nil {
		b.Fatal(err)
	}
	s := make([]int8, 100)
	for i := range s {
		s[i] = int8(1 - 2*((i%10+i/10)%2))
	}
	st := m.NewState(s)
	o := make([]float64, m.NumParams())
	b.Run("ratio2", func(b *testing.B) {
		x := 0.0
		for k := 0; b.Loop(); k++ {
			x += st.Ratio(k%100, (k+1)%100)
		}
		_ = x
	})
	b.Run("flip2", func(b *testing.B) {
		for b.Loop() {
			st.Flip(0, 1)
		}
	})
	b.Run("paramgrad", func(b *testing.B) {
		for b.Loop() {
			st.ParamGrad(o)
		}
	})
}
