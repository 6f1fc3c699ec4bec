package vmc

import (
	"fmt"
	"math"
)

// Scalar is one reported expectation value with its blocking error bar.
type Scalar struct {
	Name  string
	Value float64
	Error float64 // NaN when the observable is not blocked
	Unit  string
	Note  string // how it was estimated, when that matters
}

// Histogram is a normalised histogram (or any function on a grid) with
// error bars: row k has the coordinates X[k] (one value per name in
// Columns, for example r_lo and r_hi), the value Value[k] and its error
// Error[k] (NaN when not blocked).
type Histogram struct {
	Name    string
	Unit    string
	Note    string
	Columns []string
	X       [][]float64
	Value   []float64
	Error   []float64
}

// Report is what an observable reports after production: named scalars
// and histograms, normalised and in physical units.
type Report struct {
	Scalars    []Scalar
	Histograms []Histogram
}

// Reporter is an Observable that turns its production result into a
// Report (every observable of this package is one).
type Reporter interface {
	Observable
	Report(r *ObservableResult) (Report, error)
}

// Reports returns the reports of the observables among obs that are
// Reporters, from res, in order.
func Reports(res *Result, obs []Observable) ([]Report, error) {
	var out []Report
	for _, o := range obs {
		rp, ok := o.(Reporter)
		if !ok {
			continue
		}
		r, found := res.Observable(o.Name())
		if !found {
			return nil, fmt.Errorf("vmc: the result has no observable %q", o.Name())
		}
		if len(r.Mean) != o.Len() {
			return nil, fmt.Errorf("vmc: the result's %q has %d values, the observable %d", o.Name(), len(r.Mean), o.Len())
		}
		rep, err := rp.Report(r)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// scaled returns the mean and error of value k times c.
func scaled(r *ObservableResult, k int, c float64) (float64, float64) {
	return r.Mean[k] * c, r.Error[k] * math.Abs(c)
}

// scalar is value k of r as a Scalar.
func scalar(r *ObservableResult, k int, name, unit, note string) Scalar {
	return Scalar{Name: name, Value: r.Mean[k], Error: r.Error[k], Unit: unit, Note: note}
}
