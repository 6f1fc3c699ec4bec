package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/internal/repotest"
)

// A small chart (Z ≤ 20, two models) end to end: result.json, chart.csv
// and every PNG are written and reported.
func TestLandscapeCommandPlots(t *testing.T) {
	if testing.Short() {
		t.Skip("a chart with Gaussian processes (figures tests the plots under -short)")
	}
	root := repotest.Root(t)
	if _, err := os.Stat(filepath.Join(root, "..", "shared", "data", "ame", "mass_1.mas20.txt")); err != nil {
		t.Skip("AME data absent: ../shared/data/ame/ not found next to the repository")
	}
	t.Chdir(root)
	dir := t.TempDir()
	cfg := writeTestFile(t, dir, "small.toml", `models = ["ld", "dz10"]
[data]
train = "../shared/data/ame/mass16.txt"
test = "../shared/data/ame/mass_1.mas20.txt"
max_z = 20
[gp]
subsample = 60
cutoff = 1e-3
[chart]
z_max = 20
[output]
plots = true
`)
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if err := runLandscape([]string{"-config", cfg, "-out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, f := range []string{"result.json", "chart.csv", "chart.png", "s2n-o.png", "s2n-ca.png", "residuals-ld.png", "residuals-dz10.png"} {
		p := filepath.Join(out, f)
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
		if !strings.Contains(stdout.String(), "wrote "+p) {
			t.Errorf("%s not reported in:\n%s", f, stdout.String())
		}
	}
	if _, err := os.Stat(filepath.Join(out, "s2n-ni.png")); err == nil {
		t.Error("Ni drawn although the chart stops at Z = 20")
	}
}
