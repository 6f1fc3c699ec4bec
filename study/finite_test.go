package study

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

// A target or feature whose square overflows float64 (1e308, or x^2 of
// 1e200) is refused before fitting with an error naming the file line and
// column, on every rank, instead of a NaN fit and a failed result.json.
func TestHugeValuesNamed(t *testing.T) {
	dir := t.TempDir()
	rows := "x,y\n0,1\n1,3\n2,5\n3,1e308\n4,9\n"
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ feature, want string }{
		{"x", `d.csv:5: target "y" = 1e+308 is too large`},
		{"x^2", `d.csv:5: target "y"`},
	} {
		cfg, err := Decode([]byte(`[data]
file = "`+filepath.Join(dir, "d.csv")+`"
format = "csv"
target = "y"
[model]
features = ["`+c.feature+`"]
method = "bayes"
`), "h.toml", Regress)
		if err != nil {
			t.Fatal(err)
		}
		err = comm.RunLocal(2, func(cm comm.Comm) error { _, err := Run(cm, cfg); return err })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("feature %s: got %v, want %q", c.feature, err, c.want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte("x,y\n1,1\n1e200,2\n3,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Decode([]byte(`[data]
file = "`+filepath.Join(dir, "d.csv")+`"
format = "csv"
target = "y"
[model]
features = ["x^2"]
method = "ols"
`), "h.toml", Regress)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(comm.NewSerial(), cfg); err == nil || !strings.Contains(err.Error(), `d.csv:3: feature "x^2" = +Inf`) {
		t.Errorf("huge feature: %v", err)
	}
}

// nonFinite names every NaN and ±Inf of a result by its JSON path (what
// json.Marshal would otherwise refuse with "unsupported value: NaN").
func TestNonFinitePaths(t *testing.T) {
	r := &Result{RMS: math.NaN(), Coefficients: map[string]float64{"x": 1, "y": math.Inf(1)},
		Models: []ModelSummary{{Bayes: BayesSummary{Alpha: math.Inf(-1)}}}, Train: &Rows{Mean: []float64{math.NaN()}}}
	got := strings.Join(nonFinite(r), "; ")
	want := "coefficients[y] = +Inf; rms = NaN; models[0].bayes.alpha = -Inf"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if bad := nonFinite(&Result{RMS: 1}); bad != nil {
		t.Errorf("finite result: %v", bad)
	}
}
