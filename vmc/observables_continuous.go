package vmc

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// EnergyParts are the pieces of a continuous walker's last local energy,
// E_L = −½(Laplacian + Grad2) + Potential, kept by Measure so that
// observables split the energy without recomputing it.
type EnergyParts struct {
	Laplacian float64 // ∇²ln Ψ
	Grad2     float64 // |∇ln Ψ|²
	Potential float64 // V(x)
}

// EnergyParted is a walker of particles that keeps the pieces of its last
// local energy (ContinuousWalker and GibbsWalker are).
type EnergyParted interface {
	Positioned
	EnergyParts() EnergyParts
}

var (
	_ EnergyParted = (*ContinuousWalker)(nil)
	_ EnergyParted = (*GibbsWalker)(nil)
)

// EnergyParts are the pieces of the last Measure.
func (w *ContinuousWalker) EnergyParts() EnergyParts { return w.parts }

// EnergyParts are the pieces of the last Measure.
func (w *GibbsWalker) EnergyParts() EnergyParts { return w.parts }

// Values of the EnergySplit observable, per sample.
const (
	SplitKineticLaplacian = iota // T_L = −½(∇²ln Ψ + |∇ln Ψ|²) = −½∇²Ψ/Ψ
	SplitKineticGradient         // T_G = ½|∇ln Ψ|²
	SplitExternal                // V_ext
	SplitInteraction             // V_int = V − V_ext
	SplitVirialLaplacian         // 2T_L − 2V_ext + V_int
	SplitVirialGradient          // 2T_G − 2V_ext + V_int
	splitLen
)

// EnergySplitName is the EnergySplit observable's name.
const EnergySplitName = "energy_split"

// EnergySplit splits the local energy into kinetic, external and
// interaction parts. It reuses the pieces the local energy left in the
// walker (EnergyParts) and adds only V_ext, an O(N·d) sum: V_int is
// V − V_ext. Both kinetic estimators are kept, T_L = −½∇²Ψ/Ψ (with V it
// sums to E_L sample by sample) and T_G = ½|∇ln Ψ|² (equal to T_L in
// mean by Green's identity, often of lower variance), and so are the
// per-sample virial combinations 2T − 2V_ext + V_int, whose mean vanishes
// in an eigenstate of a harmonic trap with Coulomb (or no) interaction,
// so that blocking gives the residual's error with all correlations.
type EnergySplit struct {
	H *hamiltonian.Particles
	// Virial is set when the virial relation 2⟨T⟩ = 2⟨V_ext⟩ − ⟨V_int⟩
	// holds for H (a harmonic or elliptical trap, Coulomb or no pairs).
	Virial bool
}

var _ Reporter = (*EnergySplit)(nil)

// NewEnergySplit returns the energy split of h.
func NewEnergySplit(h *hamiltonian.Particles) (*EnergySplit, error) {
	if h == nil {
		return nil, fmt.Errorf("vmc: energy split without a Hamiltonian")
	}
	o := &EnergySplit{H: h, Virial: true}
	switch h.External.(type) {
	case hamiltonian.Harmonic, hamiltonian.Elliptical:
	default:
		o.Virial = false
	}
	for _, p := range h.Pairs {
		if _, ok := p.(hamiltonian.Coulomb); !ok {
			o.Virial = false
		}
	}
	return o, nil
}

// Name is EnergySplitName.
func (o *EnergySplit) Name() string { return EnergySplitName }

// Len is the number of Split values.
func (o *EnergySplit) Len() int { return splitLen }

// Blocked is true.
func (o *EnergySplit) Blocked() bool { return true }

// Bind accepts EnergyParted walkers.
func (o *EnergySplit) Bind(w Walker) (MeasureFunc, error) {
	p, ok := w.(EnergyParted)
	if !ok {
		return nil, fmt.Errorf("vmc: the energy split needs walkers of particles that keep their local energy's parts, got %T", w)
	}
	ext, d := o.H.External, o.H.D
	return func(dst []float64) {
		e := p.EnergyParts()
		vext := ext.Potential(p.Positions(), d)
		vint := e.Potential - vext
		tl, tg := -0.5*(e.Laplacian+e.Grad2), 0.5*e.Grad2
		dst[SplitKineticLaplacian] = tl
		dst[SplitKineticGradient] = tg
		dst[SplitExternal] = vext
		dst[SplitInteraction] = vint
		dst[SplitVirialLaplacian] = 2*tl - 2*vext + vint
		dst[SplitVirialGradient] = 2*tg - 2*vext + vint
	}, nil
}

// Report gives kinetic (the estimator of the smaller error bar, named in
// its note), both kinetic estimators, external, interaction and, when
// Virial, the virial residual of the chosen estimator.
func (o *EnergySplit) Report(r *ObservableResult) (Report, error) {
	const unit = "hartree"
	lapNote := "−½∇²Ψ/Ψ (sums with V to E_L sample by sample)"
	gradNote := "½|∇ln Ψ|² (Green's identity)"
	k, vk, note := SplitKineticGradient, SplitVirialGradient, gradNote
	// The error bar picks the estimator: −½∇²Ψ/Ψ only when it is clearly
	// (5 %) smaller, so that near-ties (as in an exact eigenstate, where
	// both have the variance of V) and NaN keep ½|∇ln Ψ|².
	if r.Error[SplitKineticLaplacian] < 0.95*r.Error[SplitKineticGradient] {
		k, vk, note = SplitKineticLaplacian, SplitVirialLaplacian, lapNote
	}
	rep := Report{Scalars: []Scalar{
		scalar(r, k, "kinetic", unit, note),
		scalar(r, SplitExternal, "external", unit, "trap potential V_ext"),
		scalar(r, SplitInteraction, "interaction", unit, "pair interactions V_int"),
		scalar(r, SplitKineticLaplacian, "kinetic_laplacian", unit, lapNote),
		scalar(r, SplitKineticGradient, "kinetic_gradient", unit, gradNote),
	}}
	if o.Virial {
		rep.Scalars = append(rep.Scalars, scalar(r, vk, "virial_residual", unit,
			"2T − 2V_ext + V_int per sample, T = "+note+"; zero in an eigenstate"))
	}
	return rep, nil
}

// MeanSquareRadiusName is the MeanSquareRadius observable's name.
const MeanSquareRadiusName = "r2"

// MeanSquareRadius is ⟨r²⟩ per particle, Σ_i r_i²/N, from the trap
// centre, for N particles.
type MeanSquareRadius struct{ N int }

var _ Reporter = MeanSquareRadius{}

// Name is MeanSquareRadiusName.
func (MeanSquareRadius) Name() string { return MeanSquareRadiusName }

// Len is 1.
func (MeanSquareRadius) Len() int { return 1 }

// Blocked is true.
func (MeanSquareRadius) Blocked() bool { return true }

// Bind accepts Positioned walkers.
func (o MeanSquareRadius) Bind(w Walker) (MeasureFunc, error) {
	p, ok := w.(Positioned)
	if !ok || o.N < 1 {
		return nil, fmt.Errorf("vmc: ⟨r²⟩ of %d particles needs walkers of particles (with Positions), got %T", o.N, w)
	}
	n := float64(o.N)
	return func(dst []float64) {
		s := 0.0
		for _, v := range p.Positions() {
			s += v * v
		}
		dst[0] = s / n
	}, nil
}

// Report gives r2.
func (MeanSquareRadius) Report(r *ObservableResult) (Report, error) {
	return Report{Scalars: []Scalar{scalar(r, 0, "r2", "bohr²", "⟨r²⟩ per particle from the trap centre")}}, nil
}

// parallel reports whether particles i and j have parallel spins when the
// first up particles are spin-up.
func parallel(i, j, up int) bool { return (i < up) == (j < up) }

// PairCorrelationName is the PairCorrelation observable's name.
const PairCorrelationName = "pair_correlation"

// PairCorrelation histograms the pair distances r_ij into Bins bins of
// [0, RMax) (the last value counts r_ij ≥ RMax), each unordered pair
// counting twice, so that the pair density ρ₂(r) = count/(samples ×
// shell volume) integrates to N(N−1). With Up > 0 the particles are
// electrons, the first Up spin-up, and the parallel (↑↑ and ↓↓) and
// antiparallel (↑↓) pairs are histogrammed as well.
type PairCorrelation struct {
	N, D   int
	Bins   int
	RMax   float64
	Up     int  // spin-up particles (0: no spin resolution)
	Errors bool // blocking error on every bin
}

var _ Reporter = (*PairCorrelation)(nil)

// NewPairCorrelation checks the histogram.
func NewPairCorrelation(n, d, bins int, rmax float64, up int, errors bool) (*PairCorrelation, error) {
	if err := checkHistogram(d, bins, rmax); err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("vmc: pair correlation of %d particles needs at least 2", n)
	}
	if up < 0 || up > n {
		return nil, fmt.Errorf("vmc: %d spin-up particles of %d", up, n)
	}
	return &PairCorrelation{N: n, D: d, Bins: bins, RMax: rmax, Up: up, Errors: errors}, nil
}

func checkHistogram(d, bins int, rmax float64) error {
	if d < 1 || d > 3 {
		return fmt.Errorf("vmc: histogram in %d dimensions", d)
	}
	if bins < 1 {
		return fmt.Errorf("vmc: histogram needs at least one bin, got %d", bins)
	}
	if !(rmax > 0) || math.IsInf(rmax, 0) {
		return fmt.Errorf("vmc: histogram range %g must be positive and finite", rmax)
	}
	return nil
}

// Name is PairCorrelationName.
func (o *PairCorrelation) Name() string { return PairCorrelationName }

func (o *PairCorrelation) sets() int {
	if o.Up > 0 {
		return 3
	}
	return 1
}

// Len is (Bins + 1) per set: all pairs, then parallel and antiparallel
// when spin-resolved.
func (o *PairCorrelation) Len() int { return o.sets() * (o.Bins + 1) }

// Blocked is Errors.
func (o *PairCorrelation) Blocked() bool { return o.Errors }

// Bind accepts Positioned walkers.
func (o *PairCorrelation) Bind(w Walker) (MeasureFunc, error) {
	p, ok := w.(Positioned)
	if !ok {
		return nil, fmt.Errorf("vmc: the pair correlation needs walkers of particles (with Positions), got %T", w)
	}
	scale, nb, d := float64(o.Bins)/o.RMax, o.Bins+1, o.D
	return func(dst []float64) {
		clear(dst)
		x := p.Positions()
		for i := 0; i < o.N; i++ {
			for j := i + 1; j < o.N; j++ {
				s := 0.0
				for k := range d {
					t := x[i*d+k] - x[j*d+k]
					s += t * t
				}
				b := int(math.Sqrt(s) * scale)
				if b > o.Bins || b < 0 {
					b = o.Bins
				}
				dst[b] += 2
				if o.Up > 0 {
					if parallel(i, j, o.Up) {
						dst[nb+b] += 2
					} else {
						dst[2*nb+b] += 2
					}
				}
			}
		}
	}, nil
}

// Report gives the histograms ρ₂(r) (all, parallel, antiparallel) over
// the bins, and the fraction of pairs beyond RMax.
func (o *PairCorrelation) Report(r *ObservableResult) (Report, error) {
	names := []string{"pair_density", "pair_density_parallel", "pair_density_antiparallel"}
	var rep Report
	nb := o.Bins + 1
	w := o.RMax / float64(o.Bins)
	for s := range o.sets() {
		h := Histogram{Name: names[s], Unit: "bohr^-d", Columns: []string{"r_lo", "r_hi"},
			Note: "ρ₂(r) = 2·pairs/(samples·shell volume); ∫ρ₂ = N(N−1) with the overflow"}
		for b := range o.Bins {
			lo, hi := float64(b)*w, float64(b+1)*w
			v, e := scaled(r, s*nb+b, 1/shellVolume(o.D, lo, hi))
			h.X = append(h.X, []float64{lo, hi})
			h.Value, h.Error = append(h.Value, v), append(h.Error, e)
		}
		rep.Histograms = append(rep.Histograms, h)
		rep.Scalars = append(rep.Scalars, scalar(r, s*nb+o.Bins, names[s]+"_overflow", "", "ordered pairs per sample with r ≥ r_max"))
	}
	return rep, nil
}

// DensityMapName is the DensityMap observable's name.
const DensityMapName = "density_map"

// DensityMap is the one-body density projected on the plane of
// coordinates A and B (x–y: 0, 1; the elliptical trap's x–z: 0, 2), a
// Bins × Bins histogram of the square [−RMax, RMax)², the last value
// counting particles outside. Its density integrates to N over the plane.
type DensityMap struct {
	D, A, B int
	Bins    int
	RMax    float64
	Errors  bool
}

var _ Reporter = (*DensityMap)(nil)

// NewDensityMap checks the histogram and the axes.
func NewDensityMap(d, a, b, bins int, rmax float64, errors bool) (*DensityMap, error) {
	if err := checkHistogram(d, bins, rmax); err != nil {
		return nil, err
	}
	if d < 2 || a < 0 || b < 0 || a >= d || b >= d || a == b {
		return nil, fmt.Errorf("vmc: density map on axes %d, %d in %d dimensions", a, b, d)
	}
	return &DensityMap{D: d, A: a, B: b, Bins: bins, RMax: rmax, Errors: errors}, nil
}

// Name is DensityMapName.
func (o *DensityMap) Name() string { return DensityMapName }

// Len is Bins² + 1.
func (o *DensityMap) Len() int { return o.Bins*o.Bins + 1 }

// Blocked is Errors.
func (o *DensityMap) Blocked() bool { return o.Errors }

// Bind accepts Positioned walkers.
func (o *DensityMap) Bind(w Walker) (MeasureFunc, error) {
	p, ok := w.(Positioned)
	if !ok {
		return nil, fmt.Errorf("vmc: the density map needs walkers of particles (with Positions), got %T", w)
	}
	scale := float64(o.Bins) / (2 * o.RMax)
	over := o.Bins * o.Bins
	return func(dst []float64) {
		clear(dst)
		x := p.Positions()
		for i := 0; i < len(x); i += o.D {
			u := (x[i+o.A] + o.RMax) * scale
			v := (x[i+o.B] + o.RMax) * scale
			if !(u >= 0 && v >= 0 && u < float64(o.Bins) && v < float64(o.Bins)) {
				dst[over]++
				continue
			}
			dst[int(v)*o.Bins+int(u)]++
		}
	}, nil
}

// Report gives the map as rows (u_lo, u_hi, v_lo, v_hi, density) and the
// particles per sample outside it.
func (o *DensityMap) Report(r *ObservableResult) (Report, error) {
	axes := "xyz"
	h := Histogram{Name: "density_map", Unit: "bohr^-2",
		Columns: []string{axes[o.A:o.A+1] + "_lo", axes[o.A:o.A+1] + "_hi", axes[o.B:o.B+1] + "_lo", axes[o.B:o.B+1] + "_hi"},
		Note:    "one-body density projected on the plane; integrates to N with the overflow"}
	w := 2 * o.RMax / float64(o.Bins)
	for j := range o.Bins {
		for i := range o.Bins {
			v, e := scaled(r, j*o.Bins+i, 1/(w*w))
			u0, v0 := -o.RMax+float64(i)*w, -o.RMax+float64(j)*w
			h.X = append(h.X, []float64{u0, u0 + w, v0, v0 + w})
			h.Value, h.Error = append(h.Value, v), append(h.Error, e)
		}
	}
	return Report{Histograms: []Histogram{h},
		Scalars: []Scalar{scalar(r, o.Bins*o.Bins, "density_map_overflow", "", "particles per sample outside the map")}}, nil
}
