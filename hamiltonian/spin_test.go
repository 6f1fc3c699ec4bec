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
