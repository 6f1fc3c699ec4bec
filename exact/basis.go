package exact

import (
	"fmt"
	"math/bits"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// MaxSites bounds N so that configurations fit in a uint64 and indices in
// an int on every platform; memory runs out long before.
const MaxSites = 40

// basis enumerates the configurations H acts on. Bit i of a configuration
// is 1 when s_i = +1. The full space is indexed by the configuration itself;
// a fixed-magnetisation sector lists its configurations in increasing order,
// which is the colexicographic order of the set bits, so a configuration's
// index is Σ_m C(p_m, m) over its set bits p_1 < p_2 < … (combinadic rank).
type basis struct {
	n      int
	up     int      // number of up spins in the sector; −1 for the full space
	states []uint64 // sector configurations, nil for the full space
	binom  [][]int  // binom[p][m] = C(p, m)
	dim    int
}

// sectorOf returns the number of up spins of the sector H is diagonalised
// in: N/2 (rounded down) when H conserves S^z, else −1 (the full space).
// An SU(2)-symmetric Hamiltonian has a member of its ground multiplet
// with the smallest |S^z|, so nothing is lost.
func sectorOf(h *hamiltonian.Spin) int {
	if h.ConservesSz() {
		return h.N / 2
	}
	return -1
}

func binomTable(n int) [][]int {
	c := make([][]int, n+1)
	for p := range c {
		c[p] = make([]int, n+1)
		c[p][0] = 1
		for m := 1; m <= p; m++ {
			c[p][m] = c[p-1][m-1] + c[p-1][m]
		}
	}
	return c
}

// dimension is the size of the space without building it.
func dimension(n, up int) int {
	if up < 0 {
		return 1 << n
	}
	return binomTable(n)[n][up]
}

func newBasis(n, up int) (*basis, error) {
	if n < 1 || n > MaxSites {
		return nil, fmt.Errorf("exact: %d sites: want 1 to %d", n, MaxSites)
	}
	b := &basis{n: n, up: up, binom: binomTable(n)}
	if up < 0 {
		b.dim = 1 << n
		return b, nil
	}
	b.dim = b.binom[n][up]
	b.states = make([]uint64, 0, b.dim)
	// Gosper's hack walks the configurations with `up` bits in increasing
	// order.
	if up == 0 {
		b.states = append(b.states, 0)
		return b, nil
	}
	x := uint64(1)<<up - 1
	limit := uint64(1) << n
	for x < limit {
		b.states = append(b.states, x)
		c := x & -x
		r := x + c
		x = (((r ^ x) >> 2) / c) | r
	}
	return b, nil
}

// state is the configuration of index k.
func (b *basis) state(k int) uint64 {
	if b.states == nil {
		return uint64(k)
	}
	return b.states[k]
}

// index is the position of configuration x in the basis.
func (b *basis) index(x uint64) int {
	if b.states == nil {
		return int(x)
	}
	k, m := 0, 0
	for x != 0 {
		p := bits.TrailingZeros64(x)
		m++
		k += b.binom[p][m]
		x &= x - 1
	}
	return k
}
