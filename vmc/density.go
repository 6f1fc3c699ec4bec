package vmc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// DensitySystem wraps a system of particles in a trap (Continuous or
// GibbsContinuous) whose walkers also histogram the distance of every
// particle from the trap centre at each production sample (the driver
// measures with o == nil there), giving the one-body radial density. The
// histogram travels in the walkers' checkpoint records, so a resumed run
// ends with the same density as an uninterrupted one.
type DensitySystem struct {
	System
	// H is the trap of the wrapped system.
	H hamiltonian.Continuous
	// Bins of width RMax/Bins cover [0, RMax); farther particles are
	// counted as overflow.
	Bins int
	RMax float64

	walkers []*densityWalker // this rank's, by index
}

// NewDensitySystem wraps sys with a histogram of bins bins over [0, rmax);
// rmax ≤ 0 picks 5/√ω, where a Gaussian ground-state density has fallen
// below e^{-25} of its centre value.
func NewDensitySystem(sys System, bins int, rmax float64) (*DensitySystem, error) {
	var h hamiltonian.Continuous
	switch s := sys.(type) {
	case *Continuous:
		h = s.H
	case *GibbsContinuous:
		h = s.H
	default:
		return nil, fmt.Errorf("vmc: no radial density for a %T", sys)
	}
	if bins < 1 {
		return nil, fmt.Errorf("vmc: density histogram needs at least one bin, got %d", bins)
	}
	if rmax <= 0 {
		rmax = defaultRMax(h)
	}
	if !(rmax > 0) || math.IsInf(rmax, 0) {
		return nil, fmt.Errorf("vmc: density histogram range %g must be positive and finite", rmax)
	}
	return &DensitySystem{System: sys, H: h, Bins: bins, RMax: rmax}, nil
}

var _ System = (*DensitySystem)(nil)

// defaultRMax is 5/√ω for the built-in traps and five widths of the
// external potential's first coordinate otherwise (0 when unknown).
func defaultRMax(h hamiltonian.Continuous) float64 {
	p, ok := h.(*hamiltonian.Particles)
	if !ok {
		return 0
	}
	switch t := p.External.(type) {
	case hamiltonian.Harmonic:
		return 5 / math.Sqrt(t.Omega)
	case hamiltonian.Elliptical:
		return 5 / math.Sqrt(t.Omega)
	}
	return 5 * p.External.Width(0)
}

// positions reads a walker's current configuration.
func positions(w Walker) (func() []float64, bool) {
	switch w := w.(type) {
	case *ContinuousWalker:
		return func() []float64 { return w.W.State().Positions() }, true
	case *GibbsWalker:
		return func() []float64 { return w.W.State().Positions() }, true
	}
	return nil, false
}

// NewWalker makes a walker of the wrapped system that records production
// samples.
func (s *DensitySystem) NewWalker(rank, index int, seed uint64) (Walker, error) {
	w, err := s.System.NewWalker(rank, index, seed)
	if err != nil {
		return nil, err
	}
	pos, ok := positions(w)
	if !ok {
		return nil, fmt.Errorf("vmc: density needs walkers of particles in a trap, got %T", w)
	}
	dw := &densityWalker{Walker: w, pos: pos, sys: s, counts: make([]float64, s.Bins+1)}
	for len(s.walkers) <= index {
		s.walkers = append(s.walkers, nil)
	}
	s.walkers[index] = dw
	return dw, nil
}

type densityWalker struct {
	Walker
	pos     func() []float64
	sys     *DensitySystem
	samples float64   // configurations recorded
	counts  []float64 // per bin; the last entry is the overflow
}

func (w *densityWalker) Measure(o []float64) float64 {
	e := w.Walker.Measure(o)
	if o == nil {
		w.record()
	}
	return e
}

func (w *densityWalker) record() {
	x := w.pos()
	d := w.sys.H.Dims()
	scale := float64(w.sys.Bins) / w.sys.RMax
	for i := 0; i < len(x); i += d {
		r2 := 0.0
		for _, v := range x[i : i+d] {
			r2 += v * v
		}
		b := int(math.Sqrt(r2) * scale)
		if b > w.sys.Bins || b < 0 {
			b = w.sys.Bins
		}
		w.counts[b]++
	}
	w.samples++
}

// MarshalBinary appends the histogram to the walker's record.
func (w *densityWalker) MarshalBinary() ([]byte, error) {
	inner, err := w.Walker.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(inner)))
	b = append(b, inner...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(w.counts)))
	for _, v := range append([]float64{w.samples}, w.counts...) {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b, nil
}

func (w *densityWalker) UnmarshalBinary(b []byte) error {
	bad := errors.New("vmc: density walker record cut short or of another histogram size")
	if len(b) < 8 {
		return bad
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return bad
	}
	rest := b[8+n:]
	if len(rest) != 8+8*(1+len(w.counts)) || binary.LittleEndian.Uint64(rest) != uint64(len(w.counts)) {
		return bad
	}
	if err := w.Walker.UnmarshalBinary(b[8 : 8+n]); err != nil {
		return err
	}
	rest = rest[8:]
	w.samples = math.Float64frombits(binary.LittleEndian.Uint64(rest))
	for i := range w.counts {
		w.counts[i] = math.Float64frombits(binary.LittleEndian.Uint64(rest[8*(i+1):]))
	}
	return nil
}

// Density is a one-body radial density ρ(r), normalised so that its
// integral over d-dimensional space is the number of particles:
// ρ = count / (samples × shell volume).
type Density struct {
	Lo, Hi  []float64 // bin edges
	Count   []float64 // particles counted per bin over all samples
	Rho     []float64
	Samples float64 // configurations recorded, all walkers and ranks
	// Overflow is the number of particle positions beyond the last bin.
	Overflow float64
}

// Density sums the histograms of all walkers and ranks (collective: one
// all-reduce) and normalises them.
func (s *DensitySystem) Density(c comm.Comm) (*Density, error) {
	sum := make([]float64, s.Bins+2) // counts, overflow, samples
	for i, w := range s.walkers {
		if w == nil {
			return nil, fmt.Errorf("vmc: density: walker %d was never made", i)
		}
		for b, v := range w.counts {
			sum[b] += v
		}
		sum[s.Bins+1] += w.samples
	}
	if err := c.AllReduce(sum, comm.Sum); err != nil {
		return nil, fmt.Errorf("vmc: density: %w", err)
	}
	d := &Density{Samples: sum[s.Bins+1], Overflow: sum[s.Bins]}
	w := s.RMax / float64(s.Bins)
	for b := range s.Bins {
		lo, hi := float64(b)*w, float64(b+1)*w
		rho := 0.0
		if d.Samples > 0 {
			rho = sum[b] / (d.Samples * shellVolume(s.H.Dims(), lo, hi))
		}
		d.Lo, d.Hi = append(d.Lo, lo), append(d.Hi, hi)
		d.Count, d.Rho = append(d.Count, sum[b]), append(d.Rho, rho)
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
// r_lo,r_hi,count,density (the file vmcmpi plot reads).
func (d *Density) WriteCSV(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "# one-body radial density, %g samples, %g positions beyond r = %g\nr_lo,r_hi,count,density\n",
		d.Samples, d.Overflow, d.Hi[len(d.Hi)-1]); err != nil {
		return err
	}
	for i := range d.Lo {
		if _, err := fmt.Fprintf(w, "%.17g,%.17g,%.17g,%.17g\n", d.Lo[i], d.Hi[i], d.Count[i], d.Rho[i]); err != nil {
			return err
		}
	}
	return nil
}
