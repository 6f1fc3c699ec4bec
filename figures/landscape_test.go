package figures

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"

	"github.com/vmcmpi/vmcmpi/study"
)

// syntheticLandscape is a small chart of O and Ca with a smooth S2n that
// crosses zero, two models and a few measured and test nuclides.
func syntheticLandscape() *study.LandscapeResult {
	r := &study.LandscapeResult{Bound: 0}
	for _, z := range []int{8, 20} {
		for n := z - 2; n <= 2*z+10; n++ {
			s2n := 20 - 0.6*float64(n-z)
			row := study.ChartRow{Z: z, N: n, B: 8 * float64(n+z), S2n: s2n, SDS2n: 0.3 + 0.02*float64(n-z), PEx: 1 / (1 + math.Exp(-s2n))}
			row.Known = n < z+6
			row.Test = n == z+6
			if row.PEx > 0.5 {
				r.Bound++
			}
			r.Chart = append(r.Chart, row)
			if n <= z+6 {
				r.Measured = append(r.Measured, study.Measured{Z: z, N: n, B: 8*float64(n+z) + 0.1*float64(n%3)})
			}
		}
		r.Drip = append(r.Drip, study.DripLine{Z: z, N: z + 33, NLow: z + 31, NHigh: z + 35})
		r.TestNuclides = append(r.TestNuclides, [2]int{z + 6, z})
		r.TestObs = append(r.TestObs, 8*float64(2*z+6))
	}
	for k, name := range []string{"ld", "dz10"} {
		r.Models = append(r.Models, study.LandscapeModel{Name: name})
		r.Models[k].Before.RMSB, r.Models[k].After.RMSB = 2/float64(k+1), 0.3/float64(k+1)
		var lin, cv []float64
		r.TrainNuclides, r.TrainObs = nil, nil
		for i, m := range r.Measured {
			r.TrainNuclides = append(r.TrainNuclides, [2]int{m.N, m.Z})
			r.TrainObs = append(r.TrainObs, m.B)
			lin = append(lin, m.B+2*math.Sin(float64(i)))
			cv = append(cv, m.B+0.2*math.Cos(float64(i)))
		}
		r.TrainLin, r.TrainCV = append(r.TrainLin, lin), append(r.TrainCV, cv)
		r.TestLin = append(r.TestLin, []float64{r.TestObs[0] - 1.5, r.TestObs[1] + 2})
		r.TestB = append(r.TestB, []float64{r.TestObs[0] - 0.2, r.TestObs[1] + 0.1})
	}
	return r
}

// Every picture is written, decodes, is not blank, and its axes carry
// distinct tick labels.
func TestLandscapePlots(t *testing.T) {
	res := syntheticLandscape()
	dir := t.TempDir()
	files, err := Landscape(res, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"chart.png", "s2n-o.png", "s2n-ca.png", "residuals-ld.png", "residuals-dz10.png"}
	if len(files) != len(want) {
		t.Fatalf("wrote %v, want %v", files, want)
	}
	for i, f := range files {
		if filepath.Base(f) != want[i] {
			t.Errorf("file %d is %s, want %s", i, f, want[i])
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		colours := map[[4]uint32]bool{}
		for y := 0; y < img.Bounds().Dy(); y += 3 {
			for x := 0; x < img.Bounds().Dx(); x += 3 {
				r, g, bl, a := img.At(x, y).RGBA()
				colours[[4]uint32{r, g, bl, a}] = true
			}
		}
		if len(colours) < 10 {
			t.Errorf("%s: only %d colours, the picture looks blank", f, len(colours))
		}
	}
	plots := map[string]func() (*plot.Plot, error){
		"chart":     func() (*plot.Plot, error) { return ChartPlot(res) },
		"s2n O":     func() (*plot.Plot, error) { return S2nPlot(res, 8) },
		"residuals": func() (*plot.Plot, error) { return LandscapeResidualPlot(res, 1) },
	}
	for name, mk := range plots {
		p, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		for _, ax := range []*plot.Axis{&p.X, &p.Y} {
			seen := map[string]bool{}
			n := 0
			for _, tk := range ax.Tick.Marker.Ticks(ax.Min, ax.Max) {
				if tk.Label == "" {
					continue
				}
				if seen[tk.Label] {
					t.Errorf("%s: %s axis label %q twice", name, ax.Label.Text, tk.Label)
				}
				seen[tk.Label] = true
				n++
			}
			if n < 2 {
				t.Errorf("%s: %s axis has %d labelled ticks", name, ax.Label.Text, n)
			}
		}
	}
	// The S2n band (21.2 + 0.26 at N = 18) and the zero line lie inside the axes.
	p, _ := S2nPlot(res, 20)
	if p.X.Min > 18 || p.X.Max < 50 || p.Y.Min > 0 || p.Y.Max < 21.2+0.26-1e-9 {
		t.Errorf("Ca axes [%g, %g] × [%g, %g] do not span the chain", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if _, err := S2nPlot(res, 50); err == nil {
		t.Error("S2n of an element off the chart accepted")
	}
}
