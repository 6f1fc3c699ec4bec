package main

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// vmcmpi plot DIR writes PNG pictures of a finished (or checkpointed) run
// from the files in its output directory:
//
//	energy.png           energy against iteration with error bars, and the
//	                     exact energy as a dashed line when it is known
//	energy-per-site.png  the same divided by the number of lattice sites
//	                     (spin systems, when result.json has "sites")
//	density.png          the one-body radial density accumulated during
//	                     production (when density.csv exists)
//
// Example:
//
//	$ vmcmpi run -out out/ho
//	$ vmcmpi plot out/ho
//	out/ho/energy.png
//	out/ho/density.png
func init() {
	register("plot", command{summary: "draw PNG plots of a run directory (energy, density)", run: runPlot})
}

func runPlot(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", "usage: vmcmpi plot DIR\n\nWrites energy.png (and density.png, energy-per-site.png and one PNG per histogram of\nobservables.json — g(r), C(r), S(q), the density map — when the data exist) into DIR,\nfrom DIR/history.csv, DIR/result.json, DIR/density.csv and DIR/observables.json.\n", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("plot: want exactly one run directory")
	}
	files, err := writePlots(fs.Arg(0))
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	return err
}

// writePlots draws every picture whose data exist in dir and returns the
// files written.
func writePlots(dir string) ([]string, error) {
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
	more, err := plotObservables(dir)
	return append(files, more...), err
}

// distinctTicks are gonum/plot's default ticks labelled with as many
// decimals as their spacing needs: an energy converging to 3 spans
// 2.99–3.04, which the default labels would all print as "3".
type distinctTicks struct{}

func (distinctTicks) Ticks(lo, hi float64) []plot.Tick {
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
func energyPlot(s output.History, exact *float64, scale float64, what, unit string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = strings.ToUpper(what[:1]) + what[1:] + " during optimisation"
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = what + " (" + unit + ")"
	p.Y.Tick.Marker = distinctTicks{}
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
	p, err := energyPlot(s, exact, scale, what, unit)
	if err != nil {
		return err
	}
	if err := p.Save(16*vg.Centimeter, 10*vg.Centimeter, path); err != nil {
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
	if err := p.Save(16*vg.Centimeter, 10*vg.Centimeter, path); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// printSplit prints the energy split (and the virial residual) next to
// the energy when the reports hold it.
func printSplit(stdout io.Writer, reps []vmc.Report) {
	for _, r := range reps {
		for _, s := range r.Scalars {
			switch s.Name {
			case "kinetic", "external", "interaction", "virial_residual":
				fmt.Fprintf(stdout, "  %-16s = %s", s.Name, formatEnergy(s.Value, s.Error))
				if s.Name == "kinetic" {
					fmt.Fprintf(stdout, "   (%s)", s.Note)
				}
				fmt.Fprintln(stdout)
			}
		}
	}
}

// plotObservables draws the histograms of observables.json: g(r), the
// radial density, C(r) and S(q) on a chain as points with error bars
// (with the exact ground state's values when the file has them), the
// density map as a heat map. A square lattice's C and S(q) are drawn
// against the site or momentum index.
func plotObservables(dir string) ([]string, error) {
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
	var files []string
	for _, name := range names {
		h := o.Histograms[name]
		f := filepath.Join(dir, name+".png")
		p := plot.New()
		p.Title.Text = name
		if name == "density_map" {
			if err := densityMap(p, h); err != nil {
				return files, err
			}
			if err := p.Save(14*vg.Centimeter, 12*vg.Centimeter, f); err != nil {
				return files, fmt.Errorf("plot: %w", err)
			}
			files = append(files, f)
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
		p.X.Label.Text = map[string]string{"r_lo": "r", "site": "displacement", "qx": "q"}[h.Columns[0]]
		p.Y.Label.Text = name
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
		if err := p.Save(16*vg.Centimeter, 10*vg.Centimeter, f); err != nil {
			return files, fmt.Errorf("plot: %w", err)
		}
		files = append(files, f)
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
