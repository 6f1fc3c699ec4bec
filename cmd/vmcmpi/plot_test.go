package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/vmcmpi/vmcmpi/config"
	"github.com/vmcmpi/vmcmpi/figures"
	"github.com/vmcmpi/vmcmpi/output"
)

// writeRun lays out a run directory as the run command leaves it. With
// full false history.csv has only the energy columns, which leaves out the
// diagnostic figures (drawing a PNG takes seconds under the race
// detector).
func writeRun(t *testing.T, dir string, sites, full bool) output.History {
	t.Helper()
	want := output.History{
		Iter:   []float64{0, 1, 2, 3, 4, 5},
		Energy: []float64{3.4, 3.2, 3.1, 3.05, 3.01, 3.002},
		Error:  []float64{0.05, 0.04, 0.02, 0.01, 0.005, 0.002},
	}
	var b strings.Builder
	if full {
		b.WriteString("iteration,energy,error,variance,acceptance,grad_norm,learning_rate,wall_seconds\n")
	} else {
		b.WriteString("iteration,energy,error\n")
	}
	for i := range want.Iter {
		row := []string{fmtF(want.Iter[i]), fmtF(want.Energy[i]), fmtF(want.Error[i])}
		if full {
			row = append(row, "0.1", "0.9", fmtF(0.3/float64(1+i*i)), "0.05", "0.5")
		}
		b.WriteString(strings.Join(row, ",") + "\n")
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
	want := writeRun(t, dir, false, !testing.Short())
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
	p, err := figures.EnergyPlot(got, sum.Exact, 1, "energy", "Hartree")
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
	want := writeRun(t, dir, true, !testing.Short())
	files, err := figures.Run(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[bool]int{true: 3, false: 7}[testing.Short()]; len(files) != want {
		t.Fatalf("files %v, want energy, energy per site, density (and the four of a full history.csv)", files)
	}
	checkPNG(t, filepath.Join(dir, "energy-per-site.png"))
	p, err := figures.EnergyPlot(want, nil, 10, "energy per site", "J")
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
// exact value from result.json, density.csv and the production's
// diagnostics. The run draws its PNGs itself (output.plots); in -short
// mode `vmcmpi plot -format svg` draws them instead, as PNGs take seconds
// each under the race detector.
func TestPlotAfterRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	plots := !testing.Short()
	args := []string{"-config", "../../configs/bosons-2d.toml", "-out", dir, "-set", "optimizer.iterations=5", "-set", "sampler.samples=200",
		"-set", "production.samples=2000", "-set", "output.progress=none", "-set", "output.plots=" + strconv.FormatBool(plots),
		"-set", "output.reference=2.001"}
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
	if sum.Reference == nil || *sum.Reference != 2.001 {
		t.Errorf("result.json reference %v, want output.reference 2.001", sum.Reference)
	}
	ext := "png"
	if !plots {
		ext = "svg"
		if err := runPlot([]string{"-format", ext, dir}, &out, &out); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"energy", "density", "variance", "acceptance", "gradient-norm",
		"learning-rate", "energy-error", "blocking", "autocorrelation"} {
		f := filepath.Join(dir, name+"."+ext)
		if ext == "png" {
			checkPNG(t, f)
		} else if b, err := os.ReadFile(f); err != nil || !bytes.HasPrefix(b, []byte("<?xml")) {
			t.Errorf("%s: %v", f, err)
		}
		if !strings.Contains(out.String(), f) {
			t.Errorf("%s was not reported", f)
		}
	}
	b, err := output.ReadBlocking(filepath.Join(dir, output.BlockingFile))
	if err != nil || len(b.Size) < 8 || b.Blocks[0] != 4*2000 {
		t.Errorf("blocking.csv: %+v, %v (want the 4 walkers' 8000 samples at level 0)", b, err)
	}
	lag, rho, err := output.ReadAutocorrelation(filepath.Join(dir, output.AutocorrelationFile))
	if err != nil || len(lag) < 51 || rho[0] != 1 {
		t.Errorf("autocorrelation.csv: %d lags, %v", len(lag), err)
	}
}

// vmcmpi plot -format writes every figure in PNG, SVG or PDF (the flag
// before or after the directory), each a non-empty file of that format
// whose axes carry distinct tick labels.
func TestPlotFormats(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, false, true)
	must(t, os.WriteFile(filepath.Join(dir, output.BlockingFile), []byte("block_size,blocks,error,error_error,chosen\n1,8000,1e-4,1e-6,0\n2,4000,1.3e-4,2e-6,0\n4,2000,1.5e-4,3e-6,1\n8,1000,1.52e-4,5e-6,0\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, output.AutocorrelationFile), []byte("lag,rho\n0,1\n1,0.5\n2,0.24\n3,0.11\n4,0.06\n5,0.02\n6,-0.01\n"), 0o644))
	figs, err := figures.Figures(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 9 {
		t.Errorf("%d figures, want energy, density, variance, acceptance, gradient-norm, learning-rate, energy-error, blocking, autocorrelation", len(figs))
	}
	for _, f := range figs {
		for _, ax := range []*plot.Axis{&f.Plot.X, &f.Plot.Y} {
			labels := map[string]bool{}
			lo, hi := ax.Min, ax.Max
			if lo == hi {
				lo, hi = lo-1, hi+1 // as gonum/plot widens an empty range
			}
			for _, tk := range ax.Tick.Marker.Ticks(lo, hi) {
				if tk.Label == "" || tk.Value < lo-1e-12 || tk.Value > hi+1e-12 {
					continue
				}
				if labels[tk.Label] {
					t.Errorf("%s: tick label %q twice on %q", f.Name, tk.Label, ax.Label.Text)
				}
				labels[tk.Label] = true
			}
			if len(labels) < 2 || ax.Label.Text == "" {
				t.Errorf("%s: axis %q has tick labels %v", f.Name, ax.Label.Text, labels)
			}
		}
	}
	magic := map[string]string{"png": "\x89PNG", "svg": "<?xml", "pdf": "%PDF-"}
	formats := []string{"svg", "png", "pdf"}
	if testing.Short() {
		formats = formats[:1] // a PNG or PDF takes seconds under the race detector
	}
	for i, format := range formats {
		args := []string{"-format", format, dir}
		if i == 0 {
			args = []string{dir, "-format", format}
		}
		var out bytes.Buffer
		if err := runPlot(args, &out, &out); err != nil {
			t.Fatal(err)
		}
		for _, f := range figs {
			path := filepath.Join(dir, f.Name+"."+format)
			b, err := os.ReadFile(path)
			if err != nil || len(b) < 1000 || !bytes.HasPrefix(b, []byte(magic[format])) {
				t.Errorf("%s: %d bytes, %v", path, len(b), err)
			}
			if !strings.Contains(out.String(), path) {
				t.Errorf("plot did not report %s", path)
			}
		}
	}
	var out bytes.Buffer
	if err := runPlot([]string{"-format", "gif", dir}, &out, &out); err == nil || !strings.Contains(err.Error(), "png, svg or pdf") {
		t.Errorf("-format gif: %v", err)
	}
}
