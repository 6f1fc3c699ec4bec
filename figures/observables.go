package figures

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/output"
)

// plotObservables draws the histograms of observables.json: g(r), the
// radial density, C(r) and S(q) on a chain as points with error bars
// (with the exact ground state's values when the file has them), the
// density map as a heat map. A square lattice's C and S(q) are drawn
// against the site or momentum index.
func observables(dir string) ([]Figure, error) {
	o, err := output.ReadObservables(filepath.Join(dir, "observables.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	names := make([]string, 0, len(o.Histograms))
	for n := range o.Histograms {
		names = append(names, n)
	}
	sort.Strings(names)
	var files []Figure
	for _, name := range names {
		h := o.Histograms[name]
		p := plot.New()
		p.Title.Text = name
		if name == "density_map" {
			if err := densityMap(p, h); err != nil {
				return files, err
			}
			files = append(files, Figure{Name: name, Plot: p, W: 14 * vg.Centimeter, H: 12 * vg.Centimeter})
			continue
		}
		pts := errPoints{}
		var xs []float64
		for k, x := range h.X {
			xv := float64(k) // square lattices and momenta pairs: by index
			switch h.Columns[0] {
			case "r_lo":
				xv = (x[0] + x[1]) / 2
			case "site":
				if x[2] == 0 && allZero(h.X, 2) {
					xv = x[1]
				}
			case "qx":
				if allZero(h.X, 1) {
					xv = x[0]
				}
			}
			y, e := 0.0, 0.0
			if h.Value[k] != nil {
				y = *h.Value[k]
			}
			if h.Error[k] != nil {
				e = *h.Error[k]
			}
			xs = append(xs, xv)
			pts.XYs = append(pts.XYs, plotter.XY{X: xv, Y: y})
			pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{e, e})
		}
		switch c := h.Columns[0]; {
		case c == "r_lo":
			p.X.Label.Text = "r (bohr)"
		case c == "site" && allZero(h.X, 2):
			p.X.Label.Text, p.X.Tick.Marker = "displacement (sites)", IntegerTicks{}
		case c == "qx" && allZero(h.X, 1):
			p.X.Label.Text = "q (1/lattice spacing)"
		default:
			p.X.Label.Text, p.X.Tick.Marker = map[string]string{"site": "site index", "qx": "momentum index"}[c], IntegerTicks{}
		}
		p.Y.Label.Text = name
		if h.Unit != "" {
			p.Y.Label.Text += " (" + h.Unit + ")"
		}
		p.Y.Tick.Marker = DistinctTicks{}
		line, marks, err := plotter.NewLinePoints(pts.XYs)
		if err != nil {
			return files, fmt.Errorf("plot: %s: %w", name, err)
		}
		bars, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return files, fmt.Errorf("plot: %s: %w", name, err)
		}

		p.Add(plotter.NewGrid(), line, marks, bars)
		p.Legend.Add("VMC", line, marks)
		if ex := exactSeries(o.Exact, name); ex != nil && len(ex) == len(xs) {
			xy := make(plotter.XYs, len(xs))
			for k := range xs {
				xy[k] = plotter.XY{X: xs[k], Y: ex[k]}
			}
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return files, err
			}
			sc.Color = color.RGBA{R: 200, A: 255}
			sc.Shape = draw.CrossGlyph{}
			p.Add(sc)
			p.Legend.Add("exact", sc)
		}
		files = append(files, newFigure(name, p))
	}
	return files, nil
}

// allZero reports whether column c of every row is 0.
func allZero(x [][]float64, c int) bool {
	for _, r := range x {
		if r[c] != 0 {
			return false
		}
	}
	return true
}

// exactSeries is the exact counterpart of a lattice histogram, if any.
func exactSeries(ex *exact.Observables, name string) []float64 {
	if ex == nil {
		return nil
	}
	switch name {
	case "correlation_zz":
		return ex.CorrZZ
	case "spin_correlation":
		return ex.CorrSS
	case "structure_factor":
		return ex.SQ
	}
	return nil
}

// densityGrid is a density map as plotter.GridXYZ (rows of columns
// x_lo, x_hi, y_lo, y_hi, square).
type densityGrid struct {
	n    int
	x, y []float64
	z    []float64
}

func (g densityGrid) Dims() (int, int)   { return g.n, g.n }
func (g densityGrid) Z(c, r int) float64 { return g.z[r*g.n+c] }
func (g densityGrid) X(c int) float64    { return g.x[c] }
func (g densityGrid) Y(r int) float64    { return g.y[r] }

func densityMap(p *plot.Plot, h output.ObservableHistogram) error {
	n := int(math.Round(math.Sqrt(float64(len(h.X)))))
	if n*n != len(h.X) || n == 0 || len(h.Columns) != 4 {
		return fmt.Errorf("plot: density map of %d cells is not square", len(h.X))
	}
	g := densityGrid{n: n, z: make([]float64, n*n)}
	for k, x := range h.X {
		if h.Value[k] != nil {
			g.z[k] = *h.Value[k]
		}
		if k < n {
			g.x = append(g.x, (x[0]+x[1])/2)
		}
		if k%n == 0 {
			g.y = append(g.y, (x[2]+x[3])/2)
		}
	}
	p.X.Label.Text = strings.TrimSuffix(h.Columns[0], "_lo")
	p.Y.Label.Text = strings.TrimSuffix(h.Columns[2], "_lo")
	p.Add(plotter.NewHeatMap(g, moreland.SmoothBlueRed().Palette(64)))
	return nil
}
