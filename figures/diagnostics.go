package figures

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/vmcmpi/vmcmpi/output"
)

var (
	blue = color.RGBA{B: 200, A: 255}
	red  = color.RGBA{R: 200, A: 255}
	grey = color.RGBA{R: 110, G: 110, B: 110, A: 255}
)

// Diagnostics builds the figures that show how a run went, from the
// files in dir and its result.json summary sum: against iteration, from
// history.csv, the variance of E_L (variance), the acceptance
// (acceptance), the gradient norm (gradient-norm), the learning rate
// (learning-rate) and, when a reference energy is known (sum.Reference,
// else sum.Exact), |E − E_ref| on a log scale (energy-error); from the
// production, the blocking curve (blocking, blocking.csv) and the
// autocorrelation of the energy (autocorrelation, autocorrelation.csv).
// A figure whose data are missing is left out.
func Diagnostics(dir string, sum output.Result) ([]Figure, error) {
	unit := "Hartree"
	if sum.Sites > 0 {
		unit = "J"
	}
	var figs []Figure
	t, err := output.ReadNumeric(filepath.Join(dir, "history.csv"))
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	if it := t.Column("iteration", "iter"); len(it) > 0 {
		for _, s := range []struct {
			col, name, title, label string
			log                     bool
		}{
			{"variance", "variance", "Variance of the local energy", "Var(E_L) (" + unit + "²)", true},
			{"acceptance", "acceptance", "Acceptance of the moves", "acceptance (fraction of moves)", false},
			{"grad_norm", "gradient-norm", "Norm of the energy gradient", "|∂E/∂θ| (" + unit + " per unit parameter)", true},
			{"learning_rate", "learning-rate", "Learning rate", "learning rate η (step-size factor)", false},
		} {
			y := t.Column(s.col)
			if y == nil {
				continue
			}
			p, err := seriesPlot(it, y, s.title, s.label, s.log)
			if err != nil {
				return figs, fmt.Errorf("plot: %s: %w", s.name, err)
			}
			figs = append(figs, newFigure(s.name, p))
		}
		ref, what := sum.Reference, "reference"
		if ref == nil {
			ref, what = sum.Exact, "exact"
		}
		if e, se := t.Column("energy"), t.Column("error", "energy_error"); ref != nil && e != nil {
			p, err := errorPlot(it, e, se, *ref, what, unit)
			if err != nil {
				return figs, fmt.Errorf("plot: energy-error: %w", err)
			}
			if p != nil {
				figs = append(figs, newFigure("energy-error", p))
			}
		}
	}
	b, err := output.ReadBlocking(filepath.Join(dir, output.BlockingFile))
	switch {
	case err == nil && len(b.Size) > 0:
		p, err := blockingPlot(b, sum.Error, unit)
		if err != nil {
			return figs, fmt.Errorf("plot: blocking: %w", err)
		}
		figs = append(figs, newFigure("blocking", p))
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return figs, fmt.Errorf("plot: %w", err)
	}
	lag, rho, err := output.ReadAutocorrelation(filepath.Join(dir, output.AutocorrelationFile))
	switch {
	case err == nil && len(lag) > 1:
		p, err := acfPlot(lag, rho)
		if err != nil {
			return figs, fmt.Errorf("plot: autocorrelation: %w", err)
		}
		figs = append(figs, newFigure("autocorrelation", p))
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return figs, fmt.Errorf("plot: %w", err)
	}
	return figs, nil
}

// seriesPlot draws y against iteration; log asks for a logarithmic y
// axis, used when every value is positive and they span more than a
// decade.
func seriesPlot(it, y []float64, title, label string, log bool) (*plot.Plot, error) {
	p := iterationPlot(title)
	p.Y.Label.Text = label
	p.Y.Tick.Marker = DistinctTicks{}
	xy := make(plotter.XYs, 0, len(it))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range it {
		if finite(y[i]) {
			xy = append(xy, plotter.XY{X: it[i], Y: y[i]})
			lo, hi = min(lo, y[i]), max(hi, y[i])
		}
	}
	if len(xy) == 0 {
		return p, nil
	}
	if log && lo > 0 && hi > 10*lo {
		p.Y.Tick.Marker = Log10Ticks{}
		for i := range xy {
			xy[i].Y = math.Log10(xy[i].Y)
		}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, err
	}
	l.Color = blue
	p.Add(plotter.NewGrid(), l)
	return p, nil
}

// iterationPlot is a plot with the title against iteration.
func iterationPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "iteration"
	p.X.Tick.Marker = IntegerTicks{}
	return p
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// errorPlot draws |E − ref| and the energy's error bar against
// iteration on a log scale, or returns nil when no difference is
// positive (a zero-variance exact state).
func errorPlot(it, e, se []float64, ref float64, what, unit string) (*plot.Plot, error) {
	p := iterationPlot(fmt.Sprintf("Distance to the %s energy %.8g", what, ref))
	p.Y.Label.Text = "|E − E_ref| (" + unit + ")"
	p.Y.Tick.Marker = Log10Ticks{} // the data are log10 of the values
	var d, s plotter.XYs
	for i := range it {
		if v := math.Abs(e[i] - ref); v > 0 && finite(v) {
			d = append(d, plotter.XY{X: it[i], Y: math.Log10(v)})
		}
		if se != nil && se[i] > 0 && finite(se[i]) {
			s = append(s, plotter.XY{X: it[i], Y: math.Log10(se[i])})
		}
	}
	if len(d) == 0 {
		return nil, nil
	}
	l, pts, err := plotter.NewLinePoints(d)
	if err != nil {
		return nil, err
	}
	l.Color, pts.Color, pts.Radius = blue, blue, vg.Points(1.5)
	p.Add(plotter.NewGrid(), l, pts)
	p.Legend.Add("|E − E_ref|", l, pts)
	if len(s) > 0 {
		sl, err := plotter.NewLine(s)
		if err != nil {
			return nil, err
		}
		sl.Color, sl.Dashes = grey, []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(sl)
		p.Legend.Add("statistical error of E", sl)
	}
	return p, nil
}

// blockingPlot draws the error of the mean against block size, with the
// chosen level marked and the final (lag-1 corrected) error as a line.
func blockingPlot(b output.BlockingCurve, final *float64, unit string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Blocking analysis of the production energy"
	p.X.Label.Text = "block size (samples)"
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, LogTicks{} // the x label is centred well enough
	p.Y.Label.Text = "error of the mean (" + unit + ")"
	p.Y.Tick.Marker = DistinctTicks{}
	var pts errPoints
	var chosen plotter.XYs
	for i, sz := range b.Size {
		if !(sz > 0) || !finite(b.Error[i]) {
			continue
		}
		ee := 0.0
		if b.ErrorError != nil && finite(b.ErrorError[i]) {
			ee = b.ErrorError[i]
		}
		pts.XYs = append(pts.XYs, plotter.XY{X: sz, Y: b.Error[i]})
		pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{ee, ee})
		if i < len(b.Chosen) && b.Chosen[i] {
			chosen = append(chosen, plotter.XY{X: sz, Y: b.Error[i]})
		}
	}
	if len(pts.XYs) == 0 {
		return p, nil
	}
	l, marks, err := plotter.NewLinePoints(pts.XYs)
	if err != nil {
		return nil, err
	}
	l.Color, marks.Color = blue, blue
	bars, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return nil, err
	}
	bars.Color = blue
	p.Add(plotter.NewGrid(), l, marks, bars)
	p.Legend.Add("blocks taken as independent", l, marks)
	if len(chosen) > 0 {
		c, err := plotter.NewScatter(chosen)
		if err != nil {
			return nil, err
		}
		c.Color, c.Shape, c.Radius = red, draw.RingGlyph{}, vg.Points(5)
		p.Add(c)
		p.Legend.Add("level chosen by the test", c)
	}
	if final != nil && finite(*final) {
		x0, x1 := pts.XYs[0].X, pts.XYs[len(pts.XYs)-1].X
		f, err := plotter.NewLine(plotter.XYs{{X: x0, Y: *final}, {X: x1, Y: *final}})
		if err != nil {
			return nil, err
		}
		f.Color, f.Dashes = red, []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(f)
		p.Legend.Add(fmt.Sprintf("error bar of the result %.3g (lag-1 corrected)", *final), f)
	}
	return p, nil
}

// acfPlot draws the autocorrelation function ρ(t) with τ_int from
// Sokal's window (as stats.IntegratedTime) in the title.
func acfPlot(lag, rho []float64) (*plot.Plot, error) {
	p := plot.New()
	tau := 1.0
	w := 0
	for t := 1; t < len(rho); t++ {
		tau += 2 * rho[t]
		if w = t; float64(t) >= 5*tau {
			break
		}
	}
	p.Title.Text = fmt.Sprintf("Autocorrelation of the production energy (τ_int ≈ %.3g samples)", tau)
	p.X.Label.Text = "lag t (samples)"
	p.X.Tick.Marker = IntegerTicks{}
	p.Y.Label.Text = "ρ(t) (normalised)"
	p.Y.Tick.Marker = DistinctTicks{}
	xy := make(plotter.XYs, len(lag))
	for i := range lag {
		xy[i] = plotter.XY{X: lag[i], Y: rho[i]}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, err
	}
	l.Color = blue
	zero, err := plotter.NewLine(plotter.XYs{{X: lag[0], Y: 0}, {X: lag[len(lag)-1], Y: 0}})
	if err != nil {
		return nil, err
	}
	zero.Color = grey
	p.Add(plotter.NewGrid(), zero, l)
	if w > 0 && w < len(lag) {
		win, err := plotter.NewLine(plotter.XYs{{X: lag[w], Y: -0.1}, {X: lag[w], Y: 1}})
		if err != nil {
			return nil, err
		}
		win.Color, win.Dashes = red, []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(win)
		p.Legend.Add(fmt.Sprintf("summation window W = %d", int(lag[w])), win)
	}
	return p, nil
}
