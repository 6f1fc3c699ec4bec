package dataset

import (
	"math"
	"testing"
)

func ameExperimental(t *testing.T, path string, f Format) []Nuclide {
	t.Helper()
	ns, err := ReadAMEFile(path, f, AMEOptions{})
	if err != nil {
		t.Skipf("AME table not available: %v", err)
	}
	return ns
}

// The authors' DZ10 coefficients reproduce the measured masses with an rms
// near the ≈0.57 MeV they report (a wrong term would give several MeV).
func TestDZ10PublishedCoefficients(t *testing.T) {
	m, err := LookupMassModel("dz10")
	if err != nil {
		t.Fatal(err)
	}
	ns := ameExperimental(t, "../../shared/data/ame/mass16.txt", AME2016)
	sc := make([]float64, len(m.Terms))
	var ss float64
	var n int
	for _, nu := range ns {
		if nu.N < 8 || nu.Z < 8 {
			continue
		}
		b := m.Branch(m.Start, sc, nu.N, nu.Z)
		m.Eval(sc, nu.N, nu.Z, b)
		var y float64
		for k, x := range sc {
			y += m.Start[k] * x
		}
		d := y - nu.Binding()
		ss += d * d
		n++
	}
	rms := math.Sqrt(ss / float64(n))
	t.Logf("DZ10 with published coefficients: rms %.3f MeV on %d AME2016 nuclides", rms, n)
	if rms > 0.75 {
		t.Errorf("rms %.3f MeV, want ≲ 0.7", rms)
	}
}

// Shell filling: at the extruder–intruder closures 28, 50, 82, 126 and
// 184 the last-shell S3 and quadrupole factors vanish.
func TestDZShellClosures(t *testing.T) {
	for _, n := range []int{28, 50, 82, 126, 184} {
		s := dzNucleons(n, 0)
		if s.qx != 0 || s.dx != 0 {
			t.Errorf("n=%d: qx %g dx %g, want a closed shell", n, s.qx, s.dx)
		}
	}
	if v, d := valence(64); v != 14 || d != 32 {
		t.Errorf("valence(64) = %g, %g; want 14, 32", v, d)
	}
}

func TestLookupMassModel(t *testing.T) {
	if _, err := LookupMassModel("frdm"); err == nil {
		t.Error("unknown model accepted")
	}
	for _, name := range MassModelNames() {
		m, _ := LookupMassModel(name)
		dst := make([]float64, len(m.Terms))
		for b := range m.Branches {
			m.Eval(dst, 126, 82, b)
			for k, v := range dst {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s term %s at 208Pb = %g", name, m.Terms[k], v)
				}
			}
		}
	}
}
