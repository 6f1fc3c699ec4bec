package hamiltonian

// SiteMatrix is a real one-site operator in the σ^z basis, ordered ↑, ↓
// (s = +1, −1): element [a][b] is ⟨a|h|b⟩.
type SiteMatrix [2][2]float64

// BondMatrix is a real two-site operator on sites (i, j) in the σ^z
// basis, ordered ↑↑, ↑↓, ↓↑, ↓↓ (site i first): element [a][b] is
// ⟨a|h|b⟩, and the index of (s_i, s_j) is 2·[s_i = −1] + [s_j = −1].
type BondMatrix [4][4]float64

// FieldX is c σ^x: it flips the spin with element c.
func FieldX(c float64) SiteMatrix { return SiteMatrix{{0, c}, {c, 0}} }

// FieldZ is c σ^z: c on ↑ and −c on ↓.
func FieldZ(c float64) SiteMatrix { return SiteMatrix{{c, 0}, {0, -c}} }

// IsingBond is c σ^z_i σ^z_j: c on parallel spins, −c on antiparallel.
func IsingBond(c float64) BondMatrix {
	return BondMatrix{{c, 0, 0, 0}, {0, -c, 0, 0}, {0, 0, -c, 0}, {0, 0, 0, c}}
}

// HopBond is c (σ⁺_i σ⁻_j + σ⁻_i σ⁺_j): it exchanges antiparallel spins
// with element c and vanishes on parallel ones.
func HopBond(c float64) BondMatrix {
	return BondMatrix{{}, {0, 0, c, 0}, {0, c, 0, 0}, {}}
}

// HeisenbergBond is J S_i·S_j with S = σ/2, that is
// J/4 σ^z_i σ^z_j + J/2 (σ⁺_i σ⁻_j + σ⁻_i σ⁺_j).
func HeisenbergBond(j float64) BondMatrix {
	return IsingBond(j / 4).Plus(HopBond(j / 2))
}

// XXZBond is J (S^x_i S^x_j + S^y_i S^y_j + Δ S^z_i S^z_j), that is
// JΔ/4 σ^z_i σ^z_j + J/2 (σ⁺_i σ⁻_j + σ⁻_i σ⁺_j).
func XXZBond(j, delta float64) BondMatrix {
	return IsingBond(j * delta / 4).Plus(HopBond(j / 2))
}

// Plus is the sum of two bond operators.
func (m BondMatrix) Plus(o BondMatrix) BondMatrix {
	for a := range m {
		for b := range m[a] {
			m[a][b] += o[a][b]
		}
	}
	return m
}

// Plus is the sum of two site operators.
func (m SiteMatrix) Plus(o SiteMatrix) SiteMatrix {
	for a := range m {
		for b := range m[a] {
			m[a][b] += o[a][b]
		}
	}
	return m
}
