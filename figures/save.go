package figures

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/vmcmpi/vmcmpi/output"
)

// Formats are the picture formats the figures are written in.
var Formats = []string{"png", "svg", "pdf"}

// CheckFormat returns an error unless format is one of Formats.
func CheckFormat(format string) error {
	for _, f := range Formats {
		if f == format {
			return nil
		}
	}
	return fmt.Errorf("plot: format %q: want png, svg or pdf", format)
}

// Figure is one picture of a run: its file name without the extension,
// the plot and its size.
type Figure struct {
	Name string
	Plot *plot.Plot
	W, H vg.Length
}

// standard is the size of a figure with one plot.
const standardW, standardH = 16 * vg.Centimeter, 10 * vg.Centimeter

func newFigure(name string, p *plot.Plot) Figure {
	return Figure{Name: name, Plot: p, W: standardW, H: standardH}
}

// Save draws f as dir/Name.format and returns the path.
func (f Figure) Save(dir, format string) (string, error) {
	if err := CheckFormat(format); err != nil {
		return "", err
	}
	path := filepath.Join(dir, f.Name+"."+format)
	if err := save(f.Plot, f.W, f.H, path, format); err != nil {
		return "", fmt.Errorf("plot: %w", err)
	}
	return path, nil
}

// save draws p in format with its legend in a strip under the axes, off
// the data, and writes it through the atomic temporary-file-and-rename
// path: a symbolic link at path is replaced, never followed, and a reader
// never sees half a picture.
func save(p *plot.Plot, w, h vg.Length, path, format string) error {
	cw, err := draw.NewFormattedCanvas(w, h, format)
	if err != nil {
		return err
	}
	c := draw.New(cw)
	leg := p.Legend
	p.Legend = plot.NewLegend() // no entries: the plot draws none
	defer func() { p.Legend = leg }()
	lh := leg.Rectangle(c).Size().Y
	if lh > 0 {
		pad := vg.Points(4)
		p.Draw(draw.Crop(c, 0, 0, lh+2*pad, 0))
		strip := c
		strip.Min.X += 2 * pad
		strip.Min.Y += pad
		strip.Max.Y = strip.Min.Y + lh
		sl := leg
		sl.Left, sl.Top, sl.XOffs, sl.YOffs = true, true, 0, 0
		sl.Draw(strip)
	} else {
		p.Draw(c)
	}
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return err
	}
	return output.WriteFile(path, buf.Bytes())
}

// savePNG is save as a PNG.
func savePNG(p *plot.Plot, w, h vg.Length, path string) error {
	return save(p, w, h, path, "png")
}

// IntegerTicks label an axis of counts (iterations, lags) with integers
// only: "250", never "250.00" or a tick at 2.5.
type IntegerTicks struct{}

func (IntegerTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	labelled := 0
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Value != math.Round(t.Value) {
			continue
		}
		if t.Label != "" {
			t.Label = strconv.FormatFloat(t.Value, 'f', 0, 64)
			labelled++
		}
		out = append(out, t)
	}
	if labelled >= 2 || hi-lo > 20 {
		return out
	}
	// A short range (a few iterations): every integer in it.
	out = out[:0]
	for v := math.Ceil(lo); v <= hi; v++ {
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return out
}

// LogTicks mark a logarithmic axis at 1, 2, …, 9 times powers of ten and
// label the powers of ten, adding labels at 2 and 5 (then at every
// mark) when fewer than two labels fall in the range; a range inside
// one step gets DistinctTicks. gonum/plot's LogTicks leave an axis that
// spans under a decade without a single label.
type LogTicks struct{}

func (LogTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return DistinctTicks{}.Ticks(lo, hi)
	}
	var ts []plot.Tick
	var mant []int
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, e)
			if v >= lo*(1-1e-12) && v <= hi*(1+1e-12) {
				ts = append(ts, plot.Tick{Value: v})
				mant = append(mant, m)
			}
		}
	}
	for _, show := range []func(m int) bool{
		func(m int) bool { return m == 1 },
		func(m int) bool { return m == 1 || m == 2 || m == 5 },
		func(int) bool { return true },
	} {
		n := 0
		for i := range ts {
			if show(mant[i]) {
				ts[i].Label = logLabel(ts[i].Value)
				n++
			}
		}
		if n >= 2 {
			return ts
		}
	}
	return DistinctTicks{}.Ticks(lo, hi)
}

// logLabel prints a mark m·10^e of LogTicks: plainly from 0.001 to 9999,
// else as 3e-05.
func logLabel(v float64) string {
	if v >= 1e-3 && v < 1e4 {
		return strconv.FormatFloat(v, 'f', max(0, -int(math.Floor(math.Log10(v)+1e-9))), 64)
	}
	return strconv.FormatFloat(v, 'e', 0, 64)
}

// Log10Ticks are LogTicks for an axis that holds log10 of its data on a
// linear scale: tick values are exponents, labels the numbers. Drawing
// log10(y) linearly instead of using plot.LogScale keeps the axis label
// centred: gonum/plot centres it at the arithmetic midpoint of the range,
// near the top of a logarithmic axis, and pads the plot for it.
type Log10Ticks struct{}

func (Log10Ticks) Ticks(lo, hi float64) []plot.Tick {
	ts := LogTicks{}.Ticks(math.Pow(10, lo), math.Pow(10, hi))
	for i := range ts {
		if ts[i].Value > 0 {
			ts[i].Value = math.Log10(ts[i].Value)
		}
	}
	return ts
}
