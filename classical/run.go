package classical

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/stats"
)

// Algorithm selects the update of a run.
type Algorithm string

// The algorithms. Auto uses Wolff within AutoWindow of the critical
// temperature, where Metropolis slows down critically, and Metropolis
// elsewhere.
const (
	Metropolis Algorithm = "metropolis"
	Wolff      Algorithm = "wolff"
	Auto       Algorithm = "auto"
)

// AutoWindow is the half-width of the temperature window around T_c in which
// Auto picks Wolff.
const AutoWindow = 0.5

// CriticalTemperature is T_c of the infinite lattice: 2/ln(1+√2) for Ising,
// 1/ln(1+√q) for Potts.
func (m Model) CriticalTemperature() float64 {
	if m.Ising {
		return 2 / math.Log1p(math.Sqrt2)
	}
	return 1 / math.Log1p(math.Sqrt(float64(m.Q)))
}

// Options configure Run. Zero values mean the documented defaults.
type Options struct {
	Model     Model
	L         int
	T         float64
	Algorithm Algorithm // "" means Auto
	// Thermalize is the number of sweeps discarded first (0 means 1000).
	Thermalize int
	// Samples is the number of measurements (0 means 10000).
	Samples int
	// Every is the number of sweeps between measurements (0 means 1). For
	// Wolff one sweep is as many cluster flips as make N flipped sites on
	// average, at least one.
	Every int
	// Keep stores the configuration after every Every sweeps in
	// Result.Configs.
	Keep bool
	// MeasureEvery is the number of sweeps between measurements of E and |M|
	// (0 means Every: exactly the Samples configurations are measured).
	// Measuring costs O(q) and draws no random numbers, so the chain and the
	// kept configurations do not depend on it.
	MeasureEvery int
	// MeasureSweeps continues the chain this many sweeps after the last kept
	// configuration, measuring every MeasureEvery sweeps: a reference more
	// precise than the kept configurations at no cost to training.
	MeasureSweeps int
	// Seed1, Seed2 seed the chain's PCG stream.
	Seed1, Seed2 uint64
}

// Observables are per-site thermodynamic estimates at one temperature:
// E = ⟨E⟩/N, M = ⟨|M|⟩/N, Cv = N Var(e)/T², Chi = N Var(|m|)/T, each with its
// standard error (zero for exact values).
type Observables struct {
	T       float64 `json:"T"`
	E       float64 `json:"e"`
	EErr    float64 `json:"e_err"`
	M       float64 `json:"m"`
	MErr    float64 `json:"m_err"`
	Cv      float64 `json:"cv"`
	CvErr   float64 `json:"cv_err"`
	Chi     float64 `json:"chi"`
	ChiErr  float64 `json:"chi_err"`
	Samples int     `json:"samples"`
}

// Result is the outcome of Run.
type Result struct {
	Observables
	Algorithm Algorithm
	// Energy and Mag are the measured series e = E/N and m = |M|/N
	// (Samples of them unless Options.MeasureEvery or MeasureSweeps say
	// otherwise).
	Energy, Mag []float64
	// Configs holds the measured configurations, Samples×N Potts values,
	// when Options.Keep is set.
	Configs []uint8
	// Sweeps is the number of sweeps done, thermalisation included.
	Sweeps int
}

// Run thermalises a chain from a random start and measures it.
func Run(o Options) (*Result, error) {
	if o.Thermalize == 0 {
		o.Thermalize = 1000
	}
	if o.Samples == 0 {
		o.Samples = 10000
	}
	if o.Every == 0 {
		o.Every = 1
	}
	if o.Algorithm == "" {
		o.Algorithm = Auto
	}
	if o.MeasureEvery == 0 {
		o.MeasureEvery = o.Every
	}
	if o.Thermalize < 0 || o.Samples < 2 || o.Every < 0 {
		return nil, fmt.Errorf("classical: thermalize %d, samples %d, every %d: want ≥ 0, ≥ 2, ≥ 1", o.Thermalize, o.Samples, o.Every)
	}
	if o.MeasureEvery < 0 || o.MeasureSweeps < 0 {
		return nil, fmt.Errorf("classical: measure every %d, measure sweeps %d: want ≥ 1, ≥ 0", o.MeasureEvery, o.MeasureSweeps)
	}
	sweeps := o.Samples*o.Every + o.MeasureSweeps
	measures := sweeps / o.MeasureEvery
	alg := o.Algorithm
	switch alg {
	case Auto:
		alg = Metropolis
		if math.Abs(o.T-o.Model.CriticalTemperature()) < AutoWindow {
			alg = Wolff
		}
	case Metropolis, Wolff:
	default:
		return nil, fmt.Errorf("classical: algorithm %q: want metropolis, wolff or auto", alg)
	}
	c, err := NewChain(o.Model, o.L, o.T, rand.New(rand.NewPCG(o.Seed1, o.Seed2)))
	if err != nil {
		return nil, err
	}
	r := &Result{Algorithm: alg, Energy: make([]float64, measures), Mag: make([]float64, measures)}
	if o.Keep {
		r.Configs = make([]uint8, o.Samples*c.N)
	}
	var wolffPerSweep = 1
	sweep := func() {
		if alg == Metropolis {
			c.MetropolisSweep()
			return
		}
		for range wolffPerSweep {
			c.WolffStep()
		}
	}
	if alg == Wolff {
		// Calibrate the flips per sweep from the mean cluster size during
		// the first half of thermalisation.
		flipped, steps := 0, 0
		for flipped < o.Thermalize/2*c.N || steps == 0 {
			flipped += c.WolffStep()
			steps++
		}
		wolffPerSweep = max(1, int(math.Round(float64(c.N)*float64(steps)/float64(flipped))))
	}
	for range o.Thermalize {
		sweep()
	}
	n := float64(c.N)
	for s := 1; s <= sweeps; s++ {
		sweep()
		if s%o.MeasureEvery == 0 {
			k := s/o.MeasureEvery - 1
			r.Energy[k] = c.Energy() / n
			r.Mag[k] = c.Magnetization() / n
		}
		if o.Keep && s%o.Every == 0 && s <= o.Samples*o.Every {
			copy(r.Configs[(s/o.Every-1)*c.N:], c.Spins)
		}
	}
	r.Sweeps = o.Thermalize + sweeps
	obs, err := Measure(o.T, c.N, [][]float64{r.Energy}, [][]float64{r.Mag}, nil)
	if err != nil {
		return nil, err
	}
	r.Observables = obs
	return r, nil
}

// Measure turns series of e = E/N and m = |M|/N from independent chains into
// Observables. Error bars come from blocking each chain and combining the
// chains; the errors of C_v and χ are those of the means of (e − ⟨e⟩)² and
// (m − ⟨m⟩)², with ⟨·⟩ the mean over all chains.
//
// The chains may be spread over ranks: then every rank passes slices of the
// same length, with nil for the chains it does not hold, and sum adds a slice
// element-wise over the ranks in place (nil for a single process). The result
// then does not depend on how the chains are distributed: each chain's
// numbers are added to zeros only.
func Measure(T float64, sites int, e, m [][]float64, sum func([]float64) error) (Observables, error) {
	if len(e) != len(m) {
		panic("classical: Measure with different numbers of energy and magnetisation chains")
	}
	nc := len(e)
	// Per chain: n, n·mean, n²·var(mean) for two series.
	buf := make([]float64, 6*nc)
	summarise := func(x, y [][]float64) error {
		clear(buf)
		for c := range nc {
			if x[c] == nil {
				continue
			}
			for k, s := range [][]float64{x[c], y[c]} {
				est := stats.Blocking(s)
				v := est.Error * est.Error
				if est.N < 2 || math.IsNaN(v) {
					v = 0
				}
				buf[6*c+3*k] = float64(est.N)
				buf[6*c+3*k+1] = float64(est.N) * est.Mean
				buf[6*c+3*k+2] = float64(est.N) * float64(est.N) * v
			}
		}
		if sum != nil {
			return sum(buf)
		}
		return nil
	}
	combine := func(k int) (mean, err float64) {
		var a, b, d float64
		for c := range nc {
			a += buf[6*c+3*k]
			b += buf[6*c+3*k+1]
			d += buf[6*c+3*k+2]
		}
		return stats.CombineSums(a, b, d)
	}
	if err := summarise(e, m); err != nil {
		return Observables{}, err
	}
	o := Observables{T: T}
	o.E, o.EErr = combine(0)
	o.M, o.MErr = combine(1)
	var total float64
	for c := range nc {
		total += buf[6*c]
	}
	o.Samples = int(total)
	if o.Samples < 2 {
		return o, errors.New("classical: fewer than two samples to measure")
	}
	de := make([][]float64, nc)
	dm := make([][]float64, nc)
	for c := range nc {
		if e[c] == nil {
			continue
		}
		de[c] = make([]float64, len(e[c]))
		dm[c] = make([]float64, len(m[c]))
		for i, x := range e[c] {
			de[c][i] = (x - o.E) * (x - o.E)
		}
		for i, x := range m[c] {
			dm[c][i] = (x - o.M) * (x - o.M)
		}
	}
	if err := summarise(de, dm); err != nil {
		return Observables{}, err
	}
	ve, vee := combine(0)
	vm, vme := combine(1)
	// n/(n−1) turns the population variance into the unbiased one.
	corr := total / (total - 1)
	n := float64(sites)
	o.Cv, o.CvErr = n*ve*corr/(T*T), n*vee*corr/(T*T)
	o.Chi, o.ChiErr = n*vm*corr/T, n*vme*corr/T
	return o, nil
}
