package hamiltonian

import (
	"fmt"
	"math"
)

// J1J2 names the frustrated Heisenberg model of NewJ1J2.
const J1J2 = "j1-j2"

// NextNearest lists the next-nearest-neighbour pairs once each: on a
// square lattice the two diagonals of every plaquette, (x, y)–(x+1, y+1)
// and (x+1, y)–(x, y+1); on a chain the pairs (i, i+2). Periodic lattices
// wrap them around. A pair that wrapping would list twice (a periodic
// side of 2, a periodic chain of 4) is kept once, as NewLattice does for
// nearest neighbours. A chain of 2 sites has none, which is an error: a
// caller asked for a coupling that has nothing to act on.
func (l *Lattice) NextNearest() ([][2]int, error) {
	L := l.Length
	seen := map[[2]int]bool{}
	var out [][2]int
	add := func(i, j int) {
		if i == j {
			return
		}
		k := [2]int{min(i, j), max(i, j)}
		if !seen[k] {
			seen[k] = true
			out = append(out, [2]int{i, j})
		}
	}
	switch l.Kind {
	case Chain:
		for i := range L {
			if i+2 < L {
				add(i, i+2)
			} else if l.Periodic && L > 2 {
				add(i, (i+2)%L)
			}
		}
	case Square:
		wrap := func(x int) (int, bool) {
			if x < L {
				return x, true
			}
			return x % L, l.Periodic && L > 2
		}
		for y := range L {
			for x := range L {
				x1, okx := wrap(x + 1)
				y1, oky := wrap(y + 1)
				if okx && oky {
					add(y*L+x, y1*L+x1)
					add(y*L+x1, y1*L+x)
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%v has no next-nearest neighbours", l)
	}
	return out, nil
}

// NewJ1J2 returns the frustrated spin-½ Heisenberg model
//
//	H = J1 Σ_⟨ij⟩ S_i·S_j + J2 Σ_⟨⟨ij⟩⟩ S_i·S_j
//
// with ⟨ij⟩ the nearest neighbours (Lattice.Bonds) and ⟨⟨ij⟩⟩ the next
// nearest (Lattice.NextNearest: diagonals of the square lattice, pairs
// i, i+2 of a chain). With marshall set the basis is rotated on one
// sublattice as in NewHeisenberg: the J1 exchange becomes −J1/2, but a
// J2 bond joins two sites of the same sublattice and keeps +J2/2, so for
// J2 > 0 the rotated ground state is no longer positive (the frustration
// a positive trial state cannot represent). Coupling is J1; J2 is kept in
// the field of the same name.
func NewJ1J2(lat *Lattice, j1, j2 float64, marshall bool) (*Spin, error) {
	if math.IsNaN(j2) || math.IsInf(j2, 0) {
		return nil, fmt.Errorf("j1-j2: coupling J2 = %g must be finite", j2)
	}
	next, err := lat.NextNearest()
	if err != nil {
		return nil, fmt.Errorf("j1-j2: %w", err)
	}
	s, err := NewHeisenberg(lat, j1, marshall)
	if err != nil {
		return nil, err
	}
	s.Model, s.J2 = J1J2, j2
	for _, b := range next {
		if err := s.AddBond(b[0], b[1], HeisenbergBond(j2)); err != nil {
			return nil, err
		}
	}
	return s, nil
}
