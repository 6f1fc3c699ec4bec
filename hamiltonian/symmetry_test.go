package hamiltonian_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// The space group is a group of lattice automorphisms of the expected
// order: closed under composition, every element maps bonds to bonds, and
// (even lengths) sublattices to sublattices up to one global swap, so the
// Marshall sign of an S^z = 0 configuration changes at most by a constant.
func TestSpaceGroup(t *testing.T) {
	for _, c := range []struct {
		kind        string
		length, ord int
	}{
		{hamiltonian.Square, 4, 8 * 16}, {hamiltonian.Square, 3, 8 * 9}, {hamiltonian.Square, 6, 8 * 36},
		{hamiltonian.Chain, 6, 12}, {hamiltonian.Chain, 7, 14},
		// L = 2: the reflections coincide with translations.
		{hamiltonian.Square, 2, 8}, {hamiltonian.Chain, 2, 2},
	} {
		t.Run(fmt.Sprintf("%s%d", c.kind, c.length), func(t *testing.T) {
			lat, err := hamiltonian.NewLattice(c.kind, c.length, true)
			if err != nil {
				t.Fatal(err)
			}
			g, err := lat.SpaceGroup()
			if err != nil {
				t.Fatal(err)
			}
			if len(g) != c.ord {
				t.Fatalf("%d elements, want %d", len(g), c.ord)
			}
			// Sites are < 256 (L ≤ 15): one byte each.
			buf := make([]byte, lat.Sites())
			key := func(p []int) string {
				for k, v := range p {
					buf[k] = byte(v)
				}
				return string(buf)
			}
			set := map[string]bool{}
			for _, p := range g {
				set[key(p)] = true
			}
			bonds := map[[2]int]bool{}
			for _, b := range lat.Bonds {
				bonds[b], bonds[[2]int{b[1], b[0]}] = true, true
			}
			n := lat.Sites()
			comp := make([]int, n)
			for gi, p := range g {
				for _, q := range g {
					for k := range n {
						comp[k] = p[q[k]]
					}
					if !set[key(comp)] {
						t.Fatalf("element %d composed with another leaves the group", gi)
					}
				}
				for _, b := range lat.Bonds {
					if !bonds[[2]int{p[b[0]], p[b[1]]}] {
						t.Fatalf("element %d maps bond %v to a non-bond", gi, b)
					}
				}
				if lat.Sublattice != nil {
					swap := lat.Sublattice[0] != lat.Sublattice[p[0]]
					for k := range n {
						if (lat.Sublattice[k] != lat.Sublattice[p[k]]) != swap {
							t.Fatalf("element %d mixes the sublattices", gi)
						}
					}
				}
			}
		})
	}
}

func TestSymmetryGroupErrors(t *testing.T) {
	open, _ := hamiltonian.NewLattice(hamiltonian.Square, 4, false)
	if _, err := open.SymmetryGroup("space-group"); err == nil || !strings.Contains(err.Error(), "periodic") {
		t.Errorf("open lattice: error %v, want one about periodic boundaries", err)
	}
	per, _ := hamiltonian.NewLattice(hamiltonian.Square, 4, true)
	if _, err := per.SymmetryGroup("c6v"); err == nil || !strings.Contains(err.Error(), `"space-group"`) {
		t.Errorf("unknown group: error %v, want the names", err)
	}
	if g, err := per.SymmetryGroup("translations"); err != nil || len(g) != 16 {
		t.Errorf("translations: %d elements, %v", len(g), err)
	}
}
