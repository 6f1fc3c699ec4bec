package dataset

import "math"

// Extended liquid drop with isospin-dependent volume and surface energies,
// curvature, Coulomb diffuseness and a Wigner term, the macroscopic part of
// G. Royer, "On the coefficients of the liquid drop model mass formulae
// and nuclear radii", Nucl. Phys. A 807, 105 (2008) (arXiv:0804.1873):
//
//	B = a_v(1 − k_v I²)A − a_s(1 − k_s I²)A^(2/3) − a_k A^(1/3)
//	    − (3e²/5r₀) Z²/A^(1/3) + f_p Z²/A − a_W |I| + a_p δ/√A,
//
// I = (N−Z)/A, written as nine linear terms. Royer's fits add the shell
// energies of Möller et al. (a table we do not use), so only the
// macroscopic form is taken here and his rms is not comparable.
func init() {
	registerMassModel(&MassModel{
		Name:      "ld-royer",
		Reference: "isospin-dependent volume/surface, curvature, Coulomb diffuseness, Wigner |I|: Royer, Nucl. Phys. A 807, 105 (2008)",
		Terms:     []string{"volume", "volume_i2", "surface", "surface_i2", "curvature", "coulomb_z2", "coulomb_diffuse", "wigner_abs_i", "pairing"},
		MinN:      8, MinZ: 8,
		eval: func(dst []float64, n, z, _ int) {
			a := float64(n + z)
			c := math.Cbrt(a)
			i := float64(n-z) / a
			zz := float64(z * z)
			dst[0] = a
			dst[1] = a * i * i
			dst[2] = c * c
			dst[3] = c * c * i * i
			dst[4] = c
			dst[5] = zz / c
			dst[6] = zz / a
			dst[7] = math.Abs(i)
			dst[8] = pairingDelta(n, z) / math.Sqrt(a)
		},
	})
}
