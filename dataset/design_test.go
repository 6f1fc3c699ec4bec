package dataset

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestLiquidDropFeatures(t *testing.T) {
	tb, err := ReadCSV(strings.NewReader("N,Z,A\n8,8,16\n9,8,17\n7,7,14\n"), "ld.csv")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Build(tb, append([]string{"intercept"}, LiquidDrop...))
	if err != nil {
		t.Fatal(err)
	}
	// Hand-evaluated terms: 16O even-even, 17O odd A, 14N odd-odd.
	want := [][]float64{
		{1, 16, math.Pow(16, 2.0/3), 8 * 7 / math.Pow(16, 1.0/3), 0, 1 / 4.0},
		{1, 17, math.Pow(17, 2.0/3), 8 * 7 / math.Pow(17, 1.0/3), 1.0 / 17, 0},
		{1, 14, math.Pow(14, 2.0/3), 7 * 6 / math.Pow(14, 1.0/3), 0, -1 / math.Sqrt(14)},
	}
	for i, w := range want {
		for j := range w {
			// 4 ulp: Cbrt vs Pow round differently.
			if math.Abs(d.Row(i)[j]-w[j]) > 4e-16*math.Abs(w[j]) {
				t.Errorf("row %d %s = %v, want %v", i, d.Names[j], d.Row(i)[j], w[j])
			}
		}
	}
	ext, err := Build(tb, []string{"curvature", "surface_asymmetry", "wigner"})
	if err != nil {
		t.Fatal(err)
	}
	// 17O: N−Z = 1.
	w17 := []float64{math.Pow(17, 1.0/3), 1 / math.Pow(17, 4.0/3), 1.0 / 17}
	for j, w := range w17 {
		if math.Abs(ext.Row(1)[j]-w) > 4e-16*w {
			t.Errorf("17O %s = %v, want %v", ext.Names[j], ext.Row(1)[j], w)
		}
	}
	bad, _ := ReadCSV(strings.NewReader("N,Z,A\n8,8,17\n"), "bad.csv")
	if _, err := Build(bad, []string{"volume"}); err == nil {
		t.Error("N+Z != A accepted")
	}
}

func TestPolynomial(t *testing.T) {
	got := Polynomial([]string{"x", "y"}, 3)
	want := []string{"x", "y", "x^2", "x*y", "y^2", "x^3", "x^2*y", "x*y^2", "y^3"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
	tb, _ := ReadCSV(strings.NewReader("x,y\n2,3\n"), "p.csv")
	d, err := Build(tb, got)
	if err != nil {
		t.Fatal(err)
	}
	wantV := []float64{2, 3, 4, 6, 9, 8, 12, 18, 27}
	if !reflect.DeepEqual(d.Row(0), wantV) {
		t.Fatalf("%v, want %v", d.Row(0), wantV)
	}
	for _, f := range []string{"x^0", "x^a", "*x", "x**y", "w"} {
		if _, err := Build(tb, []string{f}); err == nil {
			t.Errorf("feature %q accepted", f)
		}
	}
}
