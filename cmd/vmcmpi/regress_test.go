package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/internal/repotest"
)

// End to end: fit AME2016, predict the nuclides new in AME2020, write the
// files.
func TestBMAEndToEnd(t *testing.T) {
	root := repotest.Root(t)
	if _, err := os.Stat(filepath.Join(root, "..", "shared", "data", "ame", "mass_1.mas20.txt")); err != nil {
		t.Skip("AME data absent: ../shared/data/ame/ not found next to the repository")
	}
	t.Chdir(root)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := runBMA([]string{"-config", "configs/regress/bma-ame2020.toml", "-out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var res struct {
		N          int                `json:"n"`
		Weights    map[string]float64 `json:"weights"`
		Prediction struct {
			N        int     `json:"n"`
			Coverage float64 `json:"coverage"`
		} `json:"prediction"`
	}
	data, err := os.ReadFile(filepath.Join(out, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, w := range res.Weights {
		sum += w
	}
	// 2432 training rows: PROVENANCE.md's experimental A ≥ 16 count.
	if res.N != 2432 || len(res.Weights) != 5 || math.Abs(sum-1) > 1e-12 || res.Prediction.N == 0 {
		t.Fatalf("result %+v", res)
	}
	// 95% intervals: with ~70 new nuclides the coverage has a binomial
	// sd of ~2.5%; anything below 75% would mean broken intervals.
	if res.Prediction.Coverage < 0.75 {
		t.Errorf("coverage %g of %d new nuclides", res.Prediction.Coverage, res.Prediction.N)
	}
	for _, f := range []string{"predictions.csv", "predict.csv", "residuals-n.png", "residuals-z.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty", f)
		}
	}
	t.Logf("%s", stdout.String())
}

// writeTestFile writes text to dir/name and returns the path.
func writeTestFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// vmcmpi regress on a CSV table with a λ grid: exit 0, the summary and the
// files on stdout, cv.png drawn; a bad cell exits 1 with a message naming
// file and line; plots = false draws nothing.
func TestRegressCommand(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range 40 {
		x := float64(i) / 8
		fmt.Fprintf(&b, "%g,%g\n", x, 1+2*x+0.1*math.Sin(7*x))
	}
	writeTestFile(t, dir, "line.csv", b.String())
	conf := "[data]\nfile = \"line.csv\"\nformat = \"csv\"\ntarget = \"y\"\n" +
		"[model]\nfeatures = [\"x\"]\nintercept = true\nmethod = \"ridge\"\nlambdas = [0, 0.01, 0.1]\n[cv]\nfolds = 4\n"
	cfg := writeTestFile(t, dir, "line.toml", conf)
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if code := dispatch([]string{"regress", "-config", cfg, "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"regress: 40 rows of", "method ridge, λ = ", "coefficients ± analytic standard error:\n", "cv: 4 folds, held-out rms",
		"training rms", "wrote " + filepath.Join(out, "result.json"), "wrote " + filepath.Join(out, "cv.png")} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	for _, f := range []string{"result.json", "predictions.csv", "cv.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty", f)
		}
	}

	noPlots := filepath.Join(dir, "noplots")
	writeTestFile(t, dir, "line.toml", conf+"[output]\nplots = false\n")
	stdout.Reset()
	if code := dispatch([]string{"regress", "-config", cfg, "-out", noPlots}, &stdout, &stderr); code != 0 {
		t.Fatalf("plots = false: exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(noPlots, "cv.png")); err == nil || strings.Contains(stdout.String(), ".png") {
		t.Errorf("plots = false drew a plot:\n%s", stdout.String())
	}

	writeTestFile(t, dir, "line.csv", strings.Replace(b.String(), "\n", "\n1,oops\n", 3)) // line 4 is the bad one
	stderr.Reset()
	if code := dispatch([]string{"regress", "-config", cfg, "-out", out}, &stdout, &stderr); code != 1 ||
		!strings.HasPrefix(stderr.String(), "vmcmpi regress: ") || !strings.Contains(stderr.String(), "line.csv:4:") {
		t.Errorf("bad cell: exit %d, stderr %q; want 1 and a message naming line.csv:4", code, stderr.String())
	}
}

// Flag and configuration mistakes exit 1 (help 0) with a message.
func TestRegressBadFlags(t *testing.T) {
	dir := t.TempDir()
	bad := writeTestFile(t, dir, "bad.toml", "[data]\nfile = \"x.csv\"\n[model]\nfeatures = [\"a\"]\n")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"regress"}, 1, "-config FILE is required"},
		{[]string{"bma", "-config", bad, "extra"}, 1, `unexpected argument "extra"`},
		{[]string{"regress", "-config", filepath.Join(dir, "none.toml")}, 1, "could not read configuration"},
		{[]string{"bma", "-config", bad}, 1, "bad.toml: [model] belongs to `vmcmpi regress`"},
		{[]string{"regress", "-nosuch"}, 1, "flag provided but not defined: -nosuch"},
		{[]string{"bma", "-h"}, 0, "usage: vmcmpi bma -config FILE [-out DIR]"},
	} {
		var stdout, stderr bytes.Buffer
		code := dispatch(tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("vmcmpi %v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}
