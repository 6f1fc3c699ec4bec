package figures

import (
	"fmt"
	"image/color"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/vmcmpi/vmcmpi/study"
)

// LandscapeChains are the elements whose S2n Landscape draws, when on
// the chart: O, Ca, Ni, Sn, Pb.
var LandscapeChains = []int{8, 20, 28, 50, 82}

var elementSymbol = map[int]string{8: "O", 20: "Ca", 28: "Ni", 50: "Sn", 82: "Pb"}

// Landscape draws a landscape study into dir: chart.png (the nuclear chart
// coloured by p_ex with the measured nuclides and the two-neutron drip
// line), s2n-<element>.png (S2n along isotopic chains with the averaged
// band and the measured points) and residuals-<model>.png (measured −
// predicted before and after the Gaussian process). It returns the paths.
func Landscape(res *study.LandscapeResult, dir string) ([]string, error) {
	type pl struct {
		name string
		make func() (*plot.Plot, error)
		w, h vg.Length
	}
	todo := []pl{{"chart.png", func() (*plot.Plot, error) { return ChartPlot(res) }, 9 * vg.Inch, 5 * vg.Inch}}
	for _, z := range LandscapeChains {
		if !onChart(res, z) {
			continue
		}
		todo = append(todo, pl{"s2n-" + strings.ToLower(symbol(z)) + ".png", func() (*plot.Plot, error) { return S2nPlot(res, z) }, 7 * vg.Inch, 4.5 * vg.Inch})
	}
	for k := range res.Models {
		todo = append(todo, pl{"residuals-" + res.Models[k].Name + ".png", func() (*plot.Plot, error) { return LandscapeResidualPlot(res, k) }, 7 * vg.Inch, 4.5 * vg.Inch})
	}
	var files []string
	for _, t := range todo {
		p, err := t.make()
		if err != nil {
			return files, fmt.Errorf("output: %s: %w", t.name, err)
		}
		path := filepath.Join(dir, t.name)
		if err := savePNG(p, t.w, t.h, path); err != nil {
			return files, fmt.Errorf("output: %s: %w", t.name, err)
		}
		files = append(files, path)
	}
	return files, nil
}

func symbol(z int) string {
	if s, ok := elementSymbol[z]; ok {
		return s
	}
	return fmt.Sprintf("Z%d", z)
}

func onChart(res *study.LandscapeResult, z int) bool {
	for _, c := range res.Chart {
		if c.Z == z {
			return true
		}
	}
	return false
}

// pexColor runs from pale grey (p_ex = 0) through yellow to dark blue (1).
func pexColor(p float64) color.Color {
	p = math.Max(0, math.Min(1, p))
	lerp := func(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }
	if p < 0.5 {
		t := 2 * p
		return color.RGBA{lerp(235, 250, t), lerp(235, 200, t), lerp(235, 40, t), 255}
	}
	t := 2*p - 1
	return color.RGBA{lerp(250, 20, t), lerp(200, 50, t), lerp(40, 150, t), 255}
}

func scatter(xy plotter.XYs, r vg.Length, c color.Color, shape draw.GlyphDrawer) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle.Radius, s.GlyphStyle.Color, s.GlyphStyle.Shape = r, c, shape
	return s, nil
}

// ChartPlot is the nuclear chart, N across and Z up, coloured by p_ex.
func ChartPlot(res *study.LandscapeResult) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("existence probability p_ex (grey 0, yellow 0.5, blue 1): %d nuclides with p_ex > 0.5", res.Bound)
	p.X.Label.Text, p.Y.Label.Text = "N", "Z"
	p.X.Tick.Marker, p.Y.Tick.Marker = DistinctTicks{}, DistinctTicks{}
	all := make(plotter.XYs, len(res.Chart))
	var known, test plotter.XYs
	for i, c := range res.Chart {
		all[i] = plotter.XY{X: float64(c.N), Y: float64(c.Z)}
		if c.Known {
			known = append(known, all[i])
		}
		if c.Test {
			test = append(test, all[i])
		}
	}
	cells, err := scatter(all, vg.Points(1.6), color.Black, draw.SquareGlyph{})
	if err != nil {
		return nil, err
	}
	cells.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		return draw.GlyphStyle{Color: pexColor(res.Chart[i].PEx), Radius: vg.Points(1.6), Shape: draw.SquareGlyph{}}
	}
	p.Add(cells)
	if len(known) > 0 {
		s, err := scatter(known, vg.Points(0.5), color.Black, draw.CircleGlyph{})
		if err != nil {
			return nil, err
		}
		p.Add(s)
		p.Legend.Add("measured (training table)", s)
	}
	if len(test) > 0 {
		s, err := scatter(test, vg.Points(1.5), color.RGBA{R: 220, A: 255}, draw.CrossGlyph{})
		if err != nil {
			return nil, err
		}
		p.Add(s)
		p.Legend.Add("new in the test table", s)
	}
	var drip plotter.XYs
	for _, d := range res.Drip {
		if d.N >= 0 {
			drip = append(drip, plotter.XY{X: float64(d.N), Y: float64(d.Z)})
		}
	}
	if len(drip) > 1 {
		l, err := plotter.NewLine(drip)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = color.RGBA{R: 200, A: 255}, vg.Points(1)
		p.Add(l)
		p.Legend.Add("two-neutron drip line (p_ex > 0.5)", l)
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

// S2n of chain z: the averaged prediction with its 68 % band, and the
// measured values of the test table (the nuclides new in it marked).
func S2nPlot(res *study.LandscapeResult, z int) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("S2n of %s isotopes (Z = %d): model average ± 1 sd", symbol(z), z)
	p.X.Label.Text, p.Y.Label.Text = "N", "S2n (MeV)"
	p.X.Tick.Marker, p.Y.Tick.Marker = DistinctTicks{}, DistinctTicks{}
	var mean, upper, lower plotter.XYs
	for _, c := range res.Chart {
		if c.Z != z {
			continue
		}
		x := float64(c.N)
		mean = append(mean, plotter.XY{X: x, Y: c.S2n})
		upper = append(upper, plotter.XY{X: x, Y: c.S2n + c.SDS2n})
		lower = append(lower, plotter.XY{X: x, Y: c.S2n - c.SDS2n})
	}
	if len(mean) < 2 {
		return nil, fmt.Errorf("element Z = %d has fewer than two nuclides on the chart", z)
	}
	band := append(plotter.XYs(nil), upper...)
	for i := len(lower) - 1; i >= 0; i-- {
		band = append(band, lower[i])
	}
	poly, err := plotter.NewPolygon(band)
	if err != nil {
		return nil, err
	}
	poly.Color, poly.LineStyle.Width = color.RGBA{R: 160, G: 190, B: 240, A: 255}, 0
	line, err := plotter.NewLine(mean)
	if err != nil {
		return nil, err
	}
	line.Color = color.RGBA{B: 160, A: 255}
	zero, err := plotter.NewLine(plotter.XYs{{X: mean[0].X, Y: 0}, {X: mean[len(mean)-1].X, Y: 0}})
	if err != nil {
		return nil, err
	}
	zero.Color, zero.Dashes = color.Gray{Y: 100}, []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(plotter.NewGrid(), poly, line, zero)
	p.Legend.Add("average ± 1 sd", poly)
	b := map[int]float64{}
	for _, m := range res.Measured {
		if m.Z == z {
			b[m.N] = m.B
		}
	}
	test := map[[2]int]bool{}
	for _, nz := range res.TestNuclides {
		test[nz] = true
	}
	var old, fresh plotter.XYs
	ns := slices.Sorted(maps.Keys(b))
	for _, n := range ns {
		v := b[n]
		if w, ok := b[n-2]; ok {
			pt := plotter.XY{X: float64(n), Y: v - w}
			if test[[2]int{n, z}] {
				fresh = append(fresh, pt)
			} else {
				old = append(old, pt)
			}
		}
	}
	for _, s := range []struct {
		xy    plotter.XYs
		label string
		c     color.Color
		shape draw.GlyphDrawer
	}{{old, "measured (test-table values)", color.Black, draw.CircleGlyph{}}, {fresh, "new in the test table", color.RGBA{R: 220, A: 255}, draw.TriangleGlyph{}}} {
		if len(s.xy) == 0 {
			continue
		}
		sc, err := scatter(s.xy, vg.Points(2.2), s.c, s.shape)
		if err != nil {
			return nil, err
		}
		p.Add(sc)
		p.Legend.Add(s.label, sc)
	}
	p.Legend.Top = true
	return p, nil
}

// LandscapeResidualPlot draws measured − predicted B of model k against N:
// the linear model and the GP-corrected one (held-out folds for the
// training nuclides, the full GP for the test nuclides).
func LandscapeResidualPlot(res *study.LandscapeResult, k int) (*plot.Plot, error) {
	m := res.Models[k]
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: residuals, test rms %.3g → %.3g MeV with the GP", m.Name, m.Before.RMSB, m.After.RMSB)
	p.X.Label.Text, p.Y.Label.Text = "N", "measured − predicted B (MeV)"
	p.X.Tick.Marker, p.Y.Tick.Marker = DistinctTicks{}, DistinctTicks{}
	pts := func(nz [][2]int, obs, pred []float64) plotter.XYs {
		xy := make(plotter.XYs, len(nz))
		for i := range nz {
			xy[i] = plotter.XY{X: float64(nz[i][0]), Y: obs[i] - pred[i]}
		}
		return xy
	}
	p.Add(plotter.NewGrid())
	for _, s := range []struct {
		xy    plotter.XYs
		label string
		r     float64
		c     color.Color
		shape draw.GlyphDrawer
	}{
		{pts(res.TrainNuclides, res.TrainObs, res.TrainLin[k]), "training, model alone", 1, color.RGBA{R: 170, G: 170, B: 170, A: 255}, draw.CircleGlyph{}},
		{pts(res.TrainNuclides, res.TrainObs, res.TrainCV[k]), "training, model + GP (held out)", 1, color.RGBA{B: 200, A: 255}, draw.CircleGlyph{}},
		{pts(res.TestNuclides, res.TestObs, res.TestLin[k]), "test, model alone", 2.5, color.Black, draw.CrossGlyph{}},
		{pts(res.TestNuclides, res.TestObs, res.TestB[k]), "test, model + GP", 2.5, color.RGBA{R: 220, A: 255}, draw.TriangleGlyph{}},
	} {
		sc, err := scatter(s.xy, vg.Points(s.r), s.c, s.shape)
		if err != nil {
			return nil, err
		}
		p.Add(sc)
		p.Legend.Add(s.label, sc)
	}
	p.Legend.Top = true
	return p, nil
}
