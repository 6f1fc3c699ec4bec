package dataset

import "math"

// The ten-parameter Duflo–Zuker formula (DZ10), as published in the
// authors' code du_zu_10 (J. Duflo and A. P. Zuker, Phys. Rev. C 52, R23
// (1995), and the step-by-step reading of that code by J. Mendoza-Temis,
// J. G. Hirsch and A. P. Zuker, Nucl. Phys. A 843, 14 (2010)). With
// A = N+Z, T = |N−Z|, r = A^(1/3), ρ = r(1 − T²/(4A²)) and R = ρ²/r:
//
//	t1  Coulomb  (−Z(Z−1) + 0.76 [Z(Z−1)]^(2/3))/ρ
//	t2  master (FM + spin-orbit) volume  (Σ_ν,π (Σ_p n_p/√((p+1)(p+2)))² + SO)/R
//	t3  master surface                   −FM/R²
//	t4  isospin volume                   −T(T+2)/(r² R)
//	t5  isospin surface + Wigner         (T(T+2)/(r² R) + T(1−T)/(A R³))/R
//	t6  S3 volume (spherical only)       Σ n(D−n)(2n−D)/D over the last
//	                                     extruder–intruder shell, /R
//	t7  S3 surface                       −t6/R
//	t8  spherical quadrupole             q_ν q_π 2^(√p_ν + √p_π)/R
//	t9  deformed quadrupole              q_ν q_π/R (4 nucleons promoted)
//	t10 pairing                          (2 − T/A, 1, 1 − T/A or T/A)/R
//
// where the shells are those of the harmonic oscillator split into their
// largest-j orbit (size 2(p+1)) and the rest. Each nucleus takes the
// larger of the spherical and deformed bindings, the deformed one only for
// Z > 50. The authors' coefficients are Start; their rms deviation is
// ≈ 0.57 MeV on the AME masses with N, Z ≥ 8 (Mendoza-Temis et al. 2010).
func init() {
	registerMassModel(&MassModel{
		Name:      "dz10",
		Reference: "Duflo & Zuker, Phys. Rev. C 52, R23 (1995); Mendoza-Temis, Hirsch & Zuker, Nucl. Phys. A 843, 14 (2010)",
		RefRMS:    0.57,
		RefRange:  "measured masses with N, Z ≥ 8 (AME2003)",
		Terms:     []string{"coulomb", "master_vol", "master_surf", "isospin_vol", "isospin_surf", "s3_vol", "s3_surf", "qq_sph", "qq_def", "pairing"},
		Branches:  2,
		Start:     []float64{0.7043, 17.7418, 16.2562, 37.5562, 53.9017, 0.4711, 2.1307, 0.0210, 40.5356, 6.0632},
		MinN:      8, MinZ: 8,
		eval: dzTerms,
		allowed: func(_, z, b int) bool {
			return b == 0 || z > 50
		},
	})
}

// dzShell holds, for one kind of nucleon, what the DZ10 terms need.
type dzShell struct {
	fm, so float64 // squared master amplitude, spin-orbit sum
	dx, qx float64 // S3 and quadrupole factors of the last shell
	p      int     // oscillator number of the last shell
}

// dzNucleons fills n nucleons into the subshells and returns the DZ10
// shell quantities; promoted nucleons (4 for the deformed branch) are
// moved from the last subshell into the next one.
func dzNucleons(n int, promoted int) dzShell {
	// Subshell i (1-based): odd i is the largest-j orbit of oscillator
	// shell p = (i−1)/2 (size i+1), even i the rest of shell p = i/2 − 1
	// (size i(i−2)/4), so the closures are 2, 8, 20, 28, 50, 82, 126, 184.
	var occ [48]int
	ncum, i, size := 0, 0, 0
	for {
		i++
		if i%2 == 1 {
			size = i + 1
		} else {
			size = i * (i - 2) / 4
		}
		ncum += size
		if ncum >= n {
			break
		}
		occ[i] = size
	}
	p := (i - 1) / 2
	pmax := i / 2
	last := n - ncum + size // nucleons in the last (partly filled) subshell
	occ[i] = last - promoted
	occ[i+1] = promoted
	var oei, dei float64 // occupancy and size of the last extruder–intruder shell
	if i%2 == 1 {
		oei = float64(last + p*(p-1))
		dei = float64(p*(p+1) + 2)
	} else {
		oei = float64(last - promoted)
		dei = float64((p+1)*(p+2) + 2)
	}
	var s dzShell
	s.p = p
	s.qx = oei * (dei - oei - float64(promoted)) / dei
	s.dx = s.qx * (2*oei - dei)
	if promoted > 0 {
		s.qx /= math.Sqrt(dei)
	}
	var fmAmp, soAmp [26]float64
	for k := 1; k <= i+1; k++ {
		q := (k - 1) / 2
		fmAmp[q] += float64(occ[k]) / math.Sqrt(float64((q+1)*(q+2)))
		vm := -1.0
		if k%2 == 1 {
			vm = 0.5 * float64(q)
		}
		soAmp[q] += float64(occ[k]) * vm
	}
	var fm float64
	for q := 0; q <= pmax; q++ {
		fq := float64(q)
		den := math.Pow(float64((q+1)*(q+2)), 1.5)
		fm += fmAmp[q]
		s.so += soAmp[q]*(1+fmAmp[q])*(fq*fq/den) + soAmp[q]*(1-fmAmp[q])*((4*fq-5)/den)
	}
	s.fm = fm * fm
	return s
}

// dzTerms writes the ten DZ10 terms of branch b (0 spherical, 1 deformed).
func dzTerms(dst []float64, n, z, b int) {
	a := float64(n + z)
	t := math.Abs(float64(n - z))
	r := math.Cbrt(a)
	rc := r * (1 - 0.25*(t/a)*(t/a))
	ra := rc * rc / r
	z2 := float64(z * (z - 1))
	dst[0] = (-z2 + 0.76*math.Pow(z2, 2.0/3)) / rc
	promoted := 0
	if b == 1 {
		promoted = 4
	}
	sn := dzNucleons(n, promoted)
	sp := dzNucleons(z, promoted)
	fm := sn.fm + sp.fm
	dst[1] = fm + sn.so + sp.so
	dst[2] = -fm / ra
	dst[3] = -t * (t + 2) / (r * r)
	dst[4] = -dst[3]/ra + t*(1-t)/(a*ra*ra*ra)
	dst[5], dst[6], dst[7], dst[8] = 0, 0, 0, 0
	if b == 0 {
		dst[5] = sn.dx + sp.dx
		dst[6] = -dst[5] / ra
		dst[7] = sn.qx * sp.qx * math.Pow(2, math.Sqrt(float64(sn.p))+math.Sqrt(float64(sp.p)))
	} else {
		dst[8] = sn.qx * sp.qx
	}
	nEven, zEven := n%2 == 0, z%2 == 0
	var pair float64
	switch {
	case nEven && zEven:
		pair = 2 - t/a
	case !nEven && !zEven:
		pair = t / a
	case (n > z) == nEven: // the even kind is the majority kind
		pair = 1 - t/a
	default:
		pair = 1
	}
	dst[9] = pair
	for k := 1; k < 10; k++ {
		dst[k] /= ra
	}
}
