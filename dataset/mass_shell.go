package dataset

import "math"

// Liquid drop with a Wigner term and valence-nucleon shell terms, after
// A. E. L. Dieperink and P. Van Isacker, "Shell corrections to a
// liquid-drop description of nuclear masses and radii", Eur. Phys. J. A
// 42, 269 (2009):
//
//	B = LD5 + a_W |N−Z|/A + a_1 S₂ + a_2 S₂² + a_3 S_np,
//	S₂ = ν ν̄/D_ν + π π̄/D_π,   S_np = ν ν̄ π π̄/(D_ν D_π),
//
// where ν is the number of valence neutrons above the last closed shell,
// ν̄ = D_ν − ν the number of holes, D_ν the size of the open shell between
// magic numbers (2, 8, 20, 28, 50, 82, 126, 184, then 258 and 350 to cover
// the chart beyond known nuclei), and π, π̄, D_π the same for protons. The
// shell terms vanish at closed shells and peak at mid-shell, where
// deformation lowers the energy, so a_1 comes out negative.
func init() {
	registerMassModel(&MassModel{
		Name:      "ld-shell",
		Reference: "LD + Wigner + valence shell terms S2, S2², Snp: Dieperink & Van Isacker, Eur. Phys. J. A 42, 269 (2009)",
		Terms:     []string{"volume", "surface", "coulomb", "asymmetry", "pairing", "wigner", "s2", "s2sq", "snp"},
		MinN:      8, MinZ: 8,
		eval: func(dst []float64, n, z, _ int) {
			ldTerms(dst[:5], n, z)
			a := float64(n + z)
			dst[5] = math.Abs(float64(n-z)) / a
			vn, dn := valence(n)
			vp, dp := valence(z)
			fn := vn * (dn - vn) / dn
			fp := vp * (dp - vp) / dp
			dst[6] = fn + fp
			dst[7] = (fn + fp) * (fn + fp)
			dst[8] = fn * fp
		},
	})
}

var magic = []int{0, 2, 8, 20, 28, 50, 82, 126, 184, 258, 350}

// valence returns the number of nucleons above the closed shell below n
// and the size of the open shell (at a magic number the shell is closed:
// 0 valence nucleons).
func valence(n int) (v, d float64) {
	for i := 1; i < len(magic); i++ {
		if n < magic[i] {
			return float64(n - magic[i-1]), float64(magic[i] - magic[i-1])
		}
	}
	last := len(magic) - 1
	return float64(n - magic[last]), 100
}
