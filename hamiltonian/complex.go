package hamiltonian

// ComplexRatioer gives complex amplitude ratios of a trial state whose
// amplitudes carry a phase (a sign structure the basis does not remove).
type ComplexRatioer interface {
	// ComplexRatio returns Ψ(s')/Ψ(s) for s' = s with spin i flipped and,
	// when j ≥ 0, spin j as well.
	ComplexRatio(i, j int) complex128
}

// LocalEnergyComplex is E_L(s) = Σ_s' ⟨s|H|s'⟩ Ψ(s')/Ψ(s) for a complex
// Ψ, in the order of LocalEnergy. Its mean over |Ψ|² is real (H is
// Hermitian); a single E_L is not. It allocates nothing.
func (h *Spin) LocalEnergyComplex(s []int8, psi ComplexRatioer) complex128 {
	e := complex(h.Diagonal(s), 0)
	for k := range h.oSite {
		t := &h.oSite[k]
		e += complex(t.c, 0) * psi.ComplexRatio(int(t.i), -1)
	}
	for k := range h.oHop {
		t := &h.oHop[k]
		if s[t.i] != s[t.j] {
			e += complex(t.c, 0) * psi.ComplexRatio(int(t.i), int(t.j))
		}
	}
	for k := range h.oBond {
		t := &h.oBond[k]
		if t.from>>((down(s[t.i])<<1|down(s[t.j]))&3)&1 != 0 {
			e += complex(t.c, 0) * psi.ComplexRatio(int(t.fi), int(t.fj))
		}
	}
	return e
}
