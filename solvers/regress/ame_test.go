package regress_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/vmcmpi/vmcmpi/dataset"
	"github.com/vmcmpi/vmcmpi/internal/repotest"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// ameFile is a file of the AME data directory, or skips the test when
// it is absent.
func ameFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(repotest.AMEDir(t), name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("AME data absent: %s not found (download the AME mass tables there to run this test)", p)
	}
	return p
}

// The liquid-drop fit of AME2016 (experimental, A ≥ 16) from sufficient
// statistics equals gonum's QR solve on the full design matrix.
func TestAMELiquidDropMatchesQR(t *testing.T) {
	ns, err := dataset.ReadAMEFile(ameFile(t, "mass16.txt"), dataset.AME2016, dataset.AMEOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var keep dataset.Nuclides
	for _, n := range ns {
		if n.A >= 16 {
			keep = append(keep, n)
		}
	}
	d, err := dataset.Build(keep, dataset.LiquidDrop)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := keep.Column("binding")
	p := d.Cols()
	s := regress.NewStats(p)
	for i := range d.Rows {
		s.Add(d.Row(i), y[i])
	}
	ones := make([]float64, p) // unit penalty weights, as Ridge with nil weights
	for j := range ones {
		ones[j] = 1
	}
	for _, lam := range []float64{0, 1e-4} {
		f, err := regress.Ridge(s, lam, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := d.Rows
		sol := regress.QRSolve(t, d.X, y, p, lam, ones)
		for j := range p {
			want := sol[j]
			// 1e-8 relative: the acceptance bound for normal equations vs QR.
			if math.Abs(f.Coef[j]-want) > 1e-8*math.Abs(want) {
				t.Errorf("λ=%g %s: %.12g, QR %.12g", lam, d.Names[j], f.Coef[j], want)
			}
		}
		if lam == 0 {
			// Textbook liquid-drop values (MeV): a_v ≈ 15.5, a_s ≈ 17,
			// a_c ≈ 0.7, a_a ≈ 23, a_p ≈ 11; rms ≈ 3 MeV.
			t.Logf("coefficients %v, rms %.3f MeV over %d nuclides", f.Coef, f.RMS(), n)
			if f.Coef[0] < 14 || f.Coef[0] > 17 || f.RMS() > 4 {
				t.Errorf("liquid-drop fit off: %v rms %g", f.Coef, f.RMS())
			}
		}
	}
}

// The Lasso path on nearly collinear AME features (liquid-drop terms,
// extended terms and quadratic monomials in N and Z) satisfies the KKT
// conditions at every λ.
func TestAMELassoPathKKT(t *testing.T) {
	ns, err := dataset.ReadAMEFile(ameFile(t, "mass16.txt"), dataset.AME2016, dataset.AMEOptions{})
	if err != nil {
		t.Fatal(err)
	}
	feats := append([]string{"intercept"}, dataset.LiquidDrop...)
	feats = append(feats, "curvature", "surface_asymmetry", "wigner", "n^2", "z^2", "n*z")
	d, err := dataset.Build(dataset.Nuclides(ns), feats)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := dataset.Nuclides(ns).Column("binding")
	s := regress.NewStats(d.Cols())
	for i := range d.Rows {
		s.Add(d.Row(i), y[i])
	}
	w := regress.ScaledPenalty(s, 0)
	lmax, err := regress.LambdaMax(s, w)
	if err != nil {
		t.Fatal(err)
	}
	lams := regress.LambdaGrid(lmax, 1e-5, 30)
	fits, err := regress.LassoPath(s, lams, w, regress.LassoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := s.P
	for i, f := range fits {
		// The gradient (2/n)(Xᵀy − Gθ) cancels terms far larger than λ;
		// its round-off, p·ε·(2/n)·max_j(|Xᵀy_j| + Σ_k|G_jk θ_k|)/λ in
		// units of λ, bounds what the KKT check can resolve. Allow 10 times
		// that (and at least 1e-9).
		big := 0.0
		for j := range p {
			r := math.Abs(s.XtY[j])
			for k := range p {
				r += math.Abs(s.XtX[j*p+k] * f.Coef[k])
			}
			big = max(big, r)
		}
		tol := max(10*float64(p)*2.2e-16*2/s.N*big/lams[i], 1e-9)
		if v := regress.KKT(s, lams[i], w, f.Coef); v > tol {
			t.Errorf("λ=%g: KKT violation %g·λ (round-off scale %g)", lams[i], v, tol)
		}
	}
}
