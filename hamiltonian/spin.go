package hamiltonian

import (
	"errors"
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

// Spin is a real spin-½ operator on N sites written in the σ^z basis
// (s_i = ±1) as a sum of one- and two-site terms, H = Σ_t h_t, each given
// by its matrix (AddSite, AddBond). Every term is compiled into a diagonal
// part and off-diagonal pieces, each of which connects s to the
// configuration with one or two spins flipped; the local energy and
// package exact both read these pieces, so an operator built here is
// diagonalised exactly as it is sampled. NewTFIM and NewHeisenberg build
// the two models of the command; anything else (XXZ, J1–J2, fields along
// z) is a loop of AddBond and AddSite calls on NewSpin.
type Spin struct {
	Model    string   // a name for messages: "tfim", "heisenberg" or the user's
	Lattice  *Lattice // the lattice the terms live on, when there is one
	N        int      // sites; read-only
	Coupling float64  // J of NewTFIM and NewHeisenberg
	Field    float64  // h of NewTFIM
	J2       float64  // next-nearest coupling of NewJ1J2
	Marshall bool     // basis rotated on one sublattice (RotateMarshall)

	diag     []DiagTerm
	off      []OffTerm
	rot      []int8 // the rotated sublattice, nil for none
	noSzFlip bool   // some off-diagonal piece changes Σ s_i

	// The same pieces split by kind, compact, for the local energy's loop:
	// c σ^z_i σ^z_j diagonals, other two-site and one-site diagonals,
	// one-site flips (which act from both states, the matrix being
	// symmetric), exchanges of antiparallel pairs and other two-site
	// pieces. The two common kinds cost no table lookup.
	dZZ   []pairC
	dBond []bondDiag
	dSite []siteDiag
	oSite []siteOff
	oHop  []pairC
	oBond []bondOff
}

type pairC struct {
	i, j int32
	c    float64
}

type bondDiag struct {
	i, j int32
	v    [4]float64
}

type siteDiag struct {
	i int32
	v [2]float64
}

type siteOff struct {
	i int32
	c float64
}

type bondOff struct {
	i, j   int32
	fi, fj int32
	from   uint8
	c      float64
}

// DiagTerm is the diagonal part of one term on sites I and J (J < 0 for a
// one-site term): it adds V[a] to ⟨s|H|s⟩, with a the local state of the
// term's sites (BondMatrix or SiteMatrix order).
type DiagTerm struct {
	I, J int
	V    [4]float64
}

// OffTerm is one off-diagonal piece of a term on sites I and J (J < 0 for
// a one-site term): from every configuration s whose local state a on
// the term's sites has bit a of From set, it connects s to s' = s with
// spin FlipI (and FlipJ, when ≥ 0) flipped, with ⟨s|H|s'⟩ = C.
type OffTerm struct {
	I, J         int
	From         uint8
	FlipI, FlipJ int
	C            float64
}

// Connection is one off-diagonal element ⟨s|H|s'⟩ = C, with s' = s with
// spin I (and J, when ≥ 0) flipped.
type Connection struct {
	I, J int
	C    float64
}

// Model names.
const (
	TFIM       = "tfim"
	Heisenberg = "heisenberg"
)

// NewSpin returns the zero operator on n sites, to which terms are added.
// It panics for n < 1.
func NewSpin(n int) *Spin {
	if n < 1 {
		panic(fmt.Sprintf("hamiltonian: NewSpin(%d): need at least one site", n))
	}
	return &Spin{N: n}
}

// NewTFIM returns the transverse-field Ising model
// H = −J Σ_⟨ij⟩ σ^z_i σ^z_j − h Σ_i σ^x_i (Pauli matrices). For h ≥ 0 all
// off-diagonal elements are ≤ 0, so the ground state is positive.
func NewTFIM(lat *Lattice, j, h float64) (*Spin, error) {
	if math.IsNaN(j) || math.IsInf(j, 0) || math.IsNaN(h) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("tfim: coupling %g and field %g must be finite", j, h)
	}
	s := NewSpin(lat.Sites())
	s.Model, s.Lattice, s.Coupling, s.Field = TFIM, lat, j, h
	for _, b := range lat.Bonds {
		if err := s.AddBond(b[0], b[1], IsingBond(-j)); err != nil {
			return nil, err
		}
	}
	if h != 0 {
		for i := range s.N {
			if err := s.AddSite(i, FieldX(-h)); err != nil {
				return nil, err
			}
		}
	}
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
	s := NewSpin(lat.Sites())
	s.Model, s.Lattice, s.Coupling = Heisenberg, lat, j
	if marshall {
		if err := s.RotateMarshall(lat.Sublattice); err != nil {
			return nil, err
		}
	}
	for _, b := range lat.Bonds {
		if err := s.AddBond(b[0], b[1], HeisenbergBond(j)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// RotateMarshall rotates the basis by π about z on the sites with
// sublattice[i] = 1, for the terms added before and after: every
// off-diagonal element that flips an odd number of those sites changes
// sign. The spectrum is unchanged; for a Heisenberg antiferromagnet on a
// bipartite lattice the ground state becomes positive (Marshall's sign
// rule), as a positive trial state needs. It may be called once.
func (h *Spin) RotateMarshall(sublattice []int8) error {
	if h.rot != nil {
		return errors.New("hamiltonian: the Marshall rotation is already applied")
	}
	if len(sublattice) != h.N {
		return fmt.Errorf("hamiltonian: Marshall rotation over %d sites for an operator on %d", len(sublattice), h.N)
	}
	for i, v := range sublattice {
		if v != 0 && v != 1 {
			return fmt.Errorf("hamiltonian: Marshall rotation: sublattice %d of site %d, want 0 or 1", v, i)
		}
	}
	h.rot = append([]int8(nil), sublattice...)
	h.Marshall = true
	h.oSite, h.oHop, h.oBond = h.oSite[:0], h.oHop[:0], h.oBond[:0]
	for k := range h.off {
		h.off[k].C = h.rotated(h.off[k].FlipI, h.off[k].FlipJ, h.off[k].C)
		h.addKind(h.off[k])
	}
	return nil
}

// rotated is c with the Marshall sign of flipping sites i and j (j < 0:
// only i).
func (h *Spin) rotated(i, j int, c float64) float64 {
	if h.rot == nil {
		return c
	}
	odd := h.rot[i]
	if j >= 0 {
		odd ^= h.rot[j]
	}
	if odd != 0 {
		return -c
	}
	return c
}

// AddSite adds the one-site term m acting on site i. m must be symmetric
// and finite.
func (h *Spin) AddSite(i int, m SiteMatrix) error {
	if i < 0 || i >= h.N {
		return fmt.Errorf("hamiltonian: site %d outside 0…%d", i, h.N-1)
	}
	if err := checkMatrix(len(m), func(a, b int) float64 { return m[a][b] }); err != nil {
		return fmt.Errorf("hamiltonian: term on site %d: %w", i, err)
	}
	if m[0][0] != 0 || m[1][1] != 0 {
		h.diag = append(h.diag, DiagTerm{I: i, J: -1, V: [4]float64{m[0][0], m[1][1]}})
		h.dSite = append(h.dSite, siteDiag{i: int32(i), v: [2]float64{m[0][0], m[1][1]}})
	}
	// m is symmetric: one piece flips the spin from either state.
	if c := m[0][1]; c != 0 {
		h.addOff(OffTerm{I: i, J: -1, From: 3, FlipI: i, FlipJ: -1, C: c})
		h.noSzFlip = true
	}
	return nil
}

// AddBond adds the two-site term m acting on sites i ≠ j (BondMatrix
// order, site i first). m must be symmetric and finite.
func (h *Spin) AddBond(i, j int, m BondMatrix) error {
	if i < 0 || i >= h.N || j < 0 || j >= h.N || i == j {
		return fmt.Errorf("hamiltonian: bond (%d, %d): want two different sites in 0…%d", i, j, h.N-1)
	}
	if err := checkMatrix(len(m), func(a, b int) float64 { return m[a][b] }); err != nil {
		return fmt.Errorf("hamiltonian: term on bond (%d, %d): %w", i, j, err)
	}
	var v [4]float64
	for a := range 4 {
		v[a] = m[a][a]
	}
	if v != [4]float64{} {
		h.diag = append(h.diag, DiagTerm{I: i, J: j, V: v})
		if c := v[0]; v[1] == -c && v[2] == -c && v[3] == c {
			h.dZZ = append(h.dZZ, pairC{i: int32(i), j: int32(j), c: c})
		} else {
			h.dBond = append(h.dBond, bondDiag{i: int32(i), j: int32(j), v: v})
		}
	}
	// Flipping site i toggles bit 1 of the local state, site j bit 0.
	for _, p := range [3]struct{ mask, fi, fj int }{{2, i, -1}, {1, j, -1}, {3, i, j}} {
		// Local states with the same element share one piece.
		var done uint8
		for a := range 4 {
			c := m[a][a^p.mask]
			if c == 0 || done>>a&1 != 0 {
				continue
			}
			var from uint8
			for b := a; b < 4; b++ {
				if m[b][b^p.mask] == c {
					from |= 1 << b
				}
			}
			done |= from
			h.addOff(OffTerm{I: i, J: j, From: from, FlipI: p.fi, FlipJ: p.fj, C: c})
			// Only the exchange of antiparallel spins (↑↓ ↔ ↓↑, local
			// states 1 and 2) keeps Σ s_i.
			if p.mask != 3 || from&^6 != 0 {
				h.noSzFlip = true
			}
		}
	}
	return nil
}

// addOff appends an off-diagonal piece, with the Marshall sign when the
// basis is rotated.
func (h *Spin) addOff(t OffTerm) {
	t.C = h.rotated(t.FlipI, t.FlipJ, t.C)
	h.off = append(h.off, t)
	h.addKind(t)
}

// addKind appends t to the local energy's list of its kind.
func (h *Spin) addKind(t OffTerm) {
	switch {
	case t.J < 0:
		h.oSite = append(h.oSite, siteOff{i: int32(t.I), c: t.C})
	case t.From == 6 && t.FlipI == t.I && t.FlipJ == t.J:
		h.oHop = append(h.oHop, pairC{i: int32(t.I), j: int32(t.J), c: t.C})
	default:
		h.oBond = append(h.oBond, bondOff{i: int32(t.I), j: int32(t.J), fi: int32(t.FlipI), fj: int32(t.FlipJ), from: t.From, c: t.C})
	}
}

// checkMatrix reports a non-finite or asymmetric n×n matrix given by its
// element function.
func checkMatrix(n int, at func(a, b int) float64) error {
	for a := range n {
		for b := range n {
			x := at(a, b)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("element [%d][%d] = %g is not finite", a, b, x)
			}
			if y := at(b, a); y != x {
				return fmt.Errorf("not symmetric: [%d][%d] = %g, [%d][%d] = %g", a, b, x, b, a, y)
			}
		}
	}
	return nil
}

// Sites is the number of spins.
func (h *Spin) Sites() int { return h.N }

// ConservesSz reports whether every term keeps the magnetisation Σ s_i,
// so that it is a good quantum number (exchange moves and the Lanczos
// sector rely on it).
func (h *Spin) ConservesSz() bool { return !h.noSzFlip }

// Diag is the compiled diagonal part, one entry per term (read-only).
func (h *Spin) Diag() []DiagTerm { return h.diag }

// Off is the compiled off-diagonal part, in the order the terms were
// added (read-only).
func (h *Spin) Off() []OffTerm { return h.off }

// down is 1 for s = −1 and 0 for s = +1 (the sign bit).
func down(s int8) uint { return uint(uint8(s) >> 7) }

// local is the index of the local state of sites i and j (j < 0: site i
// alone) in BondMatrix or SiteMatrix order: bit 1 for s_i = −1 and bit 0
// for s_j = −1.
func local(s []int8, i, j int) uint {
	if j < 0 {
		return down(s[i])
	}
	return down(s[i])<<1 | down(s[j])
}

// Diagonal is ⟨s|H|s⟩: the σ^zσ^z terms, the other two-site terms, then
// the one-site terms, each in the order they were added.
func (h *Spin) Diagonal(s []int8) float64 {
	e := 0.0
	for k := range h.dZZ {
		t := &h.dZZ[k]
		e += t.c * float64(s[t.i]*s[t.j])
	}
	for k := range h.dBond {
		t := &h.dBond[k]
		e += t.v[(down(s[t.i])<<1|down(s[t.j]))&3]
	}
	for k := range h.dSite {
		t := &h.dSite[k]
		e += t.v[down(s[t.i])&1]
	}
	return e
}

// Connected appends to dst the off-diagonal elements of row s of H, one
// per piece (two pieces reaching the same s' are listed separately; their
// elements add), and returns it.
func (h *Spin) Connected(s []int8, dst []Connection) []Connection {
	for k := range h.off {
		t := &h.off[k]
		if t.From>>local(s, t.I, t.J)&1 != 0 {
			dst = append(dst, Connection{I: t.FlipI, J: t.FlipJ, C: t.C})
		}
	}
	return dst
}

// LocalEnergy is E_L(s) = Σ_s' ⟨s|H|s'⟩ Ψ(s')/Ψ(s), with the ratios taken
// from psi at configuration s (values ±1): the diagonal, then the
// one-site flips, the exchanges and the other two-site off-diagonal
// pieces, each in the order they were added. It allocates nothing.
func (h *Spin) LocalEnergy(s []int8, psi Ratioer) float64 {
	e := h.Diagonal(s)
	for k := range h.oSite {
		t := &h.oSite[k]
		e += t.c * psi.Ratio(int(t.i), -1)
	}
	for k := range h.oHop {
		t := &h.oHop[k]
		if s[t.i] != s[t.j] {
			e += t.c * psi.Ratio(int(t.i), int(t.j))
		}
	}
	for k := range h.oBond {
		t := &h.oBond[k]
		if t.from>>((down(s[t.i])<<1|down(s[t.j]))&3)&1 != 0 {
			e += t.c * psi.Ratio(int(t.fi), int(t.fj))
		}
	}
	return e
}

func (h *Spin) String() string {
	name := h.Model
	if name == "" {
		name = "spin operator"
	}
	if h.Lattice == nil {
		return fmt.Sprintf("%s on %d sites", name, h.N)
	}
	return fmt.Sprintf("%s on %v", name, h.Lattice)
}
