package exact

import (
	"math"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// Observables are expectation values in the exact ground state, defined
// as package vmc's lattice observables define them, so that every VMC
// number of a small lattice has its exact counterpart. Displacements t
// are sites: on a periodic lattice the translation taking site 0 to t
// (hamiltonian.Lattice.Translations), averaged over the N pairs it maps;
// otherwise the pair (0, t). Momenta are 2π(m_x, m_y)/L.
type Observables struct {
	M      float64 `json:"m"`       // ⟨Σσᶻ⟩/N
	AbsM   float64 `json:"abs_m"`   // ⟨|Σσᶻ|⟩/N
	SigmaX float64 `json:"sigma_x"` // Σ⟨σˣ⟩/N (0 in a fixed-S^z sector)
	// CorrZZ[t] is ⟨σᶻ_0 σᶻ_t⟩ and CorrSS[t] is ⟨S_0·S_t⟩ (S = σ/2).
	CorrZZ []float64 `json:"correlation_zz"`
	CorrSS []float64 `json:"spin_correlation"`
	// Q are the momenta (q_x, q_y) and SQ the structure factor
	// S(q) = ⟨|Σ_j e^{iq·r_j} σᶻ_j|²⟩/N.
	Q  [][2]float64 `json:"q"`
	SQ []float64    `json:"structure_factor"`
}

// GroundStateObservables is GroundState followed by the Observables of
// the ground state it finds (in the Marshall-rotated basis when h is
// rotated, with off-diagonal signs undone as vmc does). A degenerate
// ground state gives the observables of one state of the multiplet.
func GroundStateObservables(h *hamiltonian.Spin, opt Options) (Result, *Observables, error) {
	res, b, psi, err := groundState(h, opt, true)
	if err != nil {
		return res, nil, err
	}
	sign := h.MarshallSigns()
	n := h.N
	o := &Observables{CorrZZ: make([]float64, n), CorrSS: make([]float64, n)}
	pairs := h.CorrelationPairs()
	q, r := h.Momenta()
	o.Q, o.SQ = q, make([]float64, len(q))
	s := make([]float64, n)
	for k, a := range psi {
		w := a * a
		if w == 0 {
			continue
		}
		x := b.state(k)
		m := 0.0
		for i := range s {
			s[i] = -1
			if x>>i&1 == 1 {
				s[i] = 1
			}
			m += s[i]
		}
		o.M += w * m / float64(n)
		o.AbsM += w * math.Abs(m) / float64(n)
		if b.states == nil {
			// σˣ_i connects to the configuration with bit i flipped,
			// outside any fixed-S^z sector.
			for i := range n {
				o.SigmaX += sign[i] * a * psi[b.index(x^1<<i)] / float64(n)
			}
		}
		for t, ps := range pairs {
			zz, ss := 0.0, 0.0
			for _, ij := range ps {
				i, j := ij[0], ij[1]
				zz += s[i] * s[j]
				if i == j {
					ss += 0.75 * w
					continue
				}
				ss += 0.25 * s[i] * s[j] * w
				if s[i] != s[j] {
					ss += 0.5 * sign[i] * sign[j] * a * psi[b.index(x^(1<<i|1<<j))]
				}
			}
			o.CorrZZ[t] += w * zz / float64(len(ps))
			o.CorrSS[t] += ss / float64(len(ps))
		}
		for iq, qq := range q {
			re, im := 0.0, 0.0
			for j := range n {
				ph := qq[0]*r[j][0] + qq[1]*r[j][1]
				re += math.Cos(ph) * s[j]
				im += math.Sin(ph) * s[j]
			}
			o.SQ[iq] += w * (re*re + im*im) / float64(n)
		}
	}
	return res, o, nil
}
