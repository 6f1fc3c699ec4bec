package figures

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/vmcmpi/vmcmpi/study"
)

// Regress draws the residual plots (when the rows have nucleon
// numbers) and cv.png (with a λ grid) into dir and returns their paths.
func Regress(res *study.Result, dir string) ([]string, error) {
	type pl struct {
		name string
		make func() (*plot.Plot, error)
	}
	var todo []pl
	if res.Train.N != nil {
		todo = append(todo,
			pl{"residuals-n.png", func() (*plot.Plot, error) { return residualPlot(res, "N", true) }},
			pl{"residuals-z.png", func() (*plot.Plot, error) { return residualPlot(res, "Z", false) }})
	}
	if res.CV != nil && len(res.CV.Lambdas) > 1 {
		todo = append(todo, pl{"cv.png", func() (*plot.Plot, error) { return cvPlot(res.CV) }})
	}
	var files []string
	for _, t := range todo {
		p, err := t.make()
		if err != nil {
			return files, fmt.Errorf("output: %s: %w", t.name, err)
		}
		path := filepath.Join(dir, t.name)
		if err := savePNG(p, 7*vg.Inch, 4.5*vg.Inch, path); err != nil {
			return files, fmt.Errorf("output: %s: %w", t.name, err)
		}
		files = append(files, path)
	}
	return files, nil
}

// residualPlot draws target − prediction against N (or Z) for the training
// rows, and for the predicted rows with their intervals.
func residualPlot(res *study.Result, axis string, byN bool) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: residuals of %s (rms %.3g)", res.Command, res.Target, res.RMS)
	p.X.Label.Text = axis
	p.Y.Label.Text = "target − prediction"
	pts := func(r *study.Rows) plotter.XYs {
		xy := make(plotter.XYs, len(r.Mean))
		for i := range r.Mean {
			x := r.Z[i]
			if byN {
				x = r.N[i]
			}
			xy[i] = plotter.XY{X: x, Y: r.Y[i] - r.Mean[i]}
		}
		return xy
	}
	s, err := plotter.NewScatter(pts(res.Train))
	if err != nil {
		return nil, err
	}
	s.GlyphStyle.Radius = vg.Points(1.2)
	s.GlyphStyle.Color = color.RGBA{B: 180, A: 255}
	p.Add(s)
	p.Legend.Add("training rows", s)
	if pr := res.Predicted; pr != nil && pr.N != nil {
		xy := pts(pr)
		ps, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, err
		}
		ps.GlyphStyle.Radius = vg.Points(2)
		ps.GlyphStyle.Color = color.RGBA{R: 220, A: 255}
		errs := make(plotter.YErrors, len(xy))
		for i := range xy {
			// Interval around the mean, seen from the residual: the
			// target lies inside when the bar crosses zero.
			errs[i].Low = pr.Hi[i] - pr.Mean[i]
			errs[i].High = pr.Mean[i] - pr.Lo[i]
		}
		bars, err := yErrorBars(xy, errs)
		if err != nil {
			return nil, err
		}
		bars.Color = color.RGBA{R: 220, A: 160}
		p.Add(bars, ps)
		p.Legend.Add(fmt.Sprintf("predicted (%.0f%% intervals)", 100*res.Prediction.Level), ps)
	}
	p.Add(plotter.NewGrid())
	return p, nil
}

// cvPlot draws the cross-validated RMS error against λ with ±1 SE bars.
func cvPlot(cv *study.CVSummary) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%d-fold cross-validation (chosen λ = %.3g)", cv.Folds, cv.Chosen)
	p.X.Label.Text = "log10 λ"
	p.Y.Label.Text = "held-out RMS error"
	p.Y.Tick.Marker = Log10Ticks{} // the y data are log10 of the RMS errors
	type pt struct{ x, y, lo, hi float64 }
	var pts []pt
	for i, l := range cv.Lambdas {
		if l <= 0 {
			continue // λ = 0 has no place on a log axis
		}
		// ±1 SE of the mean squared error, drawn on the RMS scale (the
		// lower end kept positive for the log axis).
		pts = append(pts, pt{math.Log10(l), math.Sqrt(cv.Score[i]),
			math.Sqrt(max(cv.Score[i]-cv.SE[i], cv.Score[i]/4)), math.Sqrt(cv.Score[i] + cv.SE[i])})
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("no positive λ to plot")
	}
	sort.Slice(pts, func(a, b int) bool { return pts[a].x < pts[b].x })
	xy := make(plotter.XYs, len(pts))
	errs := make(plotter.YErrors, len(pts))
	for i, q := range pts {
		ly := math.Log10(q.y)
		xy[i] = plotter.XY{X: q.x, Y: ly}
		errs[i].Low, errs[i].High = ly-math.Log10(q.lo), math.Log10(q.hi)-ly
	}
	line, points, err := plotter.NewLinePoints(xy)
	if err != nil {
		return nil, err
	}
	bars, err := yErrorBars(xy, errs)
	if err != nil {
		return nil, err
	}
	p.Add(line, points, bars, plotter.NewGrid())
	if cv.Chosen > 0 {
		top, bottom := 0.0, math.Inf(1)
		for _, q := range pts {
			top, bottom = max(top, q.hi), min(bottom, q.lo)
		}
		ch, err := plotter.NewLine(plotter.XYs{{X: math.Log10(cv.Chosen), Y: math.Log10(bottom)}, {X: math.Log10(cv.Chosen), Y: math.Log10(top)}})
		if err != nil {
			return nil, err
		}
		ch.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		ch.Color = color.RGBA{R: 200, A: 255}
		p.Add(ch)
		p.Legend.Add("chosen λ", ch)
	}
	return p, nil
}

// yErrorBars draws the vertical error bars errs at the points xy.
func yErrorBars(xy plotter.XYs, errs plotter.YErrors) (*plotter.YErrorBars, error) {
	return plotter.NewYErrorBars(struct {
		plotter.XYer
		plotter.YErrorer
	}{xy, errs})
}
