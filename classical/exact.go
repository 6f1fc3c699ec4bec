package classical

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// MaxExactStates bounds the q^N configurations Exact enumerates.
const MaxExactStates = 1 << 24

// Exact returns the Observables of the model on the L×L periodic lattice at
// each temperature by enumerating all q^N configurations (N = L²) once into
// a histogram over (energy, |M|). Errors are zero.
func Exact(m Model, L int, temps []float64) ([]Observables, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	n := L * L
	if L < 2 || float64(n)*math.Log(float64(m.Q)) > math.Log(MaxExactStates)+1e-9 {
		return nil, fmt.Errorf("classical: exact enumeration of %d^%d states: want L ≥ 2 and at most %d states", m.Q, n, MaxExactStates)
	}
	for _, T := range temps {
		if !(T > 0) || math.IsInf(T, 0) {
			return nil, fmt.Errorf("classical: temperature %v: want a finite T > 0", T)
		}
	}
	c, err := NewChain(m, L, 1, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, err
	}
	// Histogram keyed by the equal-bond count and the value counts' order
	// parameter; |M| is a float, so store (eq, |M|) pairs with multiplicity.
	type key struct {
		eq  int
		mag float64
	}
	hist := map[key]float64{}
	clear(c.Spins)
	for {
		c.recount()
		hist[key{c.eq, c.Magnetization()}]++
		// Odometer increment over base q.
		i := 0
		for ; i < n; i++ {
			c.Spins[i]++
			if int(c.Spins[i]) < m.Q {
				break
			}
			c.Spins[i] = 0
		}
		if i == n {
			break
		}
	}
	// Sorted keys make the sums independent of map order.
	keys := make([]key, 0, len(hist))
	for k := range hist {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.eq, b.eq); c != 0 {
			return c
		}
		return cmp.Compare(a.mag, b.mag)
	})
	out := make([]Observables, len(temps))
	nf := float64(n)
	for t, T := range temps {
		// Shift energies by the ground state for stable Boltzmann weights.
		e0 := -m.bondJ()*float64(2*n) + m.energyOffset(2*n)
		var z, se, se2, sm, sm2 float64
		for _, k := range keys {
			g := hist[k]
			e := -m.bondJ()*float64(k.eq) + m.energyOffset(2*n)
			w := g * math.Exp(-(e-e0)/T)
			z += w
			se += w * e / nf
			se2 += w * (e / nf) * (e / nf)
			sm += w * k.mag / nf
			sm2 += w * (k.mag / nf) * (k.mag / nf)
		}
		me, mm := se/z, sm/z
		out[t] = Observables{
			T: T, E: me, M: mm,
			Cv:  nf * (se2/z - me*me) / (T * T),
			Chi: nf * (sm2/z - mm*mm) / T,
		}
	}
	return out, nil
}
