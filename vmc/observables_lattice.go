package vmc

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// SpinMeasured is a walker of spins whose configuration and amplitude
// ratios observables may read, as the local energy does: Spins is the
// walker's own slice (read it, do not keep or modify it) and Ratio is
// Ψ(s')/Ψ(s) for s' = s with spin i (and j ≥ 0) flipped.
type SpinMeasured interface {
	Spins() []int8
	Ratio(i, j int) float64
}

var _ SpinMeasured = (*LatticeWalker)(nil)

// Spins is the walker's current configuration.
func (c *LatticeWalker) Spins() []int8 { return c.st.Spins() }

// Ratio is Ψ(s')/Ψ(s) at the current configuration.
func (c *LatticeWalker) Ratio(i, j int) float64 { return c.ratios.Ratio(i, j) }

// MagnetizationName is the Magnetization observable's name.
const MagnetizationName = "magnetization"

// Magnetization measures m = Σ_i σᶻ_i/N, |m| and, when Flips, the
// transverse magnetisation σˣ = Σ_i ⟨σˣ_i⟩/N through the ratios
// Ψ(s with i flipped)/Ψ(s), as the local energy takes them. Flips must be
// false when the walkers stay in one magnetisation sector (exchange
// moves): there σˣ vanishes, but the ratios would leave the sector.
type Magnetization struct {
	H     *hamiltonian.Spin
	Flips bool
	sign  []float64
}

var _ Reporter = (*Magnetization)(nil)

// NewMagnetization returns the magnetisations of h's spins.
func NewMagnetization(h *hamiltonian.Spin, flips bool) (*Magnetization, error) {
	return &Magnetization{H: h, Flips: flips, sign: h.MarshallSigns()}, nil
}

// Name is MagnetizationName.
func (o *Magnetization) Name() string { return MagnetizationName }

// Len is 3: m, |m|, σˣ (0 without Flips).
func (o *Magnetization) Len() int { return 3 }

// Blocked is true.
func (o *Magnetization) Blocked() bool { return true }

// Bind accepts SpinMeasured walkers.
func (o *Magnetization) Bind(w Walker) (MeasureFunc, error) {
	p, ok := w.(SpinMeasured)
	if !ok {
		return nil, fmt.Errorf("vmc: the magnetisation needs walkers of spins, got %T", w)
	}
	n := float64(o.H.N)
	return func(dst []float64) {
		m := 0
		for _, s := range p.Spins() {
			m += int(s)
		}
		dst[0] = float64(m) / n
		dst[1] = math.Abs(float64(m)) / n
		dst[2] = 0
		if o.Flips {
			x := 0.0
			for i := range o.H.N {
				x += o.sign[i] * p.Ratio(i, -1)
			}
			dst[2] = x / n
		}
	}, nil
}

// Report gives m, abs_m and, with Flips, sigma_x.
func (o *Magnetization) Report(r *ObservableResult) (Report, error) {
	rep := Report{Scalars: []Scalar{
		scalar(r, 0, "m", "", "Σσᶻ/N"),
		scalar(r, 1, "abs_m", "", "|Σσᶻ|/N"),
	}}
	if o.Flips {
		rep.Scalars = append(rep.Scalars, scalar(r, 2, "sigma_x", "", "Σ⟨σˣ⟩/N through the ratios Ψ(s^i)/Ψ(s)"))
	}
	return rep, nil
}

// Correlation names.
const (
	CorrelationZZName = "correlation_zz"
	CorrelationSSName = "spin_correlation"
)

// Correlation measures, for every displacement t (see hamiltonian.Spin.CorrelationPairs), the
// correlation C(t) = ⟨σᶻ_0 σᶻ_t⟩ or, when Full, ⟨S_0·S_t⟩ with S = σ/2:
// ¼σᶻσᶻ plus ½ the exchange of antiparallel spins through the ratio
// Ψ(s with both flipped)/Ψ(s). On a periodic chain ⟨S_0·S_1⟩ =
// E/(L·J) for the Heisenberg model, sample by sample.
type Correlation struct {
	H     *hamiltonian.Spin
	Full  bool
	pairs [][][2]int
	sign  []float64
}

var _ Reporter = (*Correlation)(nil)

// NewCorrelation returns the correlations of h's spins.
func NewCorrelation(h *hamiltonian.Spin, full bool) (*Correlation, error) {
	o := &Correlation{H: h, Full: full, pairs: h.CorrelationPairs()}
	if full {
		o.sign = h.MarshallSigns()
	}
	return o, nil
}

// Name is CorrelationZZName or, when Full, CorrelationSSName.
func (o *Correlation) Name() string {
	if o.Full {
		return CorrelationSSName
	}
	return CorrelationZZName
}

// Len is N, one value per displacement.
func (o *Correlation) Len() int { return o.H.N }

// Blocked is true.
func (o *Correlation) Blocked() bool { return true }

// Bind accepts SpinMeasured walkers.
func (o *Correlation) Bind(w Walker) (MeasureFunc, error) {
	p, ok := w.(SpinMeasured)
	if !ok {
		return nil, fmt.Errorf("vmc: spin correlations need walkers of spins, got %T", w)
	}
	return func(dst []float64) {
		s := p.Spins()
		for t, pairs := range o.pairs {
			c := 0.0
			for _, ij := range pairs {
				i, j := ij[0], ij[1]
				if !o.Full {
					c += float64(s[i] * s[j])
					continue
				}
				if i == j {
					c += 0.75
					continue
				}
				c += 0.25 * float64(s[i]*s[j])
				if s[i] != s[j] {
					c += 0.5 * o.sign[i] * o.sign[j] * p.Ratio(i, j)
				}
			}
			dst[t] = c / float64(len(pairs))
		}
	}, nil
}

// Report gives C(t) by displacement site t with its coordinates.
func (o *Correlation) Report(r *ObservableResult) (Report, error) {
	_, xy := o.H.Momenta()
	h := Histogram{Name: o.Name(), Columns: []string{"site", "dx", "dy"}, Note: "⟨σᶻ_0 σᶻ_t⟩, averaged over translations"}
	if o.Full {
		h.Note = "⟨S_0·S_t⟩ (S = σ/2), averaged over translations"
	}
	for t := range o.H.N {
		h.X = append(h.X, []float64{float64(t), xy[t][0], xy[t][1]})
		h.Value, h.Error = append(h.Value, r.Mean[t]), append(h.Error, r.Error[t])
	}
	return Report{Histograms: []Histogram{h}}, nil
}

// StructureFactorName is the StructureFactor observable's name.
const StructureFactorName = "structure_factor"

// StructureFactor measures S(q) = |Σ_j e^{iq·r_j} σᶻ_j|²/N at the
// lattice's allowed momenta (see hamiltonian.Spin.Momenta), per sample, so that each
// S(q) has its own blocking error.
type StructureFactor struct {
	H        *hamiltonian.Spin
	q        [][2]float64
	cos, sin []float64 // [q][site]
}

var _ Reporter = (*StructureFactor)(nil)

// NewStructureFactor returns the structure factor of h's spins.
func NewStructureFactor(h *hamiltonian.Spin) *StructureFactor {
	q, r := h.Momenta()
	o := &StructureFactor{H: h, q: q}
	for _, k := range q {
		for _, x := range r {
			ph := k[0]*x[0] + k[1]*x[1]
			o.cos, o.sin = append(o.cos, math.Cos(ph)), append(o.sin, math.Sin(ph))
		}
	}
	return o
}

// Name is StructureFactorName.
func (o *StructureFactor) Name() string { return StructureFactorName }

// Len is the number of momenta.
func (o *StructureFactor) Len() int { return len(o.q) }

// Blocked is true.
func (o *StructureFactor) Blocked() bool { return true }

// Bind accepts SpinMeasured walkers.
func (o *StructureFactor) Bind(w Walker) (MeasureFunc, error) {
	p, ok := w.(SpinMeasured)
	if !ok {
		return nil, fmt.Errorf("vmc: the structure factor needs walkers of spins, got %T", w)
	}
	n := o.H.N
	return func(dst []float64) {
		s := p.Spins()
		for k := range o.q {
			re, im := 0.0, 0.0
			c, sn := o.cos[k*n:k*n+n], o.sin[k*n:k*n+n]
			for j, v := range s {
				re += c[j] * float64(v)
				im += sn[j] * float64(v)
			}
			dst[k] = (re*re + im*im) / float64(n)
		}
	}, nil
}

// Report gives S(q) with q.
func (o *StructureFactor) Report(r *ObservableResult) (Report, error) {
	h := Histogram{Name: StructureFactorName, Columns: []string{"qx", "qy"}, Note: "S(q) = |Σ_j e^{iq·r_j} σᶻ_j|²/N"}
	for k, q := range o.q {
		h.X = append(h.X, []float64{q[0], q[1]})
		h.Value, h.Error = append(h.Value, r.Mean[k]), append(h.Error, r.Error[k])
	}
	return Report{Histograms: []Histogram{h}}, nil
}
