package hamiltonian_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// table is a positive amplitude for each of the 2^N configurations (bit i
// set for s_i = +1), with the configuration it is evaluated at.
type table struct {
	amp []float64
	cur uint64
}

func (t *table) Ratio(i, j int) float64 {
	x := t.cur ^ 1<<i
	if j >= 0 {
		x ^= 1 << j
	}
	return t.amp[x] / t.amp[t.cur]
}

func config(x uint64, n int, s []int8) {
	for i := range n {
		s[i] = -1
		if x>>i&1 == 1 {
			s[i] = 1
		}
	}
}

// E_L(s) = (HΨ)(s)/Ψ(s) for an arbitrary positive Ψ, with H from exact's
// dense matrix built independently from bit operations. The tolerance is
// round-off on sums of O(N) terms of order 1.
func TestLocalEnergyMatchesMatrix(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		model, kind string
		l           int
		pbc         bool
	}{
		{"tfim", "chain", 6, true},
		{"tfim", "square", 3, false},
		{"heisenberg", "chain", 6, true},
		{"heisenberg", "square", 2, true},
		{"heisenberg", "chain", 5, false},
	} {
		lat, err := hamiltonian.NewLattice(c.kind, c.l, c.pbc)
		if err != nil {
			t.Fatal(err)
		}
		var h *hamiltonian.Spin
		if c.model == "tfim" {
			h, err = hamiltonian.NewTFIM(lat, 0.8, 1.3)
		} else {
			h, err = hamiltonian.NewHeisenberg(lat, 1.1, true)
		}
		if err != nil {
			t.Fatal(err)
		}
		m, err := exact.Matrix(h, true, 1<<26)
		if err != nil {
			t.Fatal(err)
		}
		dim := 1 << h.N
		tb := &table{amp: make([]float64, dim)}
		for k := range tb.amp {
			tb.amp[k] = 0.5 + rng.Float64()
		}
		s := make([]int8, h.N)
		for x := range dim {
			tb.cur = uint64(x)
			config(tb.cur, h.N, s)
			want := 0.0
			for y := range dim {
				want += m.At(x, y) * tb.amp[y]
			}
			want /= tb.amp[x]
			if got := h.LocalEnergy(s, tb); math.Abs(got-want) > 1e-12*float64(h.N) {
				t.Fatalf("%v, s=%v: E_L = %.15g, want %.15g", h, s, got, want)
			}
		}
	}
}

type flat struct{}

func (flat) Ratio(i, j int) float64 { return 1.1 }

func TestLocalEnergyAllocs(t *testing.T) {
	lat, _ := hamiltonian.NewLattice("square", 4, true)
	h, _ := hamiltonian.NewHeisenberg(lat, 1, true)
	s := make([]int8, h.N)
	for i := range s {
		s[i] = int8(1 - 2*(i%2))
	}
	var r hamiltonian.Ratioer = flat{}
	if n := testing.AllocsPerRun(100, func() { h.LocalEnergy(s, r) }); n != 0 {
		t.Errorf("LocalEnergy allocates %v times", n)
	}
}

func TestLattices(t *testing.T) {
	for _, c := range []struct {
		kind      string
		l         int
		pbc       bool
		sites     int
		bonds     int
		bipartite bool
	}{
		{"chain", 10, true, 10, 10, true},
		{"chain", 9, true, 9, 9, false},
		{"chain", 9, false, 9, 8, true},
		{"chain", 2, true, 2, 1, true},
		{"square", 4, true, 16, 32, true},
		{"square", 3, true, 9, 18, false},
		{"square", 3, false, 9, 12, true},
	} {
		lat, err := hamiltonian.NewLattice(c.kind, c.l, c.pbc)
		if err != nil {
			t.Fatal(err)
		}
		if lat.Sites() != c.sites || len(lat.Bonds) != c.bonds || lat.Bipartite() != c.bipartite {
			t.Errorf("%v: %d sites, %d bonds, bipartite %v; want %d, %d, %v",
				lat, lat.Sites(), len(lat.Bonds), lat.Bipartite(), c.sites, c.bonds, c.bipartite)
		}
		seen := map[[2]int]bool{}
		for _, b := range lat.Bonds {
			p := [2]int{min(b[0], b[1]), max(b[0], b[1])}
			if seen[p] || b[0] == b[1] {
				t.Errorf("%v: bond %v repeated or a self-loop", lat, b)
			}
			seen[p] = true
		}
	}
	if _, err := hamiltonian.NewLattice("hexagon", 4, true); err == nil {
		t.Error("unknown lattice accepted")
	}
	lat, _ := hamiltonian.NewLattice("chain", 9, true)
	if _, err := hamiltonian.NewHeisenberg(lat, 1, true); err == nil {
		t.Error("Marshall sign rule accepted on an odd ring")
	}
}

// term is one term of an operator written down for the dense reference.
type term struct {
	i, j int // j < 0: one site
	m    [4][4]float64
}

// denseOf builds the 2^N matrix of Σ terms directly from the matrices
// (bit i of a configuration set for s_i = +1), rotated by π about z on the
// sites with rot[i] = 1 when rot is given: independent of the compiled
// pieces that LocalEnergy and package exact read.
func denseOf(n int, terms []term, rot []int8) [][]float64 {
	dim := 1 << n
	h := make([][]float64, dim)
	for x := range h {
		h[x] = make([]float64, dim)
	}
	down := func(x, i int) int { return 1 - x>>i&1 }
	for x := range dim {
		for _, t := range terms {
			sites := []int{t.i}
			if t.j >= 0 {
				sites = append(sites, t.j)
			}
			k := len(sites)
			a := 0
			for _, i := range sites {
				a = a<<1 | down(x, i)
			}
			for b := range 1 << k {
				y := x
				for p, i := range sites {
					if (b>>(k-1-p))&1 != down(x, i) {
						y ^= 1 << i
					}
				}
				h[x][y] += t.m[a][b]
			}
		}
	}
	if rot != nil {
		for x := range dim {
			for y := range dim {
				flips := 0
				for i, r := range rot {
					if r == 1 && (x^y)>>i&1 == 1 {
						flips++
					}
				}
				if flips%2 == 1 {
					h[x][y] = -h[x][y]
				}
			}
		}
	}
	return h
}

func site(m hamiltonian.SiteMatrix) (out [4][4]float64) {
	out[0][0], out[0][1], out[1][0], out[1][1] = m[0][0], m[0][1], m[1][0], m[1][1]
	return out
}

// checkOperator compares h with the dense reference: exact's matrix,
// E_L = (HΨ)(s)/Ψ(s) for a random positive Ψ, the connected elements and
// ConservesSz.
func checkOperator(t *testing.T, h *hamiltonian.Spin, ref [][]float64) {
	t.Helper()
	n := h.N
	dim := 1 << n
	m, err := exact.Matrix(h, true, 1<<26)
	if err != nil {
		t.Fatal(err)
	}
	conserves := true
	for x := range dim {
		for y := range dim {
			if math.Abs(m.At(x, y)-ref[x][y]) > 1e-13 {
				t.Fatalf("%v: exact's H[%d][%d] = %g, reference %g", h, x, y, m.At(x, y), ref[x][y])
			}
			if ref[x][y] != 0 && bitsUp(x) != bitsUp(y) {
				conserves = false
			}
		}
	}
	if h.ConservesSz() != conserves {
		t.Errorf("%v: ConservesSz = %v, reference %v", h, h.ConservesSz(), conserves)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	tb := &table{amp: make([]float64, dim)}
	for k := range tb.amp {
		tb.amp[k] = 0.5 + rng.Float64()
	}
	s := make([]int8, n)
	var conn []hamiltonian.Connection
	for x := range dim {
		tb.cur = uint64(x)
		config(tb.cur, n, s)
		want := 0.0
		for y := range dim {
			want += ref[x][y] * tb.amp[y]
		}
		want /= tb.amp[x]
		if got := h.LocalEnergy(s, tb); math.Abs(got-want) > 1e-12*float64(n) {
			t.Fatalf("%v, s=%v: E_L = %.15g, want %.15g", h, s, got, want)
		}
		// Diagonal plus connected elements rebuild the row.
		row := make([]float64, dim)
		row[x] = h.Diagonal(s)
		conn = h.Connected(s, conn[:0])
		for _, c := range conn {
			y := x ^ 1<<c.I
			if c.J >= 0 {
				y ^= 1 << c.J
			}
			row[y] += c.C
		}
		for y := range dim {
			if math.Abs(row[y]-ref[x][y]) > 1e-13 {
				t.Fatalf("%v: row %d from Diagonal and Connected has %g at %d, reference %g", h, x, row[y], y, ref[x][y])
			}
		}
	}
}

func bitsUp(x int) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

// User-built operators against the dense reference: a J1–J2 ring with the
// Marshall rotation, an XXZ chain in both fields, and random symmetric
// one- and two-site matrices (every element pattern at once).
func TestUserOperators(t *testing.T) {
	const n = 6
	t.Run("J1-J2", func(t *testing.T) {
		h := hamiltonian.NewSpin(n)
		sub := []int8{0, 1, 0, 1, 0, 1}
		if err := h.RotateMarshall(sub); err != nil {
			t.Fatal(err)
		}
		var terms []term
		for i := range n {
			for r, j := range []float64{1, 0.5} {
				b := hamiltonian.HeisenbergBond(j)
				if err := h.AddBond(i, (i+r+1)%n, b); err != nil {
					t.Fatal(err)
				}
				terms = append(terms, term{i, (i + r + 1) % n, b})
			}
		}
		checkOperator(t, h, denseOf(n, terms, sub))
	})
	t.Run("XXZ in fields", func(t *testing.T) {
		h := hamiltonian.NewSpin(n)
		var terms []term
		for i := range n - 1 {
			b := hamiltonian.XXZBond(1.3, 0.4)
			if err := h.AddBond(i+1, i, b); err != nil {
				t.Fatal(err)
			}
			terms = append(terms, term{i + 1, i, b})
		}
		for i := range n {
			m := hamiltonian.FieldZ(0.3 * float64(i)).Plus(hamiltonian.FieldX(-0.7))
			if err := h.AddSite(i, m); err != nil {
				t.Fatal(err)
			}
			terms = append(terms, term{i, -1, site(m)})
		}
		checkOperator(t, h, denseOf(n, terms, nil))
	})
	t.Run("random matrices", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		h := hamiltonian.NewSpin(n)
		var terms []term
		for k := range 8 {
			var b hamiltonian.BondMatrix
			for a := range 4 {
				for c := a; c < 4; c++ {
					// Repeated values and zeros exercise the merging of
					// pieces that share an element.
					v := float64(rng.IntN(3)) - 1
					b[a][c], b[c][a] = v, v
				}
			}
			i, j := k%n, (k*5+1)%n
			if err := h.AddBond(i, j, b); err != nil {
				t.Fatal(err)
			}
			terms = append(terms, term{i, j, b})
		}
		m := hamiltonian.SiteMatrix{{0.2, -1.1}, {-1.1, 0.9}}
		if err := h.AddSite(2, m); err != nil {
			t.Fatal(err)
		}
		terms = append(terms, term{2, -1, site(m)})
		checkOperator(t, h, denseOf(n, terms, nil))
	})
	t.Run("built-in", func(t *testing.T) {
		lat, _ := hamiltonian.NewLattice(hamiltonian.Chain, n, true)
		h, _ := hamiltonian.NewHeisenberg(lat, 0.9, true)
		var terms []term
		for _, b := range lat.Bonds {
			terms = append(terms, term{b[0], b[1], hamiltonian.HeisenbergBond(0.9)})
		}
		checkOperator(t, h, denseOf(n, terms, lat.Sublattice))
		if !h.ConservesSz() {
			t.Error("Heisenberg does not conserve S^z")
		}
		tf, _ := hamiltonian.NewTFIM(lat, 1, 0.5)
		if tf.ConservesSz() {
			t.Error("TFIM with a field claims to conserve S^z")
		}
		if tf0, _ := hamiltonian.NewTFIM(lat, 1, 0); !tf0.ConservesSz() {
			t.Error("TFIM without a field does not conserve S^z")
		}
	})
}

func TestOperatorRejects(t *testing.T) {
	h := hamiltonian.NewSpin(4)
	asym := hamiltonian.IsingBond(1)
	asym[0][1] = 0.5
	nan := hamiltonian.FieldX(math.NaN())
	for name, err := range map[string]error{
		"same site":      h.AddBond(1, 1, hamiltonian.IsingBond(1)),
		"site range":     h.AddBond(0, 4, hamiltonian.IsingBond(1)),
		"negative site":  h.AddSite(-1, hamiltonian.FieldZ(1)),
		"asymmetric":     h.AddBond(0, 1, asym),
		"not finite":     h.AddSite(0, nan),
		"short rotation": h.RotateMarshall([]int8{0, 1}),
		"bad sublattice": h.RotateMarshall([]int8{0, 1, 2, 0}),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if len(h.Diag()) != 0 || len(h.Off()) != 0 {
		t.Errorf("rejected terms left %d diagonal and %d off-diagonal pieces", len(h.Diag()), len(h.Off()))
	}
	if err := h.RotateMarshall([]int8{0, 1, 0, 1}); err != nil {
		t.Fatal(err)
	}
	if err := h.RotateMarshall([]int8{0, 1, 0, 1}); err == nil {
		t.Error("second rotation accepted")
	}
}
