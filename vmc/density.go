package vmc

import (
	"fmt"
	"io"
	"math"
)

// RadialDensity is the observable behind the one-body radial density: at
// every production sample it histograms the distance of each particle
// from the origin (the trap centre) into Bins bins of width RMax/Bins,
// the last value counting the particles at RMax or beyond. It reads the
// coordinates of walkers that are Positioned. Its values are plain sums
// unless Errors is set, which gives every bin a blocking error bar.
type RadialDensity struct {
	D      int     // dimension of space
	Bins   int     // bins of [0, RMax)
	RMax   float64 // outer edge of the last bin
	Errors bool    // blocking error bars on every bin
}

var _ Observable = (*RadialDensity)(nil)

// RadialDensityName is the observable's name in results and checkpoints.
const RadialDensityName = "radial_density"

// NewRadialDensity returns the radial density of particles in d
// dimensions over bins bins of [0, rmax).
func NewRadialDensity(d, bins int, rmax float64) (*RadialDensity, error) {
	if d < 1 {
		return nil, fmt.Errorf("vmc: density in %d dimensions", d)
	}
	if bins < 1 {
		return nil, fmt.Errorf("vmc: density histogram needs at least one bin, got %d", bins)
	}
	if !(rmax > 0) || math.IsInf(rmax, 0) {
		return nil, fmt.Errorf("vmc: density histogram range %g must be positive and finite", rmax)
	}
	return &RadialDensity{D: d, Bins: bins, RMax: rmax}, nil
}

// Name is RadialDensityName.
func (o *RadialDensity) Name() string { return RadialDensityName }

// Len is Bins + 1: the bins, then the overflow.
func (o *RadialDensity) Len() int { return o.Bins + 1 }

// Blocked is Errors.
func (o *RadialDensity) Blocked() bool { return o.Errors }

// Bind accepts Positioned walkers.
func (o *RadialDensity) Bind(w Walker) (MeasureFunc, error) {
	add, err := o.BindSum(w)
	if err != nil {
		return nil, err
	}
	return func(dst []float64) {
		clear(dst)
		add(dst)
	}, nil
}

// BindSum counts each particle into its bin of dst (RadialDensity is a
// Summer).
func (o *RadialDensity) BindSum(w Walker) (MeasureFunc, error) {
	p, ok := w.(Positioned)
	if !ok {
		return nil, fmt.Errorf("vmc: radial density needs walkers of particles (with Positions), got %T", w)
	}
	scale := float64(o.Bins) / o.RMax
	return func(dst []float64) {
		x := p.Positions()
		for i := 0; i < len(x); i += o.D {
			r2 := 0.0
			for _, v := range x[i : i+o.D] {
				r2 += v * v
			}
			b := int(math.Sqrt(r2) * scale)
			if b > o.Bins || b < 0 {
				b = o.Bins
			}
			dst[b]++
		}
	}, nil
}

// Density is a one-body radial density ρ(r), normalised so that its
// integral over d-dimensional space is the number of particles:
// ρ = count / (samples × shell volume).
type Density struct {
	Lo, Hi []float64 // bin edges
	Count  []float64 // particles counted per bin over all samples
	Rho    []float64
	// Err is the error bar of each Rho when the histogram was blocked
	// (RadialDensity.Errors), nil otherwise.
	Err     []float64
	Samples float64 // configurations recorded, all walkers and ranks
	// Overflow is the number of particle positions beyond the last bin.
	Overflow float64
}

// Density normalises the histogram that res holds for this observable.
func (o *RadialDensity) Density(res *Result) (*Density, error) {
	r, ok := res.Observable(RadialDensityName)
	if !ok {
		return nil, fmt.Errorf("vmc: the result has no %s (was it among Options.Observables?)", RadialDensityName)
	}
	if len(r.Sum) != o.Bins+1 {
		return nil, fmt.Errorf("vmc: the result's %s has %d values, this histogram %d", RadialDensityName, len(r.Sum), o.Bins+1)
	}
	d := &Density{Samples: r.Samples, Overflow: r.Sum[o.Bins]}
	w := o.RMax / float64(o.Bins)
	for b := range o.Bins {
		lo, hi := float64(b)*w, float64(b+1)*w
		rho := 0.0
		if d.Samples > 0 {
			rho = r.Sum[b] / (d.Samples * shellVolume(o.D, lo, hi))
		}
		d.Lo, d.Hi = append(d.Lo, lo), append(d.Hi, hi)
		d.Count, d.Rho = append(d.Count, r.Sum[b]), append(d.Rho, rho)
		if o.Errors {
			d.Err = append(d.Err, r.Error[b]/shellVolume(o.D, lo, hi))
		}
	}
	return d, nil
}

// shellVolume is the volume between radii lo and hi in d dimensions (in
// one dimension the two intervals on either side of the origin).
func shellVolume(d int, lo, hi float64) float64 {
	switch d {
	case 1:
		return 2 * (hi - lo)
	case 2:
		return math.Pi * (hi*hi - lo*lo)
	}
	return 4 * math.Pi / 3 * (hi*hi*hi - lo*lo*lo)
}

// WriteCSV writes the density as CSV with the header
// r_lo,r_hi,count,density (the file vmcmpi plot reads), and a column
// density_error when the bins have error bars.
func (d *Density) WriteCSV(w io.Writer) error {
	head := "r_lo,r_hi,count,density"
	if d.Err != nil {
		head += ",density_error"
	}
	if _, err := fmt.Fprintf(w, "# one-body radial density, %g samples, %g positions beyond r = %g\n%s\n",
		d.Samples, d.Overflow, d.Hi[len(d.Hi)-1], head); err != nil {
		return err
	}
	for i := range d.Lo {
		if _, err := fmt.Fprintf(w, "%.17g,%.17g,%.17g,%.17g", d.Lo[i], d.Hi[i], d.Count[i], d.Rho[i]); err != nil {
			return err
		}
		if d.Err != nil {
			if _, err := fmt.Fprintf(w, ",%.17g", d.Err[i]); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	return nil
}

// Report gives the radial density ρ(r) (with error bars when Errors) and
// the particles per sample beyond RMax.
func (o *RadialDensity) Report(r *ObservableResult) (Report, error) {
	h := Histogram{Name: "radial_density", Unit: "bohr^-d", Columns: []string{"r_lo", "r_hi"},
		Note: "ρ(r) = count/(samples·shell volume); integrates to N with the overflow"}
	w := o.RMax / float64(o.Bins)
	for b := range o.Bins {
		lo, hi := float64(b)*w, float64(b+1)*w
		v, e := scaled(r, b, 1/shellVolume(o.D, lo, hi))
		h.X = append(h.X, []float64{lo, hi})
		h.Value, h.Error = append(h.Value, v), append(h.Error, e)
	}
	return Report{Histograms: []Histogram{h},
		Scalars: []Scalar{scalar(r, o.Bins, "radial_density_overflow", "", "particles per sample beyond r_max")}}, nil
}

var _ Reporter = (*RadialDensity)(nil)
