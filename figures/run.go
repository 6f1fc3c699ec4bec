package figures

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/vmcmpi/vmcmpi/output"
)

// Run draws every picture of a run whose data exist in dir as PNG files
// (see RunFormat) and returns the files written.
func Run(dir string) ([]string, error) { return RunFormat(dir, "png") }

// RunFormat draws every figure of Figures(dir) into dir in format (png,
// svg or pdf) and returns the files written, also when a later figure
// failed.
func RunFormat(dir, format string) ([]string, error) {
	if err := CheckFormat(format); err != nil {
		return nil, err
	}
	figs, err := Figures(dir)
	var files []string
	for _, f := range figs {
		path, serr := f.Save(dir, format)
		if serr != nil {
			return files, serr
		}
		files = append(files, path)
	}
	return files, err
}

// Figures builds the figures of a run whose data exist in dir: energy,
// energy-per-site for lattices, density, the diagnostics of
// history.csv, blocking.csv and autocorrelation.csv (see Diagnostics)
// and one per histogram of observables.json. It returns the figures
// built before an error, with the error.
func Figures(dir string) ([]Figure, error) {
	hist, err := output.ReadHistory(filepath.Join(dir, "history.csv"))
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	sum, err := output.ReadResult(filepath.Join(dir, "result.json"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("plot: %w", err)
	}
	var figs []Figure
	if len(hist.Iter) > 0 {
		// Lattice energies are in units of the coupling J.
		unit := "Hartree"
		if sum.Sites > 0 {
			unit = "J"
		}
		p, err := EnergyPlot(hist, sum.Exact, 1, "energy", unit)
		if err != nil {
			return figs, err
		}
		figs = append(figs, newFigure("energy", p))
		if sum.Sites > 0 {
			p, err := EnergyPlot(hist, sum.Exact, float64(sum.Sites), "energy per site", unit)
			if err != nil {
				return figs, err
			}
			figs = append(figs, newFigure("energy-per-site", p))
		}
	}
	dens, err := output.ReadDensity(filepath.Join(dir, "density.csv"))
	switch {
	case err == nil && len(dens.Lo) > 0:
		figs = append(figs, newFigure("density", densityPlot(dens)))
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return figs, fmt.Errorf("plot: %w", err)
	}
	diag, err := Diagnostics(dir, sum)
	figs = append(figs, diag...)
	if err != nil {
		return figs, err
	}
	more, err := observables(dir)
	return append(figs, more...), err
}

// DistinctTicks are gonum/plot's default ticks labelled with as many
// decimals as their spacing needs: an energy converging to 3 spans
// 2.99–3.04, which the default labels would all print as "3".
type DistinctTicks struct{}

func (DistinctTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	step := math.Inf(1)
	prev := math.NaN()
	for _, t := range ts {
		if t.Label == "" {
			continue
		}
		if d := t.Value - prev; d > 0 && d < step {
			step = d
		}
		prev = t.Value
	}
	dec := 0
	if !math.IsInf(step, 1) {
		dec = max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	}
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', dec, 64)
		}
	}
	return ts
}

// errPoints feeds points with symmetric vertical error bars to gonum/plot.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// EnergyPlot builds the energy figure; scale divides energies (sites).
func EnergyPlot(s output.History, exact *float64, scale float64, what, unit string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = strings.ToUpper(what[:1]) + what[1:] + " during optimisation"
	p.X.Label.Text = "iteration"
	p.X.Tick.Marker = IntegerTicks{}
	p.Y.Label.Text = what + " (" + unit + ")"
	p.Y.Tick.Marker = DistinctTicks{}
	pts := errPoints{XYs: make(plotter.XYs, len(s.Iter)), YErrors: make(plotter.YErrors, len(s.Iter))}
	for i := range s.Iter {
		e := s.Error[i] / scale
		if math.IsNaN(e) || math.IsInf(e, 0) {
			e = 0
		}
		pts.XYs[i] = plotter.XY{X: s.Iter[i], Y: s.Energy[i] / scale}
		pts.YErrors[i] = struct{ Low, High float64 }{e, e}
	}
	line, err := plotter.NewLine(pts.XYs)
	if err != nil {
		return nil, fmt.Errorf("plot: energy: %w", err)
	}
	line.Color = color.RGBA{B: 200, A: 255}
	bars, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return nil, fmt.Errorf("plot: energy error bars: %w", err)
	}
	bars.Color = line.Color
	p.Add(plotter.NewGrid(), line, bars)
	p.Legend.Add("VMC "+what, line)
	if exact != nil {
		x0, x1 := s.Iter[0], s.Iter[len(s.Iter)-1]
		if x1 == x0 {
			x0, x1 = x0-0.5, x1+0.5
		}
		ex, err := plotter.NewLine(plotter.XYs{{X: x0, Y: *exact / scale}, {X: x1, Y: *exact / scale}})
		if err != nil {
			return nil, err
		}
		ex.Color = color.RGBA{R: 200, A: 255}
		ex.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(ex)
		p.Legend.Add(fmt.Sprintf("exact %.6g", *exact/scale), ex)
	}
	return p, nil
}

func densityPlot(d output.RadialDensity) *plot.Plot {
	p := plot.New()
	p.Title.Text = "One-body radial density (production)"
	p.X.Label.Text = "r, distance from the trap centre (bohr)"
	p.Y.Label.Text = "ρ(r) (bohr⁻ᵈ)"
	h := &plotter.Histogram{FillColor: color.RGBA{R: 120, G: 160, B: 230, A: 255}, LineStyle: plotter.DefaultLineStyle}
	for i := range d.Lo {
		h.Bins = append(h.Bins, plotter.HistogramBin{Min: d.Lo[i], Max: d.Hi[i], Weight: d.Density[i]})
	}
	if len(d.Lo) > 0 {
		h.Width = d.Hi[0] - d.Lo[0]
	}
	p.Add(plotter.NewGrid(), h)
	return p
}
