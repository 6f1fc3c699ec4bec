package main

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/config"
	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// writeRun lays out a run directory as the run command leaves it.
func writeRun(t *testing.T, dir string, sites bool) output.History {
	t.Helper()
	want := output.History{
		Iter:   []float64{0, 1, 2, 3, 4, 5},
		Energy: []float64{3.4, 3.2, 3.1, 3.05, 3.01, 3.002},
		Error:  []float64{0.05, 0.04, 0.02, 0.01, 0.005, 0.002},
	}
	var b strings.Builder
	b.WriteString("iteration,energy,error,variance,acceptance,grad_norm,learning_rate,wall_seconds\n")
	for i := range want.Iter {
		b.WriteString(strings.Join([]string{
			fmtF(want.Iter[i]), fmtF(want.Energy[i]), fmtF(want.Error[i]), "0.1", "0.9", "0.3", "0.05", "0.5",
		}, ",") + "\n")
	}
	must(t, os.WriteFile(filepath.Join(dir, "history.csv"), []byte(b.String()), 0o644))
	res := `{"energy": 3.0001, "error": 0.0004, "exact": 3}`
	if sites {
		res = `{"energy": -12.7, "error": 0.01, "exact": null, "sites": 10}`
	}
	must(t, os.WriteFile(filepath.Join(dir, "result.json"), []byte(res), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "density.csv"), []byte("r_lo,r_hi,count,density\n0,0.5,120,0.31\n0.5,1,300,0.22\n1,1.5,90,0.05\n1.5,2,4,0.002\n"), 0o644))
	return want
}

func fmtF(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestPlotDataPath(t *testing.T) {
	dir := t.TempDir()
	want := writeRun(t, dir, false)
	got, err := output.ReadHistory(filepath.Join(dir, "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parsed history %+v, want %+v", got, want)
	}
	sum, err := output.ReadResult(filepath.Join(dir, "result.json"))
	if err != nil || sum.Exact == nil || *sum.Exact != 3 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	// The axes must enclose every point with its error bar and the exact line.
	p, err := energyPlot(got, sum.Exact, 1, "energy", "Hartree")
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min > 0 || p.X.Max < 5 {
		t.Fatalf("x axis [%g, %g] does not span iterations 0..5", p.X.Min, p.X.Max)
	}
	if p.Y.Min > 3.0 || p.Y.Max < 3.45-1e-12 {
		t.Fatalf("y axis [%g, %g] does not span 3.0 (exact) .. 3.45 (3.4 + error 0.05)", p.Y.Min, p.Y.Max)
	}

	var out bytes.Buffer
	if err := runPlot([]string{dir}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "energy.png") || !strings.Contains(out.String(), "density.png") {
		t.Fatalf("plot printed %q", out.String())
	}
	for _, name := range []string{"energy.png", "density.png"} {
		checkPNG(t, filepath.Join(dir, name))
	}
	if _, err := os.Stat(filepath.Join(dir, "energy-per-site.png")); err == nil {
		t.Fatal("energy per site drawn for a continuous system")
	}
}

func TestPlotSpinPerSite(t *testing.T) {
	dir := t.TempDir()
	want := writeRun(t, dir, true)
	files, err := writePlots(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("files %v, want energy, energy per site and density", files)
	}
	checkPNG(t, filepath.Join(dir, "energy-per-site.png"))
	p, err := energyPlot(want, nil, 10, "energy per site", "J")
	if err != nil {
		t.Fatal(err)
	}
	// Energies 3.002..3.4 over 10 sites.
	if p.Y.Min > 0.3002 || p.Y.Max < 0.345 || p.Y.Max > 1 {
		t.Fatalf("per-site y axis [%g, %g]", p.Y.Min, p.Y.Max)
	}
}

// checkPNG decodes a picture and checks its size and that it is not blank.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	// 16 cm × 10 cm at gonum/plot's 96 dpi is about 605 × 378 pixels.
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w < 500 || w > 700 || h < 300 || h > 450 {
		t.Fatalf("%s: %d×%d pixels", path, w, h)
	}
	colours := map[[4]uint32]bool{}
	for y := 0; y < h; y += 3 {
		for x := 0; x < w; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
		}
	}
	// Text, axes, data and the background anti-aliased give many shades.
	if len(colours) < 10 {
		t.Fatalf("%s: only %d colours, the picture looks blank", path, len(colours))
	}
}

func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := runPlot([]string{dir}, &out, &out); err == nil || !strings.Contains(err.Error(), "history.csv") {
		t.Fatalf("missing history: %v", err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "history.csv"), []byte("iteration,energy,error\n0,1.5,x\n"), 0o644))
	err := runPlot([]string{dir}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), `line 2, column "error"`) {
		t.Fatalf("bad cell: %v", err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "history.csv"), []byte("step,E\n0,1.5\n"), 0o644))
	if err := runPlot([]string{dir}, &out, &out); err == nil || !strings.Contains(err.Error(), "lacks") {
		t.Fatalf("bad header: %v", err)
	}
	if err := runPlot(nil, &out, &out); err == nil {
		t.Fatal("no directory accepted")
	}
}

// The files a real run writes feed the plots: history.csv columns, the
// exact value from result.json and density.csv.
func TestPlotAfterRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"-config", "../../configs/bosons-2d.toml", "-out", dir, "-set", "optimizer.iterations=5", "-set", "sampler.samples=200",
		"-set", "production.samples=2000", "-set", "output.progress=none", "-set", "output.plots=true"}
	if err := runRun(args, &out, &out); err != nil {
		t.Fatal(err)
	}
	s, err := output.ReadHistory(filepath.Join(dir, "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Iter) != 5 {
		t.Fatalf("%d history points, want 5", len(s.Iter))
	}
	for i, it := range s.Iter {
		if it != float64(i) || !(s.Energy[i] > 0) || !(s.Error[i] >= 0) {
			t.Fatalf("point %d: iteration %v, energy %v ± %v", i, it, s.Energy[i], s.Error[i])
		}
	}
	sum, err := output.ReadResult(filepath.Join(dir, "result.json"))
	if err != nil || sum.Exact == nil || *sum.Exact != 2 {
		t.Fatalf("result.json: %+v, %v (want exact 2 for two bosons in 2D)", sum, err)
	}
	d, err := output.ReadDensity(filepath.Join(dir, "density.csv"))
	if err != nil || len(d.Lo) != config.DensityBins {
		t.Fatalf("density.csv: %d bins, %v", len(d.Lo), err)
	}
	for _, f := range []string{"energy.png", "density.png"} {
		checkPNG(t, filepath.Join(dir, f))
		if !strings.Contains(out.String(), filepath.Join(dir, f)) {
			t.Errorf("run did not report %s", f)
		}
	}
}

// Labelled ticks of a narrow energy range are distinct numbers (the
// default labels print 2.99, 3.00, … as "3").
func TestDistinctTicks(t *testing.T) {
	for _, r := range [][2]float64{{2.995, 3.045}, {-11.23, -11.20}, {0, 1e-4}, {1, 1000}} {
		seen := map[string]bool{}
		n := 0
		for _, tk := range (distinctTicks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			n++
			if seen[tk.Label] {
				t.Errorf("range %v: label %q twice", r, tk.Label)
			}
			seen[tk.Label] = true
			if v, err := strconv.ParseFloat(tk.Label, 64); err != nil || math.Abs(v-tk.Value) > 1e-9*math.Max(1, math.Abs(tk.Value)) {
				t.Errorf("range %v: tick %g labelled %q", r, tk.Value, tk.Label)
			}
		}
		if n < 2 {
			t.Errorf("range %v: %d labelled ticks", r, n)
		}
	}
}

// observables.json gives one PNG per histogram: a curve with error bars
// and exact points, and a heat map.
func TestPlotObservables(t *testing.T) {
	dir := t.TempDir()
	reps := []vmc.Report{{Histograms: []vmc.Histogram{
		{Name: "correlation_zz", Columns: []string{"site", "dx", "dy"}, X: [][]float64{{0, 0, 0}, {1, 1, 0}}, Value: []float64{1, 0.5}, Error: []float64{0, 0.01}},
		{Name: "density_map", Columns: []string{"x_lo", "x_hi", "y_lo", "y_hi"},
			X: [][]float64{{-1, 0, -1, 0}, {0, 1, -1, 0}, {-1, 0, 0, 1}, {0, 1, 0, 1}}, Value: []float64{1, 2, 3, 4}, Error: []float64{0.1, 0.1, 0.1, 0.1}},
	}}}
	if err := output.WriteObservables(dir, 10, reps, &exact.Observables{CorrZZ: []float64{1, 0.6}}); err != nil {
		t.Fatal(err)
	}
	files, err := plotObservables(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("plots %v, want two", files)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
