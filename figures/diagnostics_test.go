package figures

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"

	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/stats"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// checkTicks fails unless both axes of f carry at least two labelled
// ticks inside their range, all distinct, and a label on every axis.
func checkTicks(t *testing.T, f Figure) {
	t.Helper()
	for _, ax := range []struct {
		name string
		a    *plot.Axis
	}{{"x", &f.Plot.X}, {"y", &f.Plot.Y}} {
		if ax.a.Label.Text == "" {
			t.Errorf("%s: %s axis without a label", f.Name, ax.name)
		}
		lo, hi := ax.a.Min, ax.a.Max
		if lo == hi { // gonum/plot widens an empty range by ±1 when drawing
			lo, hi = lo-1, hi+1
		}
		seen := map[string]bool{}
		for _, tk := range ax.a.Tick.Marker.Ticks(lo, hi) {
			if tk.Label == "" || tk.Value < lo-1e-9*math.Abs(lo) || tk.Value > hi+1e-9*math.Abs(hi) {
				continue
			}
			if seen[tk.Label] {
				t.Errorf("%s: %s tick label %q twice on [%g, %g]", f.Name, ax.name, tk.Label, lo, hi)
			}
			seen[tk.Label] = true
		}
		if len(seen) < 2 {
			t.Errorf("%s: %s axis [%g, %g] has %d tick labels", f.Name, ax.name, lo, hi, len(seen))
		}
	}
}

// Log axes get labels also when they span less than a decade (the
// cross-validation curve's y axis had none), integers axes never print
// decimals, and every label reads back as its tick's value.
func TestTickers(t *testing.T) {
	for _, c := range []struct {
		m      plot.Ticker
		lo, hi float64
		ints   bool
	}{
		{LogTicks{}, 0.9, 3, false}, {LogTicks{}, 1e-5, 0.3, false}, {LogTicks{}, 3.1, 3.9, false},
		{LogTicks{}, 0.021, 0.049, false}, {LogTicks{}, 1, 65536, false}, {LogTicks{}, 2e5, 9e5, false},
		{log10Values{}, 3e-5, 6e-4, false}, {log10Values{}, 0.9, 2.5, false},
		{IntegerTicks{}, 0, 5, true}, {IntegerTicks{}, 0, 1, true}, {IntegerTicks{}, 0, 249, true},
		{IntegerTicks{}, 1, 250, true}, {IntegerTicks{}, 0, 100000, true}, {IntegerTicks{}, 3, 7.5, true},
	} {
		seen := map[string]bool{}
		for _, tk := range c.m.Ticks(c.lo, c.hi) {
			if tk.Label == "" || tk.Value < c.lo || tk.Value > c.hi {
				continue
			}
			if seen[tk.Label] {
				t.Errorf("%T [%g, %g]: label %q twice", c.m, c.lo, c.hi, tk.Label)
			}
			seen[tk.Label] = true
			v, err := strconv.ParseFloat(tk.Label, 64)
			if err != nil || math.Abs(v-tk.Value) > 1e-9*math.Abs(tk.Value) {
				t.Errorf("%T [%g, %g]: tick %g labelled %q", c.m, c.lo, c.hi, tk.Value, tk.Label)
			}
			if c.ints && (strings.ContainsAny(tk.Label, ".e") || v != math.Round(v)) {
				t.Errorf("[%g, %g]: integer axis labelled %q", c.lo, c.hi, tk.Label)
			}
		}
		if len(seen) < 2 {
			t.Errorf("%T [%g, %g]: %d labels", c.m, c.lo, c.hi, len(seen))
		}
	}
}

// WriteDiagRun lays out a run directory with every file the diagnostics
// read: history.csv with all its columns, result.json with a reference,
// and blocking.csv and autocorrelation.csv of an AR(1) series.
func writeDiagRun(t *testing.T, dir string) {
	t.Helper()
	var b strings.Builder
	b.WriteString(strings.Join(vmc.HistoryColumns, ",") + "\n")
	for i := range 250 {
		r := vmc.Record{Iteration: i, Energy: 3 + 0.5*math.Exp(-float64(i)/40), Error: 0.002, Variance: 0.4 * math.Exp(-float64(i)/30),
			Acceptance: 0.9 + 0.01*math.Sin(float64(i)), GradNorm: math.Exp(-float64(i) / 50), LearningRate: 0.05, Tau: 2, ESS: 1000, RHat: 1}
		for k, v := range r.Row() {
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "history.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "result.json"), []byte(`{"energy": 3.0001, "error": 0.0004, "exact": 3, "reference": 3.00005}`), 0o644); err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 1<<12)
	v := 0.0
	for i := range x {
		v = 0.8*v + math.Sin(float64(i*i)) // a deterministic, AR(1)-like series
		x[i] = 3 + 0.01*v
	}
	var blk stats.Blocker
	for _, e := range x {
		blk.Add(e)
	}
	sums := make([]float64, stats.SumsLen(len(x)))
	blk.AddSums(sums, 3)
	res := &vmc.Result{Blocking: stats.CurveFromSums(sums, 3)}
	if err := output.WriteDiagnostics(dir, res, x); err != nil {
		t.Fatal(err)
	}
}

// Every diagnostic figure is built from the files, with labelled axes and
// distinct ticks, and |E − E_ref| uses output.reference over the exact
// energy.
func TestDiagnostics(t *testing.T) {
	dir := t.TempDir()
	writeDiagRun(t, dir)
	figs, err := Figures(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
		checkTicks(t, f)
		if f.Name == "energy-error" && !strings.Contains(f.Plot.Title.Text, "reference energy 3.00005") {
			t.Errorf("energy-error title %q does not name output.reference", f.Plot.Title.Text)
		}
		if f.Name == "variance" || f.Name == "gradient-norm" || f.Name == "energy-error" {
			if _, ok := f.Plot.Y.Tick.Marker.(Log10Ticks); !ok {
				t.Errorf("%s: y axis not logarithmic", f.Name)
			}
		}
	}
	want := "energy variance acceptance gradient-norm learning-rate energy-error blocking autocorrelation"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("figures %q, want %q", got, want)
	}
}

// A legend goes into a strip under the axes and is back on the plot
// afterwards.
func TestSaveLegendStrip(t *testing.T) {
	dir := t.TempDir()
	writeDiagRun(t, dir)
	figs, err := Figures(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := figs[0] // energy: VMC and exact
	before := f.Plot.Legend
	formats := Formats
	if testing.Short() {
		formats = []string{"svg"} // a PNG or PDF takes seconds under the race detector
	}
	for _, format := range formats {
		path, err := f.Save(dir, format)
		if err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if r := f.Plot.Legend.Rectangle(draw.Canvas{}); r.Size().Y == 0 || f.Plot.Legend.Top != before.Top {
		t.Error("the legend was not restored after saving")
	}
	if _, err := f.Save(dir, "gif"); err == nil || !strings.Contains(err.Error(), "png, svg or pdf") {
		t.Errorf("gif accepted: %v", err)
	}
}

// log10Values is Log10Ticks seen from the data: the range and the tick
// values are the numbers the exponents stand for, so that TestTickers can
// read its labels back.
type log10Values struct{}

func (log10Values) Ticks(lo, hi float64) []plot.Tick {
	ts := Log10Ticks{}.Ticks(math.Log10(lo), math.Log10(hi))
	for i := range ts {
		ts[i].Value = math.Pow(10, ts[i].Value)
	}
	return ts
}
