package exact

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

func spin(t testing.TB, model, kind string, l int, pbc bool, j, h float64) *hamiltonian.Spin {
	t.Helper()
	lat, err := hamiltonian.NewLattice(kind, l, pbc)
	if err != nil {
		t.Fatal(err)
	}
	var s *hamiltonian.Spin
	if model == hamiltonian.TFIM {
		s, err = hamiltonian.NewTFIM(lat, j, h)
	} else {
		s, err = hamiltonian.NewHeisenberg(lat, j, true)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func denseLowest(t *testing.T, h *hamiltonian.Spin) float64 {
	t.Helper()
	// The full 2^N space, so that the S^z sector choice of Lanczos is
	// checked too.
	m, err := Matrix(h, true, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	var es mat.EigenSym
	if !es.Factorize(m, false) {
		t.Fatal("EigenSym failed")
	}
	vals := es.Values(nil)
	lo := vals[0]
	for _, v := range vals {
		lo = math.Min(lo, v)
	}
	return lo
}

// Lanczos against dense diagonalisation of the full space. Tolerance: the
// Lanczos residual is 1e-10·|E|, so the eigenvalue error is below that
// (and quadratically smaller for an isolated eigenvalue); dense EigenSym is
// accurate to ~1e-13·‖H‖.
func TestLanczosVsDense(t *testing.T) {
	cases := []struct {
		model, kind string
		l           int
		pbc         bool
		j, h        float64
	}{
		{"tfim", "chain", 8, true, 1, 0.5},
		{"tfim", "chain", 9, true, 1, 1},
		{"tfim", "chain", 10, false, 1, 2},
		{"tfim", "chain", 10, true, 0.7, 1.3},
		{"tfim", "square", 3, true, 1, 3},
		{"tfim", "square", 3, false, 1, 1},
		{"heisenberg", "chain", 10, true, 1, 0},
		{"heisenberg", "chain", 8, false, 1, 0},
		{"heisenberg", "chain", 9, false, 1, 0},
		{"heisenberg", "chain", 10, true, -1, 0},
		{"heisenberg", "square", 3, false, 1, 0},
		{"heisenberg", "square", 2, true, 1, 0},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s/%s%d/pbc=%v/J=%g/h=%g", c.model, c.kind, c.l, c.pbc, c.j, c.h)
		t.Run(name, func(t *testing.T) {
			h := spin(t, c.model, c.kind, c.l, c.pbc, c.j, c.h)
			if testing.Short() && h.N >= 10 {
				// Dense 1024×1024 eigensolves take ~30 s under -race.
				t.Skip("short: dense checks up to 9 sites")
			}
			want := denseLowest(t, h)
			got, err := GroundState(h, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(got.Energy - want); d > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("Lanczos %.14g, dense %.14g (diff %.2g)", got.Energy, want, d)
			}
		})
	}
}

// The periodic TFIM chain against its free-fermion closed form, for sizes
// beyond dense reach. Tolerance as in TestLanczosVsDense.
func TestTFIMChainClosedForm(t *testing.T) {
	sizes := []int{3, 4, 5, 7, 8, 12, 16}
	for _, l := range sizes {
		for _, hf := range []float64{0.5, 1, 2} {
			if testing.Short() && l > 12 {
				continue
			}
			want, err := TFIMChain(l, 1, hf)
			if err != nil {
				t.Fatal(err)
			}
			got, err := GroundState(spin(t, "tfim", "chain", l, true, 1, hf), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(got.Energy - want); d > 1e-9*math.Abs(want) {
				t.Errorf("L=%d h=%g: Lanczos %.14g, closed form %.14g (diff %.2g)", l, hf, got.Energy, want, d)
			}
		}
	}
}

// Known values: the 4-site Heisenberg ring has E0 = −2J (Bethe ansatz, or
// by hand: the singlet of total spin in H = J/2 (S_tot² − S_A² − S_B²) with
// S_A = S_B = 1 on the two sublattices); the 4×4 periodic square lattice
// E0 = −11.228483 (Schulz, Ziman, Poilblanc 1996, E0/N = −0.7017802);
// the 10-site ring E0 = −4.515446354 (Bethe ansatz, widely tabulated).
func TestHeisenbergKnown(t *testing.T) {
	cases := []struct {
		kind string
		l    int
		want float64
		tol  float64 // the digits the reference gives
	}{
		{"chain", 4, -2, 1e-12},
		{"chain", 10, -4.515446354, 1e-9},
		{"square", 4, -11.228483, 2e-6},
	}
	for _, c := range cases {
		got, err := GroundState(spin(t, "heisenberg", c.kind, c.l, true, 1, 0), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(got.Energy - c.want); d > c.tol {
			t.Errorf("%s %d: %.12g, want %.12g", c.kind, c.l, got.Energy, c.want)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	h := spin(t, "tfim", "chain", 30, true, 1, 1)
	_, err := GroundState(h, Options{MaxBytes: 1 << 30})
	if !errors.Is(err, ErrMemory) {
		t.Fatalf("L=30 TFIM in 1 GiB: got %v, want a memory error", err)
	}
	// 2^30 configurations, 11 vectors of 8 bytes each at the smallest
	// Krylov size.
	want := fmt.Sprint(int64(11) << 33)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name the %s bytes needed", err, want)
	}
}

func TestSectorIndex(t *testing.T) {
	b, err := newBasis(10, 5)
	if err != nil {
		t.Fatal(err)
	}
	if b.dim != 252 || len(b.states) != 252 {
		t.Fatalf("dim %d, %d states, want 252", b.dim, len(b.states))
	}
	for k, s := range b.states {
		if got := b.index(s); got != k {
			t.Fatalf("index(%b) = %d, want %d", s, got, k)
		}
	}
}

// j1j2 is the J1–J2 ring written as user code would: Heisenberg bonds to
// the nearest and next-nearest neighbours, Marshall-rotated on odd sites.
func j1j2(t *testing.T, l int, j2 float64) *hamiltonian.Spin {
	t.Helper()
	h := hamiltonian.NewSpin(l)
	h.Model = "j1-j2"
	sub := make([]int8, l)
	for i := range sub {
		sub[i] = int8(i % 2)
	}
	if err := h.RotateMarshall(sub); err != nil {
		t.Fatal(err)
	}
	for i := range l {
		if err := h.AddBond(i, (i+1)%l, hamiltonian.HeisenbergBond(1)); err != nil {
			t.Fatal(err)
		}
		if err := h.AddBond(i, (i+2)%l, hamiltonian.HeisenbergBond(j2)); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// A user-built J1–J2 ring: Lanczos in the S^z = 0 sector against dense
// diagonalisation of the full space, and at J2 = ½ against the
// Majumdar–Ghosh ground state, a product of singlets with E0 = −3L/8.
// Tolerances as in TestLanczosVsDense.
func TestJ1J2Chain(t *testing.T) {
	for _, c := range []struct {
		l  int
		j2 float64
	}{{8, 0.5}, {8, 0.2}, {10, 0.5}} {
		h := j1j2(t, c.l, c.j2)
		if !h.ConservesSz() {
			t.Fatal("J1–J2 does not conserve S^z")
		}
		got, err := GroundState(h, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Sector != "Sz=0" {
			t.Errorf("L=%d: sector %q, want Sz=0", c.l, got.Sector)
		}
		if c.l <= 8 {
			want := denseLowest(t, h)
			if d := math.Abs(got.Energy - want); d > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("L=%d J2=%g: Lanczos %.14g, dense %.14g (diff %.2g)", c.l, c.j2, got.Energy, want, d)
			}
		}
		if c.j2 == 0.5 {
			if want := -3 * float64(c.l) / 8; math.Abs(got.Energy-want) > 1e-9*math.Abs(want) {
				t.Errorf("L=%d Majumdar–Ghosh: Lanczos %.14g, want %g", c.l, got.Energy, want)
			}
		}
	}
}
