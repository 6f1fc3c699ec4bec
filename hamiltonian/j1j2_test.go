package hamiltonian

import (
	"fmt"
	"strings"
	"testing"
)

// Next-nearest pairs: 2 diagonals per plaquette, each pair once.
func TestNextNearest(t *testing.T) {
	for _, c := range []struct {
		kind string
		l    int
		pbc  bool
		want int
	}{
		{Square, 4, true, 32}, {Square, 3, false, 8}, {Square, 2, false, 2}, {Square, 2, true, 2},
		{Chain, 6, true, 6}, {Chain, 5, false, 3}, {Chain, 4, true, 2}, {Chain, 3, false, 1},
	} {
		lat, err := NewLattice(c.kind, c.l, c.pbc)
		if err != nil {
			t.Fatal(err)
		}
		nn, err := lat.NextNearest()
		if err != nil {
			t.Fatalf("%v: %v", lat, err)
		}
		if len(nn) != c.want {
			t.Errorf("%v: %d next-nearest pairs, want %d", lat, len(nn), c.want)
		}
		seen := map[[2]int]bool{}
		for _, b := range nn {
			k := [2]int{min(b[0], b[1]), max(b[0], b[1])}
			if seen[k] || b[0] == b[1] {
				t.Errorf("%v: pair %v repeated or degenerate", lat, b)
			}
			seen[k] = true
			// Same sublattice on a bipartite lattice: the frustration.
			if lat.Bipartite() && lat.Sublattice[b[0]] != lat.Sublattice[b[1]] {
				t.Errorf("%v: pair %v joins two sublattices", lat, b)
			}
		}
	}
	lat, _ := NewLattice(Chain, 2, false)
	if _, err := NewJ1J2(lat, 1, 0.5, true); err == nil || !strings.Contains(err.Error(), "next-nearest") {
		t.Errorf("J1–J2 on a chain of 2: error %v, want one about next-nearest neighbours", err)
	}
}

// The square's diagonal pair (x, y)–(x+1, y+1) and its crossing partner.
func TestNextNearestSquareSites(t *testing.T) {
	lat, _ := NewLattice(Square, 3, true)
	nn, _ := lat.NextNearest()
	has := map[[2]int]bool{}
	for _, b := range nn {
		has[[2]int{min(b[0], b[1]), max(b[0], b[1])}] = true
	}
	// (0,0)–(1,1) = 0–4, (1,0)–(0,1) = 1–3, wrapped (2,2)–(0,0) = 8–0.
	for _, p := range [][2]int{{0, 4}, {1, 3}, {0, 8}} {
		if !has[p] {
			t.Errorf("missing diagonal %v", p)
		}
	}
}

// Every space-group element is a permutation that maps nearest and
// next-nearest pairs onto pairs of the same kind, and the elements are
// distinct.
func TestSymmetries(t *testing.T) {
	for _, c := range []struct {
		kind string
		l    int
		want int
	}{{Square, 4, 128}, {Square, 3, 72}, {Chain, 6, 12}} {
		lat, _ := NewLattice(c.kind, c.l, true)
		g, err := lat.SpaceGroup()
		if err != nil {
			t.Fatal(err)
		}
		if len(g) != c.want {
			t.Errorf("%v: %d elements, want %d", lat, len(g), c.want)
		}
		nn, _ := lat.NextNearest()
		key := func(a, b int) [2]int { return [2]int{min(a, b), max(a, b)} }
		for _, pairs := range [][][2]int{lat.Bonds, nn} {
			set := map[[2]int]bool{}
			for _, b := range pairs {
				set[key(b[0], b[1])] = true
			}
			for e, p := range g {
				for _, b := range pairs {
					if !set[key(p[b[0]], p[b[1]])] {
						t.Fatalf("%v: element %d maps pair %v outside its kind", lat, e, b)
					}
				}
			}
		}
		seen := map[string]bool{}
		for _, p := range g {
			k := fmt.Sprint(p)
			if seen[k] {
				t.Fatalf("%v: element %v repeated", lat, p)
			}
			seen[k] = true
		}
	}
	lat, _ := NewLattice(Square, 4, false)
	if _, err := lat.SpaceGroup(); err == nil {
		t.Error("open lattice: no error")
	}
}
