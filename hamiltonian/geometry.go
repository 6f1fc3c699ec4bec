package hamiltonian

import "math"

// Geometry shared by the lattice observables of package vmc and their
// exact counterparts in package exact, so that both define C(t) and S(q)
// the same way.

// CorrelationPairs lists, per displacement t (a site index), the site pairs
// a correlation C(t) averages: on a periodic lattice t is the translation
// taking site 0 to site t (Lattice.Translations) and C(t) the average over
// its N pairs (k, g_t(k)); without translations C(t) is the pair (0, t).
func (h *Spin) CorrelationPairs() [][][2]int {
	out := make([][][2]int, h.N)
	if h.Lattice != nil && h.Lattice.Periodic {
		if g, err := h.Lattice.Translations(); err == nil {
			for _, p := range g {
				t := p[0]
				for k := range h.N {
					out[t] = append(out[t], [2]int{k, p[k]})
				}
			}
			return out
		}
	}
	for t := range h.N {
		out[t] = [][2]int{{0, t}}
	}
	return out
}

// Momenta are the lattice's allowed momenta 2π(m_x, m_y)/L, m in 0…L−1
// (m_y = 0 on a chain; an operator without a lattice counts as a chain of
// N sites), and the sites' coordinates r.
func (h *Spin) Momenta() (q, r [][2]float64) {
	l, square := h.N, false
	if h.Lattice != nil {
		l, square = h.Lattice.Length, h.Lattice.Kind == Square
	}
	for k := range h.N {
		if square {
			r = append(r, [2]float64{float64(k % l), float64(k / l)})
		} else {
			r = append(r, [2]float64{float64(k), 0})
		}
	}
	ny := 1
	if square {
		ny = l
	}
	for my := range ny {
		for mx := range l {
			q = append(q, [2]float64{2 * math.Pi * float64(mx) / float64(l), 2 * math.Pi * float64(my) / float64(l)})
		}
	}
	return q, r
}

// MarshallSigns is −1 on the sites whose basis RotateMarshall rotated and
// +1 elsewhere (all +1 without a rotation): a flip of an odd number of
// rotated sites changes the sign of a physical off-diagonal element.
func (h *Spin) MarshallSigns() []float64 {
	sg := make([]float64, h.N)
	for i := range sg {
		sg[i] = 1
		if h.rot != nil && h.rot[i] == 1 {
			sg[i] = -1
		}
	}
	return sg
}
