package dataset

import "math"

// The five-term liquid drop (Bethe–Weizsäcker):
//
//	B = a_v A + a_s A^(2/3) + a_c Z(Z−1)/A^(1/3) + a_a (N−Z)²/A + a_p δ/√A
//
// (a_s, a_c, a_a come out negative), δ = +1, 0, −1 for even-even, odd-A
// and odd-odd nuclei. Reference rms: 2.82 MeV for the default fit of
// G. F. Bertsch's liquid-drop fitting page (University of Washington,
// gene.phys.washington.edu/~intuser/ld.html); fits of the same form to
// AME tables typically give 2.8–3.3 MeV (e.g. D. Benzaid et al., Nucl. Sci.
// Tech. 31, 9 (2020), 2497 AME2016 nuclides).
func init() {
	registerMassModel(&MassModel{
		Name:      "ld",
		Reference: "Bethe–Weizsäcker liquid drop; rms 2.82 MeV: G. F. Bertsch, UW liquid-drop fitting page",
		RefRMS:    2.82,
		RefRange:  "measured binding energies of the page's default table",
		Terms:     []string{"volume", "surface", "coulomb", "asymmetry", "pairing"},
		MinN:      1, MinZ: 1,
		eval: func(dst []float64, n, z, _ int) {
			ldTerms(dst, n, z)
		},
	})
}

// ldTerms writes the five liquid-drop terms.
func ldTerms(dst []float64, n, z int) {
	a := float64(n + z)
	c := math.Cbrt(a)
	d := float64(n - z)
	dst[0] = a
	dst[1] = c * c
	dst[2] = float64(z*(z-1)) / c
	dst[3] = d * d / a
	dst[4] = pairingDelta(n, z) / math.Sqrt(a)
}
