package hamiltonian

import (
	"fmt"
	"slices"
)

// Lattice symmetry groups as site permutations, for symmetric trial states
// (wavefunc.NewSymmetricSpinRBM): element g maps site k to g[k].
//
// A wave function invariant under every element of a group G lies in the
// group's trivial sector: total momentum zero and, with the point group,
// the fully symmetric irrep (A1 of C4v on the square lattice, even parity
// on the chain). For the Heisenberg antiferromagnet in the Marshall-rotated
// basis (RotateMarshall) that is exactly where the ground state lives: the
// rotated operator has non-positive off-diagonal elements and connects all
// configurations of one magnetisation, so its ground state there is unique
// and positive (Perron–Frobenius); every lattice symmetry that commutes
// with the rotated operator maps it to a positive eigenvector of the same
// energy, hence to itself with eigenvalue +1. The point group keeps each
// sublattice of an even periodic lattice in place, so it commutes with the
// rotation; a translation by an odd vector swaps the sublattices and
// multiplies the Marshall sign of a configuration with N/2 up spins by
// (−1)^(N/2), which is a constant on the zero-magnetisation sector, so the
// rotated operator stays translation-invariant too. In the original basis
// the ground state therefore has momentum zero when N/2 is even (4×4,
// 6×6, 10×10, chains of 4n sites) and momentum (π, π), or π on a chain,
// when N/2 is odd (chains of 4n+2 sites): a symmetric positive network in
// the rotated basis covers both without further signs.

// SpaceGroup returns the lattice's translations combined with its point
// group: the 8 elements of C4v (rotations by multiples of 90° and the four
// reflections) about a site of the periodic square lattice, or the
// reflection k → −k of the periodic chain (the dihedral group of the
// ring). The translations come first, in Translations' order; elements
// that coincide on small lattices are listed once. Only periodic lattices
// have these symmetries: open boundaries break the translations, and
// then the error says so.
func (l *Lattice) SpaceGroup() ([][]int, error) {
	tr, err := l.Translations()
	if err != nil {
		return nil, err
	}
	n, L := l.Sites(), l.Length
	// The point operations fix site 0 and act on coordinates mod L.
	var point [][]int
	if l.Kind == Chain {
		id, refl := make([]int, n), make([]int, n)
		for k := range n {
			id[k], refl[k] = k, (L-k)%L
		}
		point = [][]int{id, refl}
	} else {
		// (x, y) → (a·x + b·y, c·x + d·y) for the eight signed
		// permutation matrices of C4v.
		for _, m := range [8][4]int{
			{1, 0, 0, 1}, {0, -1, 1, 0}, {-1, 0, 0, -1}, {0, 1, -1, 0}, // rotations
			{-1, 0, 0, 1}, {1, 0, 0, -1}, {0, 1, 1, 0}, {0, -1, -1, 0}, // reflections
		} {
			p := make([]int, n)
			for k := range n {
				x, y := k%L, k/L
				nx := ((m[0]*x+m[1]*y)%L + L) % L
				ny := ((m[2]*x+m[3]*y)%L + L) % L
				p[k] = ny*L + nx
			}
			point = append(point, p)
		}
	}
	var g [][]int
	for _, r := range point {
		for _, t := range tr {
			p := make([]int, n)
			for k := range n {
				p[k] = t[r[k]]
			}
			if !slices.ContainsFunc(g, func(q []int) bool { return slices.Equal(q, p) }) {
				g = append(g, p)
			}
		}
	}
	return g, nil
}

// Symmetries names the groups SymmetryGroup builds.
var Symmetries = []string{"translations", "space-group"}

// SymmetryGroup returns the group named by one of Symmetries:
// "translations" (Translations) or "space-group" (SpaceGroup).
func (l *Lattice) SymmetryGroup(name string) ([][]int, error) {
	switch name {
	case "translations":
		return l.Translations()
	case "space-group":
		return l.SpaceGroup()
	}
	return nil, fmt.Errorf("symmetry %q: want %q or %q", name, Symmetries[0], Symmetries[1])
}
