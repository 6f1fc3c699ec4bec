package dataset

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/internal/repotest"
)

// The counts are those of PROVENANCE.md next to the data files.
func TestAMECounts(t *testing.T) {
	dir := repotest.AMEDir(t)
	for _, tc := range []struct {
		file                      string
		format                    Format
		rows, exp, est, expMinA16 int
	}{
		{"mass16.txt", AME2016, 3436, 2497, 939, 2432},
		{"mass_1.mas20.txt", AME2020, 3558, 2550, 1008, 2484},
	} {
		path := filepath.Join(dir, tc.file)
		all, err := ReadAMEFile(path, tc.format, AMEOptions{Estimated: true})
		if err != nil {
			t.Fatal(err)
		}
		exp, err := ReadAMEFile(path, tc.format, AMEOptions{})
		if err != nil {
			t.Fatal(err)
		}
		nExp, nEst, n16 := 0, 0, 0
		for _, n := range all {
			if n.Experimental {
				nExp++
				if n.A >= 16 {
					n16++
				}
			} else {
				nEst++
			}
		}
		if len(all) != tc.rows || nExp != tc.exp || nEst != tc.est || n16 != tc.expMinA16 {
			t.Errorf("%s: rows %d experimental %d estimated %d exp A>=16 %d; want %d %d %d %d",
				tc.file, len(all), nExp, nEst, n16, tc.rows, tc.exp, tc.est, tc.expMinA16)
		}
		if len(exp) != tc.exp {
			t.Errorf("%s: default read kept %d rows, want the %d experimental ones ('#' excluded unless asked)", tc.file, len(exp), tc.exp)
		}
		for _, n := range exp {
			if !n.Experimental {
				t.Fatalf("%s:%d: estimated row returned without AMEOptions.Estimated", tc.file, n.Line)
			}
		}
		// First data row is the neutron; spot-check 4He and 208Pb by value
		// (numbers copied from the file's columns).
		if n := all[0]; n.N != 1 || n.Z != 0 || n.A != 1 || n.Element != "n" || n.BindingPerA != 0 {
			t.Errorf("%s: first row %+v, want the neutron", tc.file, n)
		}
		for _, n := range all {
			if n.Z == 2 && n.A == 4 {
				want := map[Format]float64{AME2016: 7073.915, AME2020: 7073.9156}[tc.format]
				if n.BindingPerA != want || n.Element != "He" || !n.Experimental {
					t.Errorf("%s: 4He %+v, BE/A want %v keV", tc.file, n, want)
				}
				// B = A·BE/A in MeV.
				if math.Abs(n.Binding()-4*want/1000) > 1e-12 {
					t.Errorf("%s: 4He binding %v MeV, want %v", tc.file, n.Binding(), 4*want/1000)
				}
			}
		}
	}
}

func TestAMEEstimatedAndSymbols(t *testing.T) {
	dir := repotest.AMEDir(t)
	ns, err := ReadAMEFile(filepath.Join(dir, "mass16.txt"), AME2016, AMEOptions{Estimated: true})
	if err != nil {
		t.Fatal(err)
	}
	// 3Li: "-2267#     667#" in the BE/A columns: an estimate.
	found := false
	for _, n := range ns {
		if n.Z == 3 && n.A == 3 {
			found = true
			if n.Experimental || n.BindingPerA != -2267 || n.BindingPerAErr != 667 {
				t.Errorf("3Li: %+v, want estimated BE/A -2267 ± 667 keV", n)
			}
		}
		if n.Z == 118 && n.Element != "Ei" {
			t.Errorf("AME2016 Z=118 symbol %q, want the placeholder Ei", n.Element)
		}
	}
	if !found {
		t.Error("3Li row missing")
	}
}

const head16 = "1N-Z    N    Z   A  EL    O     MASS EXCESS       BINDING ENERGY/A        BETA-DECAY ENERGY         ATOMIC MASS\n" +
	"                                   (keV)                (keV)                    (keV)                (micro-u)\n"

// Real AME2016 lines (from mass16.txt).
var lines16 = []string{
	"0  1    1    0    1  n         8071.31713    0.00046      0.0      0.0   B-    782.347    0.000   1 008664.91582    0.00049",
	"   0    2    2    4 He         2424.91561    0.00006   7073.915    0.000 B- -22898.273  212.132   4 002603.25413    0.00006",
	"  -3    0    3    3 Li  -pp   28667#      2000#       -2267#     667#    B-      *                3 030775#      2147#",
}

func TestAMEBadRowsHaveLineNumbers(t *testing.T) {
	bad := []string{
		lines16[0],
		"   0    2    2    4 He         2424.91561    0.00006   70x3.915    0.000 B- -22898.273  212.132   4 002603.25413    0.00006", // line 4: not a number
		"   0    2    2    4 He         2424.91561", // line 5: truncated
		lines16[1], // line 6: fine
		"   0    2    3    4 He         2424.91561    0.00006   7073.915    0.000", // line 7: N+Z != A
	}
	in := head16 + strings.Join(bad, "\n") + "\n"
	_, err := ReadAME(strings.NewReader(in), "bad.txt", AME2016, AMEOptions{})
	var re *RowErrors
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want *RowErrors", err)
	}
	var got []int
	for _, r := range re.Rows {
		got = append(got, r.Line)
	}
	want := []int{4, 5, 7}
	if len(got) != len(want) {
		t.Fatalf("bad lines %v, want %v (error: %v)", got, want, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("bad lines %v, want %v", got, want)
		}
	}
	msg := err.Error()
	for _, s := range []string{"bad.txt:4:", "not a number", "bad.txt:5:", "missing", "bad.txt:7:", "inconsistent"} {
		if !strings.Contains(msg, s) {
			t.Errorf("error message lacks %q:\n%s", s, msg)
		}
	}
}

func TestAMEHeaderless(t *testing.T) {
	ns, err := ReadAME(strings.NewReader(strings.Join(lines16, "\n")), "x", AME2016, AMEOptions{Estimated: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 3 || ns[2].Line != 3 || ns[2].Experimental {
		t.Fatalf("got %+v", ns)
	}
}

func TestAMEColumns(t *testing.T) {
	ns, err := ReadAME(strings.NewReader(head16+strings.Join(lines16, "\n")), "x", AME2016, AMEOptions{Estimated: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Nuclides(ns).Column("binding")
	if err != nil {
		t.Fatal(err)
	}
	// 4He: 4 × 7073.915 keV = 28.29566 MeV; 3Li: 3 × (−2267) keV.
	if b[1] != 4*7073.915/1000 || b[2] != 3*-2267.0/1000 {
		t.Errorf("binding %v", b)
	}
	if _, err := Nuclides(ns).Column("nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown column error %v", err)
	}
}

func FuzzAME(f *testing.F) {
	for _, l := range lines16 {
		f.Add(l, false)
		f.Add(head16+l, true)
	}
	f.Add("0 60  177  117  294 Eh   -a  196521#       660#        7092#       2#    B-  -2942#     936#    294 210974#       708#", false)
	f.Add("0  1    1    0    1  n         8071.31806     0.00044       0.0        0.0     B-    782.3470     0.0004    1 008664.91590     0.00047", true)
	f.Fuzz(func(t *testing.T, s string, v20 bool) {
		format := AME2016
		if v20 {
			format = AME2020
		}
		ns, err := ReadAME(strings.NewReader(s), "fuzz", format, AMEOptions{Estimated: true})
		if err != nil {
			return
		}
		for _, n := range ns {
			if n.N+n.Z != n.A || n.Line < 1 || math.IsNaN(n.BindingPerA) {
				t.Fatalf("accepted an inconsistent row %+v", n)
			}
		}
	})
}
