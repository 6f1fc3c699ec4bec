package figures

import (
	"os"
	"testing"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// observables.json gives one figure per histogram: a curve with error bars
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
	files, err := observables(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("plots %v, want two", files)
	}
	for _, f := range files {
		checkTicks(t, f)
		path, err := f.Save(dir, "png")
		if err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", path, err)
		}
	}
}
