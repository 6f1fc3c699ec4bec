package hamiltonian

import "fmt"

// Lattice kinds accepted by NewLattice.
const (
	Chain  = "chain"
	Square = "square"
)

// Lattice is a set of sites with nearest-neighbour bonds: a chain of L
// sites or an L×L square lattice, periodic or open. Site (x, y) of the
// square lattice has index y·L + x.
type Lattice struct {
	Kind     string
	Length   int // L
	Periodic bool
	// Bonds lists each nearest-neighbour pair once, I < J not guaranteed.
	Bonds [][2]int
	// Sublattice is 0 or 1 for every site when the lattice is bipartite
	// (neighbours always differ), nil otherwise.
	Sublattice []int8
}

// NewLattice builds a chain (L ≥ 2) or square lattice (L ≥ 2). A periodic
// chain or side of length 2 would list the same bond twice; it is kept
// once, so that every pair of sites is coupled at most once.
func NewLattice(kind string, length int, periodic bool) (*Lattice, error) {
	if length < 2 {
		return nil, fmt.Errorf("lattice length %d: want at least 2", length)
	}
	lat := &Lattice{Kind: kind, Length: length, Periodic: periodic}
	wrap := periodic && length > 2
	switch kind {
	case Chain:
		for i := 0; i < length-1; i++ {
			lat.Bonds = append(lat.Bonds, [2]int{i, i + 1})
		}
		if wrap {
			lat.Bonds = append(lat.Bonds, [2]int{length - 1, 0})
		}
	case Square:
		if length > 15 {
			// 2^(L²) configurations are never needed, but 16×16 = 256
			// sites is already far beyond what this code is meant for.
			return nil, fmt.Errorf("square lattice length %d: want at most 15", length)
		}
		idx := func(x, y int) int { return y*length + x }
		for y := 0; y < length; y++ {
			for x := 0; x < length; x++ {
				if x+1 < length {
					lat.Bonds = append(lat.Bonds, [2]int{idx(x, y), idx(x+1, y)})
				} else if wrap {
					lat.Bonds = append(lat.Bonds, [2]int{idx(x, y), idx(0, y)})
				}
				if y+1 < length {
					lat.Bonds = append(lat.Bonds, [2]int{idx(x, y), idx(x, y+1)})
				} else if wrap {
					lat.Bonds = append(lat.Bonds, [2]int{idx(x, y), idx(x, 0)})
				}
			}
		}
	default:
		return nil, fmt.Errorf("lattice %q: want %q or %q", kind, Chain, Square)
	}
	lat.Sublattice = twoColour(lat.Sites(), lat.Bonds)
	return lat, nil
}

// Sites is the number of sites: L for a chain, L² for a square lattice.
func (l *Lattice) Sites() int {
	if l.Kind == Square {
		return l.Length * l.Length
	}
	return l.Length
}

// Bipartite reports whether neighbours can be split into two sublattices.
func (l *Lattice) Bipartite() bool { return l.Sublattice != nil }

func (l *Lattice) String() string {
	bc := "open"
	if l.Periodic {
		bc = "periodic"
	}
	if l.Kind == Square {
		return fmt.Sprintf("%s %dx%d %s", l.Kind, l.Length, l.Length, bc)
	}
	return fmt.Sprintf("%s %d %s", l.Kind, l.Length, bc)
}

// twoColour colours the sites by breadth-first search and returns nil when
// a bond joins two sites of the same colour (an odd cycle).
func twoColour(n int, bonds [][2]int) []int8 {
	adj := make([][]int, n)
	for _, b := range bonds {
		adj[b[0]] = append(adj[b[0]], b[1])
		adj[b[1]] = append(adj[b[1]], b[0])
	}
	col := make([]int8, n)
	for i := range col {
		col[i] = -1
	}
	queue := make([]int, 0, n)
	for start := 0; start < n; start++ {
		if col[start] >= 0 {
			continue
		}
		col[start] = 0
		queue = append(queue[:0], start)
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, w := range adj[v] {
				if col[w] < 0 {
					col[w] = 1 - col[v]
					queue = append(queue, w)
				} else if col[w] == col[v] {
					return nil
				}
			}
		}
	}
	return col
}

// Translations returns the lattice's translation group as site
// permutations: element g maps site k to g[k], the site shifted by g's
// displacement (L for a chain, L² for a square lattice, the identity
// first). Only periodic lattices have them.
func (l *Lattice) Translations() ([][]int, error) {
	if !l.Periodic {
		return nil, fmt.Errorf("%v: translations need periodic boundaries", l)
	}
	n, L := l.Sites(), l.Length
	var g [][]int
	if l.Kind == Chain {
		for t := range L {
			p := make([]int, n)
			for k := range n {
				p[k] = (k + t) % L
			}
			g = append(g, p)
		}
		return g, nil
	}
	for ty := range L {
		for tx := range L {
			p := make([]int, n)
			for k := range n {
				x, y := k%L, k/L
				p[k] = (y+ty)%L*L + (x+tx)%L
			}
			g = append(g, p)
		}
	}
	return g, nil
}
