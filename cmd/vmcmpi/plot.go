package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
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
	fs := newFlagSet("plot", "usage: vmcmpi plot DIR\n\nWrites energy.png (and density.png, energy-per-site.png when the data exist) into DIR,\nfrom DIR/history.csv, DIR/result.json and DIR/density.csv.\n", stderr)
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

// energySeries is the energy history of a run, one point per iteration.
type energySeries struct {
	Iter, Energy, Error []float64
}

// column finds the index of the first header name in names, or −1.
func column(header []string, names ...string) int {
	for _, n := range names {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return i
			}
		}
	}
	return -1
}

// readCSV reads a CSV file with a header row and returns the header and the
// numeric rows; a cell that is not a number is an error naming file, line
// and column.
func readCSV(path string) ([]string, [][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("%s: empty file, expected a header row", path)
	}
	header := recs[0]
	rows := make([][]float64, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		row := make([]float64, len(rec))
		for j, cell := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: line %d, column %q: %q is not a number", path, i+2, header[j], cell)
			}
			row[j] = v
		}
		rows = append(rows, row)
	}
	return header, rows, nil
}

// readColumns reads the CSV file at path and returns one column for each
// list of accepted header names (the first name found wins); want
// describes the columns for the error when one is missing.
func readColumns(path, want string, names ...[]string) ([][]float64, error) {
	header, rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(names))
	for k, alt := range names {
		if idx[k] = column(header, alt...); idx[k] < 0 {
			return nil, fmt.Errorf("%s: header %q lacks %s", path, strings.Join(header, ","), want)
		}
	}
	cols := make([][]float64, len(names))
	for _, row := range rows {
		for k, i := range idx {
			cols[k] = append(cols[k], row[i])
		}
	}
	return cols, nil
}

// readHistory reads the iteration, energy and error columns of history.csv.
func readHistory(path string) (energySeries, error) {
	c, err := readColumns(path, "an iteration, energy or error column",
		[]string{"iteration", "iter"}, []string{"energy"}, []string{"error", "energy_error"})
	if err != nil {
		return energySeries{}, err
	}
	return energySeries{Iter: c[0], Energy: c[1], Error: c[2]}, nil
}

// runSummary is the part of result.json the plots use.
type runSummary struct {
	Energy float64  `json:"energy"`
	Error  float64  `json:"error"`
	Exact  *float64 `json:"exact"`
	Sites  int      `json:"sites"`
}

func readSummary(path string) (runSummary, error) {
	var s runSummary
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// radialDensity is a histogram of particle distances from the trap centre.
type radialDensity struct {
	Lo, Hi, Density []float64
}

// readDensity reads density.csv (columns r_lo, r_hi, density).
func readDensity(path string) (radialDensity, error) {
	c, err := readColumns(path, "r_lo, r_hi or density", []string{"r_lo"}, []string{"r_hi"}, []string{"density"})
	if err != nil {
		return radialDensity{}, err
	}
	return radialDensity{Lo: c[0], Hi: c[1], Density: c[2]}, nil
}

// writePlots draws every picture whose data exist in dir and returns the
// files written.
func writePlots(dir string) ([]string, error) {
	hist, err := readHistory(filepath.Join(dir, "history.csv"))
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	sum, err := readSummary(filepath.Join(dir, "result.json"))
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
	dens, err := readDensity(filepath.Join(dir, "density.csv"))
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
	return files, nil
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
func energyPlot(s energySeries, exact *float64, scale float64, what, unit string) (*plot.Plot, error) {
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

func plotEnergy(path string, s energySeries, exact *float64, scale float64, what, unit string) error {
	p, err := energyPlot(s, exact, scale, what, unit)
	if err != nil {
		return err
	}
	if err := p.Save(16*vg.Centimeter, 10*vg.Centimeter, path); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

func plotDensity(path string, d radialDensity) error {
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
