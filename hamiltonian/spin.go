package hamiltonian

import (
	"fmt"
	"math"
)

// Ratioer gives amplitude ratios of a trial state at its current spin
// configuration s. It is the only thing a lattice Hamiltonian asks of a
// wave function, so the two packages stay independent.
type Ratioer interface {
	// Ratio returns Ψ(s')/Ψ(s) for s' = s with spin i flipped and, when
	// j ≥ 0, spin j flipped as well. The amplitudes are positive (the
	// sign structure, where there is one, is moved into the Hamiltonian).
	Ratio(i, j int) float64
}

// Term is a one- or two-site term with coefficient C.
type Term struct {
	I, J int
	C    float64
}

// Spin is a spin-½ Hamiltonian written in the σ^z basis (s_i = ±1) as
//
//	H = Σ_ZZ C s_i s_j  +  Σ_X C σ^x_i  +  Σ_Hop C (σ⁺_i σ⁻_j + σ⁻_i σ⁺_j).
//
// ZZ terms are diagonal, X terms flip one spin, Hop terms exchange two
// antiparallel spins (and vanish on parallel ones). TFIM and Heisenberg
// models are built by NewTFIM and NewHeisenberg; exact diagonalisation and
// the local energy both read these term lists.
type Spin struct {
	Model    string // "tfim" or "heisenberg"
	Lattice  *Lattice
	N        int
	Coupling float64 // J
	Field    float64 // h (TFIM only)
	Marshall bool    // Heisenberg basis rotated on one sublattice
	ZZ       []Term
	X        []Term // I is the site; J is unused (−1)
	Hop      []Term
	// ConservesSz is true when H has no X terms, so the total
	// magnetisation Σ s_i is a good quantum number.
	ConservesSz bool
}

// Model names.
const (
	TFIM       = "tfim"
	Heisenberg = "heisenberg"
)

// NewTFIM returns the transverse-field Ising model
// H = −J Σ_⟨ij⟩ σ^z_i σ^z_j − h Σ_i σ^x_i (Pauli matrices). For h ≥ 0 all
// off-diagonal elements are ≤ 0, so the ground state is positive.
func NewTFIM(lat *Lattice, j, h float64) (*Spin, error) {
	if math.IsNaN(j) || math.IsInf(j, 0) || math.IsNaN(h) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("tfim: coupling %g and field %g must be finite", j, h)
	}
	s := &Spin{Model: TFIM, Lattice: lat, N: lat.Sites(), Coupling: j, Field: h}
	for _, b := range lat.Bonds {
		s.ZZ = append(s.ZZ, Term{I: b[0], J: b[1], C: -j})
	}
	if h != 0 {
		for i := 0; i < s.N; i++ {
			s.X = append(s.X, Term{I: i, J: -1, C: -h})
		}
	}
	s.ConservesSz = len(s.X) == 0
	return s, nil
}

// NewHeisenberg returns the spin-½ Heisenberg model H = J Σ_⟨ij⟩ S_i·S_j
// (S = σ/2), antiferromagnetic for J > 0. With marshall set the basis is
// rotated by π about z on one sublattice (Marshall's sign rule), which
// turns the exchange term +J/2 into −J/2 on every bond, so that the ground
// state of a bipartite lattice is positive; the spectrum is unchanged. The
// rotation needs a bipartite lattice, so an odd periodic chain or square
// side is an error then.
func NewHeisenberg(lat *Lattice, j float64, marshall bool) (*Spin, error) {
	if math.IsNaN(j) || math.IsInf(j, 0) {
		return nil, fmt.Errorf("heisenberg: coupling %g must be finite", j)
	}
	if marshall && !lat.Bipartite() {
		return nil, fmt.Errorf("heisenberg on %v: the Marshall sign rule needs a bipartite lattice (use an even length or open boundaries)", lat)
	}
	s := &Spin{Model: Heisenberg, Lattice: lat, N: lat.Sites(), Coupling: j, Marshall: marshall, ConservesSz: true}
	for _, b := range lat.Bonds {
		s.ZZ = append(s.ZZ, Term{I: b[0], J: b[1], C: j / 4})
		c := j / 2
		if marshall && lat.Sublattice[b[0]] != lat.Sublattice[b[1]] {
			c = -c
		}
		s.Hop = append(s.Hop, Term{I: b[0], J: b[1], C: c})
	}
	return s, nil
}

// Sites is the number of spins.
func (h *Spin) Sites() int { return h.N }

// Diagonal is ⟨s|H|s⟩.
func (h *Spin) Diagonal(s []int8) float64 {
	e := 0.0
	for _, t := range h.ZZ {
		e += t.C * float64(s[t.I]*s[t.J])
	}
	return e
}

// LocalEnergy is E_L(s) = Σ_s' ⟨s|H|s'⟩ Ψ(s')/Ψ(s), with the ratios taken
// from psi at configuration s (values ±1). It allocates nothing.
func (h *Spin) LocalEnergy(s []int8, psi Ratioer) float64 {
	e := h.Diagonal(s)
	for _, t := range h.X {
		e += t.C * psi.Ratio(t.I, -1)
	}
	for _, t := range h.Hop {
		if s[t.I] != s[t.J] {
			// σ⁺σ⁻ + σ⁻σ⁺ has element 1 between |↑↓⟩ and |↓↑⟩.
			e += t.C * psi.Ratio(t.I, t.J)
		}
	}
	return e
}

func (h *Spin) String() string {
	return fmt.Sprintf("%s on %v", h.Model, h.Lattice)
}
