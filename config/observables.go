package config

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// Observable names of observables.measure, by system.
var (
	particleObservables = []string{vmc.EnergySplitName, vmc.MeanSquareRadiusName, vmc.RadialDensityName, vmc.PairCorrelationName, vmc.DensityMapName}
	latticeObservables  = []string{vmc.MagnetizationName, vmc.CorrelationZZName, vmc.CorrelationSSName, vmc.StructureFactorName}
)

// validateObservables checks the [observables] table against the system.
func (c *Config) validateObservables() error {
	o := c.Observables
	allowed, other, what := particleObservables, latticeObservables, "particles in a trap"
	if c.System.Model != "continuous" {
		allowed, other, what = latticeObservables, particleObservables, "a lattice"
	}
	seen := map[string]bool{}
	for _, name := range o.Measure {
		switch {
		case oneOf(name, other...):
			return c.KeyError("observables.measure", quote(name), fmt.Sprintf("%q does not apply to %s (there: %s)", name, what, quoteAll(allowed)))
		case !oneOf(name, allowed...):
			return c.KeyError("observables.measure", quote(name), "unknown observable; want one of "+quoteAll(allowed))
		case seen[name]:
			return c.KeyError("observables.measure", quote(name), "listed twice")
		}
		seen[name] = true
	}
	if o.Bins < 1 {
		return c.KeyError("observables.bins", o.Bins, "need at least 1 bin")
	}
	if o.MapBins < 1 {
		return c.KeyError("observables.map_bins", o.MapBins, "need at least 1 bin per axis")
	}
	if o.RMax != nil && (!(*o.RMax > 0) || math.IsInf(*o.RMax, 0)) {
		return c.KeyError("observables.r_max", *o.RMax, "the histograms' range must be a finite number > 0")
	}
	s := c.System
	if seen[vmc.PairCorrelationName] && s.Particles < 2 {
		return c.KeyError("observables.measure", quote(vmc.PairCorrelationName), "the pair correlation needs system.particles ≥ 2")
	}
	if seen[vmc.DensityMapName] && s.Dimensions < 2 {
		return c.KeyError("observables.measure", quote(vmc.DensityMapName), "the density map needs system.dimensions ≥ 2")
	}
	return nil
}

// measures reports whether observables.measure lists name.
func (c *Config) measures(name string) bool { return oneOf(name, c.Observables.Measure...) }

// buildObservables adds the configured observables to the job: the
// energy split of particles always, the rest as observables.measure asks.
// rd is the job's radial density (nil without one).
func (j *Job) buildObservables(sys vmc.System, rd *vmc.RadialDensity) error {
	c := j.Config
	o, s := c.Observables, c.System
	var obs []vmc.Observable
	switch sy := sys.(type) {
	case *vmc.Continuous, *vmc.GibbsContinuous:
		var h hamiltonian.Continuous
		if cs, ok := sy.(*vmc.Continuous); ok {
			h = cs.H
		} else {
			h = sy.(*vmc.GibbsContinuous).H
		}
		rmax := 5 / math.Sqrt(s.Omega)
		if o.RMax != nil {
			rmax = *o.RMax
		}
		if p, ok := h.(*hamiltonian.Particles); ok {
			split, err := vmc.NewEnergySplit(p)
			if err != nil {
				return err
			}
			obs = append(obs, split)
		}
		if c.measures(vmc.MeanSquareRadiusName) {
			obs = append(obs, vmc.MeanSquareRadius{N: s.Particles})
		}
		if rd != nil && c.measures(vmc.RadialDensityName) {
			rd.Errors = o.Errors
			j.Reported = append(j.Reported, rd)
		}
		if c.measures(vmc.PairCorrelationName) {
			// Electrons (Coulomb) are spin-resolved: the first ⌈N/2⌉
			// are spin-up, as in the fermionic wave functions.
			up := 0
			if s.Interaction == "coulomb" {
				up = (s.Particles + 1) / 2
			}
			pc, err := vmc.NewPairCorrelation(s.Particles, s.Dimensions, o.Bins, 2*rmax, up, o.Errors)
			if err != nil {
				return c.KeyError("observables.measure", quote(vmc.PairCorrelationName), err.Error())
			}
			obs = append(obs, pc)
		}
		if c.measures(vmc.DensityMapName) {
			// The elliptical trap's axis of symmetry is z: show x–z.
			b := 1
			if s.Trap == "elliptical" {
				b = 2
			}
			dm, err := vmc.NewDensityMap(s.Dimensions, 0, b, o.MapBins, rmax, o.Errors)
			if err != nil {
				return c.KeyError("observables.measure", quote(vmc.DensityMapName), err.Error())
			}
			obs = append(obs, dm)
		}
	case *vmc.Lattice:
		if c.measures(vmc.MagnetizationName) {
			m, err := vmc.NewMagnetization(sy.H, sy.Sampler.Move == sampler.SingleFlip)
			if err != nil {
				return err
			}
			obs = append(obs, m)
		}
		for _, full := range []bool{false, true} {
			name := vmc.CorrelationZZName
			if full {
				name = vmc.CorrelationSSName
			}
			if c.measures(name) {
				cr, err := vmc.NewCorrelation(sy.H, full)
				if err != nil {
					return err
				}
				obs = append(obs, cr)
			}
		}
		if c.measures(vmc.StructureFactorName) {
			obs = append(obs, vmc.NewStructureFactor(sy.H))
		}
		j.spin = sy.H
	}
	j.Reported = append(j.Reported, obs...)
	j.Options.Observables = append(j.Options.Observables, obs...)
	return nil
}

// WriteObservables writes observables.json and the histograms' CSVs on
// rank 0 when the job measured any observable; a lattice small enough for
// exact diagonalisation (at most ExactObservableSites sites) gets the
// exact ground state's values alongside. It returns the reports written
// (nil on other ranks).
func (j *Job) WriteObservables(res *vmc.Result) ([]vmc.Report, error) {
	if len(j.Reported) == 0 || res == nil || res.Samples == 0 || j.Comm.Rank() != 0 {
		return nil, nil
	}
	reps, err := vmc.Reports(res, j.Reported)
	if err != nil {
		return nil, err
	}
	var ex *exact.Observables
	if j.spin != nil && j.spin.N <= ExactObservableSites {
		if _, ex, err = exact.GroundStateObservables(j.spin, exact.Options{}); err != nil {
			return nil, err
		}
	}
	return reps, output.WriteObservables(j.Config.Output.Dir, float64(res.Samples), reps, ex)
}

// ExactObservableSites bounds the lattices whose exact observables are
// written next to the VMC ones (a second at most).
const ExactObservableSites = 16
