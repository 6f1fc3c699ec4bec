package figures

import (
	"bytes"
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

// Run draws every picture of a run whose data exist in dir (energy.png,
// energy-per-site.png for lattices, density.png) and returns the files
// written.
func Run(dir string) ([]string, error) {
	hist, err := output.ReadHistory(filepath.Join(dir, "history.csv"))
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	sum, err := output.ReadResult(filepath.Join(dir, "result.json"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("plot: %w", err)
	}
	var files []string
	if len(hist.Iter) > 0 {
		f := filepath.Join(dir, "energy.png")
		// Lattice energies are in units of the coupling J.
		unit := "Hartree"
		if sum.Sites > 0 {
			unit = "J"
		}
		if err := plotEnergy(f, hist, sum.Exact, 1, "energy", unit); err != nil {
			return files, err
		}
		files = append(files, f)
		if sum.Sites > 0 {
			f := filepath.Join(dir, "energy-per-site.png")
			if err := plotEnergy(f, hist, sum.Exact, float64(sum.Sites), "energy per site", unit); err != nil {
				return files, err
			}
			files = append(files, f)
		}
	}
	dens, err := output.ReadDensity(filepath.Join(dir, "density.csv"))
	switch {
	case err == nil && len(dens.Lo) > 0:
		f := filepath.Join(dir, "density.png")
		if err := plotDensity(f, dens); err != nil {
			return files, err
		}
		files = append(files, f)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return files, fmt.Errorf("plot: %w", err)
	}
	more, err := observables(dir)
	return append(files, more...), err
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

// energyPlot builds the energy figure; scale divides energies (sites).
func EnergyPlot(s output.History, exact *float64, scale float64, what, unit string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = strings.ToUpper(what[:1]) + what[1:] + " during optimisation"
	p.X.Label.Text = "iteration"
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
	p.Legend.Top = true
	return p, nil
}

func plotEnergy(path string, s output.History, exact *float64, scale float64, what, unit string) error {
	p, err := EnergyPlot(s, exact, scale, what, unit)
	if err != nil {
		return err
	}
	if err := savePNG(p, 16*vg.Centimeter, 10*vg.Centimeter, path); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

func plotDensity(path string, d output.RadialDensity) error {
	p := plot.New()
	p.Title.Text = "One-body radial density (production)"
	p.X.Label.Text = "r (distance from the trap centre)"
	p.Y.Label.Text = "ρ(r)"
	h := &plotter.Histogram{FillColor: color.RGBA{R: 120, G: 160, B: 230, A: 255}, LineStyle: plotter.DefaultLineStyle}
	for i := range d.Lo {
		h.Bins = append(h.Bins, plotter.HistogramBin{Min: d.Lo[i], Max: d.Hi[i], Weight: d.Density[i]})
	}
	if len(d.Lo) > 0 {
		h.Width = d.Hi[0] - d.Lo[0]
	}
	p.Add(plotter.NewGrid(), h)
	if err := savePNG(p, 16*vg.Centimeter, 10*vg.Centimeter, path); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// savePNG draws p as a PNG of w × h and writes it through the atomic
// temporary-file-and-rename path: a symbolic link at path is replaced,
// never followed, and a reader never sees half a picture.
func savePNG(p *plot.Plot, w, h vg.Length, path string) error {
	wt, err := p.WriterTo(w, h, "png")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	return output.WriteFile(path, buf.Bytes())
}
