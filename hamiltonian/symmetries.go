package hamiltonian

import "fmt"

// Symmetries returns the lattice's space group as site permutations
// (element g maps site k to g[k], the identity first): translations
// combined with the point group that maps the lattice onto itself — the
// 8 rotations and reflections of the square (8L² elements), the
// reflection of the ring (2L). Only periodic lattices have them. The
// J1–J2 and Heisenberg operators are invariant under all of them.
func (l *Lattice) Symmetries() ([][]int, error) {
	tr, err := l.Translations()
	if err != nil {
		return nil, fmt.Errorf("%v: the space group needs periodic boundaries", l)
	}
	n, L := l.Sites(), l.Length
	var points [][]int
	if l.Kind == Chain {
		id, refl := make([]int, n), make([]int, n)
		for k := range n {
			id[k], refl[k] = k, (L-k)%L
		}
		points = [][]int{id, refl}
	} else {
		// (x, y) → the eight images under the dihedral group of the square.
		maps := [8]func(x, y int) (int, int){
			func(x, y int) (int, int) { return x, y },
			func(x, y int) (int, int) { return L - 1 - y, x },
			func(x, y int) (int, int) { return L - 1 - x, L - 1 - y },
			func(x, y int) (int, int) { return y, L - 1 - x },
			func(x, y int) (int, int) { return L - 1 - x, y },
			func(x, y int) (int, int) { return x, L - 1 - y },
			func(x, y int) (int, int) { return y, x },
			func(x, y int) (int, int) { return L - 1 - y, L - 1 - x },
		}
		for _, f := range maps {
			p := make([]int, n)
			for k := range n {
				x, y := f(k%L, k/L)
				p[k] = y*L + x
			}
			points = append(points, p)
		}
	}
	var g [][]int
	for _, pt := range points {
		for _, t := range tr {
			p := make([]int, n)
			for k := range n {
				p[k] = t[pt[k]]
			}
			g = append(g, p)
		}
	}
	return g, nil
}
