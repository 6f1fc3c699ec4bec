package figures

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/vmcmpi/vmcmpi/classical"
	"github.com/vmcmpi/vmcmpi/generative"
	"github.com/vmcmpi/vmcmpi/output"
)

// isingPoints are points with vertical error bars for plotter.
type isingPoints struct {
	plotter.XYs
	plotter.YErrors
}

// Ising draws E, |M|, C_v and χ against T in a 2×2 grid.
func Ising(path string, rep *generative.Report) error {
	type pick func(o *classical.Observables) (float64, float64)
	panels := []struct {
		name string
		get  pick
	}{
		{"⟨E⟩/N", func(o *classical.Observables) (float64, float64) { return o.E, o.EErr }},
		{"⟨|M|⟩/N", func(o *classical.Observables) (float64, float64) { return o.M, o.MErr }},
		{"C_v per site", func(o *classical.Observables) (float64, float64) { return o.Cv, o.CvErr }},
		{"χ per site", func(o *classical.Observables) (float64, float64) { return o.Chi, o.ChiErr }},
	}
	plots := make([][]*plot.Plot, 2)
	for k, pn := range panels {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("%s, L = %d", rep.Model, rep.L)
		p.X.Label.Text = "T"
		p.Y.Label.Text = pn.name
		p.Add(plotter.NewGrid())
		// The exact values of this finite lattice (Ising, L ≤ 12), joined
		// in the order of the temperatures: the reference for both series,
		// drawn first so that the points stay visible.
		var exact plotter.XYs
		for i := range rep.Points {
			if x := rep.Points[i].Exact; x != nil {
				y, _ := pn.get(x)
				exact = append(exact, plotter.XY{X: x.T, Y: y})
			}
		}
		if len(exact) > 0 {
			l, err := plotter.NewLine(exact)
			if err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			l.Color = color.RGBA{G: 140, A: 255}
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("exact (L = %d)", rep.L), l)
		}
		for s, series := range []struct {
			label string
			col   color.Color
			get   func(pt *generative.Point) *classical.Observables
		}{
			{"Monte Carlo", color.RGBA{B: 200, A: 255}, func(pt *generative.Point) *classical.Observables { return &pt.MC }},
			{"RBM", color.RGBA{R: 200, A: 255}, func(pt *generative.Point) *classical.Observables { return pt.RBM }},
		} {
			var pts isingPoints
			for i := range rep.Points {
				o := series.get(&rep.Points[i])
				if o == nil {
					continue
				}
				y, e := pn.get(o)
				if math.IsNaN(e) || math.IsInf(e, 0) {
					e = 0
				}
				pts.XYs = append(pts.XYs, plotter.XY{X: o.T + 0.01*float64(s), Y: y})
				pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{e, e})
			}
			if len(pts.XYs) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(pts.XYs)
			if err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			sc.Color = series.col
			sc.Shape = draw.CircleGlyph{}
			bars, err := plotter.NewYErrorBars(pts)
			if err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			bars.Color = series.col
			p.Add(sc, bars)
			p.Legend.Add(series.label, sc)
		}
		if k < 2 && rep.Model == classical.Ising.String() {
			var xy plotter.XYs
			t0, t1 := rep.Points[0].T, rep.Points[len(rep.Points)-1].T
			for i := 0; i <= 200; i++ {
				T := t0 + (t1-t0)*float64(i)/200
				y := classical.OnsagerEnergy(T)
				if k == 1 {
					y = classical.OnsagerMagnetization(T)
				}
				xy = append(xy, plotter.XY{X: T, Y: y})
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			p.Legend.Add("Onsager (L = ∞)", l)
		}
		p.Legend.Top = k == 1 || k == 3
		p.Legend.Left = k == 1
		plots[k/2] = append(plots[k/2], p)
	}
	img := vgimg.New(26*vg.Centimeter, 20*vg.Centimeter)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 2, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j := range plots[i] {
			plots[i][j].Draw(canvases[i][j])
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return output.WriteFile(path, buf.Bytes())
}
