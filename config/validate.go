package config

import (
	"fmt"
	"math"
	"strings"

	"github.com/vmcmpi/vmcmpi/vmc"
)

// KeyError is a failure of key in the configuration: it names the source,
// the key, its value and what was wanted.
func (c *Config) KeyError(key string, val any, want string) error {
	return fmt.Errorf("%s: %s = %v: %s", c.Source, key, val, want)
}

func oneOf(s string, allowed ...string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	return false
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func quoteAll(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = quote(x)
	}
	return strings.Join(q, ", ")
}

// Validate checks every key and names the first bad one. The kinds a
// model accepts in combination (a Slater determinant in an elliptical
// trap, say) are checked when the system is built.
func (c *Config) Validate() error {
	// Every float must be a number: TOML admits nan and inf.
	for _, f := range []struct {
		key string
		v   float64
	}{
		{"system.omega", c.System.Omega}, {"system.gamma", c.System.Gamma}, {"system.radius", c.System.Radius},
		{"system.coupling", c.System.Coupling}, {"system.field", c.System.Field},
		{"wavefunction.alpha", c.Wavefunction.Alpha}, {"wavefunction.beta", c.Wavefunction.Beta},
		{"wavefunction.sigma2", c.Wavefunction.Sigma2}, {"wavefunction.init_scale", c.Wavefunction.InitScale},
		{"wavefunction.envelope", c.Wavefunction.Envelope}, {"wavefunction.jastrow_beta", c.Wavefunction.JastrowBeta},
		{"sampler.step", c.Sampler.Step},
		{"optimizer.learning_rate", c.Optimizer.LearningRate}, {"optimizer.momentum", c.Optimizer.Momentum},
		{"optimizer.shift", c.Optimizer.Shift}, {"optimizer.cg_tol", c.Optimizer.CGTol},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return c.KeyError(f.key, f.v, "must be a finite number")
		}
	}
	if v := c.Sampler.DriftLimit; v != nil && (!(*v >= 0) || math.IsInf(*v, 0)) {
		return c.KeyError("sampler.drift_limit", *v, "must be a finite number ≥ 0 (0: no limit; unset: 1 for slater)")
	}
	type check struct {
		bad  bool
		key  string
		val  any
		want string
	}
	s, w, sm, o := c.System, c.Wavefunction, c.Sampler, c.Optimizer
	models, samplers := modelNames(), samplerNames(true, false)
	checks := []check{
		{c.Seed < 0, "seed", c.Seed, "must be ≥ 0"},
		{!oneOf(s.Model, models...), "system.model", quote(s.Model), "want one of " + quoteAll(models)},
		{!oneOf(sm.Kind, samplers...), "sampler.kind", quote(sm.Kind), "want " + orList(samplers)},
		{sm.Walkers < 1, "sampler.walkers", sm.Walkers, "need at least 1 walker per rank"},
		{!(sm.Step >= 0), "sampler.step", sm.Step, "must be > 0 (0: scaled with the trap's length 1/√ω)"},
		{sm.BurnIn < 0, "sampler.burnin", sm.BurnIn, "must be ≥ 0"},
		{sm.Samples < 1, "sampler.samples", sm.Samples, "need at least 1 sample per walker and iteration"},
		{sm.Thin < 1, "sampler.thin", sm.Thin, "must be ≥ 1"},
		{!oneOf(o.Kind, "gd", "momentum", "adam", "sr", "linear"), "optimizer.kind", quote(o.Kind), `want "gd", "momentum", "adam", "sr" or "linear"`},
		{!(o.LearningRate >= 0), "optimizer.learning_rate", o.LearningRate, "must be > 0 (0: 0.1/ω for SR, 0.05 otherwise)"},
		{o.Iterations < 0, "optimizer.iterations", o.Iterations, "must be ≥ 0 (0 evaluates the energy only)"},
		{o.Momentum < 0 || o.Momentum >= 1, "optimizer.momentum", o.Momentum, "must be in [0, 1)"},
		{o.Shift < 0, "optimizer.shift", o.Shift, "must be ≥ 0"},
		{!oneOf(o.Rule, "gd", "adam"), "optimizer.rule", quote(o.Rule), `want "gd" or "adam"`},
		{srSolver(o.SRSolver) < 0, "optimizer.sr_solver", quote(o.SRSolver), `want "auto", "dense", "cg" or "minsr"`},
		{o.Kind == "sr" && o.SRSolver == "minsr" && !(o.Shift > 0), "optimizer.shift", o.Shift, `sr_solver = "minsr" needs a shift > 0 (the sample-space Gram matrix of centred samples is singular)`},
		{!(o.CGTol > 0 && o.CGTol < 1), "optimizer.cg_tol", o.CGTol, "the relative residual of conjugate gradient must be in (0, 1)"},
		{c.Production.Samples < 0, "production.samples", c.Production.Samples, "must be ≥ 0"},
		{c.Production.LanczosSamples < 0 || c.Production.LanczosSamples == 1, "production.lanczos_samples", c.Production.LanczosSamples,
			"must be 0 (no Lanczos step) or ≥ 2 (its error bars come from blocks of samples)"},
		{c.Production.LanczosSamples > 0 && c.System.Model == "continuous", "production.lanczos_samples", c.Production.LanczosSamples,
			"the Lanczos step is for spin lattices (it applies H to the trial state through its connected configurations)"},
		{c.GFMC.Steps < 0 || (c.GFMC.Steps > 0 && c.GFMC.Steps < 10), "gfmc.steps", c.GFMC.Steps, "must be 0 (no projection) or ≥ 10 (its error bars come from 10 blocks of intervals)"},
		{c.GFMC.Steps > 0 && c.System.Model == "continuous", "gfmc.steps", c.GFMC.Steps, "the GFMC projection is for spin lattices (it moves between a configuration's connected configurations)"},
		{c.GFMC.Steps > 0 && w.Kind == "rbm-spin-complex", "gfmc.steps", c.GFMC.Steps, `the GFMC projection needs a real trial state (signs allowed), not wavefunction.kind = "rbm-spin-complex"`},
		{c.GFMC.Steps > 0 && c.GFMC.Walkers < 2, "gfmc.walkers", c.GFMC.Walkers, "need at least 2 walkers per rank to reconfigure"},
		{c.GFMC.Steps > 0 && !(c.GFMC.Tau > 0 && c.GFMC.Tau < math.Inf(1)), "gfmc.tau", c.GFMC.Tau, "must be a positive imaginary time"},
		{c.GFMC.Steps > 0 && c.GFMC.Project < 0, "gfmc.project", c.GFMC.Project, "must be ≥ 0"},
		{c.GFMC.Steps > 0 && c.GFMC.Equilibrate < c.GFMC.Project, "gfmc.equilibrate", c.GFMC.Equilibrate, fmt.Sprintf("must be ≥ gfmc.project = %d (the weights of the first measured interval reach back that far)", c.GFMC.Project)},
		{c.Production.Samples == 0 && o.Iterations == 0, "production.samples", 0, "with optimizer.iterations = 0 as well there is nothing to compute"},
		{c.Output.Dir == "", "output.dir", quote(c.Output.Dir), "must name a directory"},
		{c.Output.CheckpointEvery < 0, "output.checkpoint_every", c.Output.CheckpointEvery, "must be ≥ 0 (0: only on signals)"},
		{!oneOf(c.Output.Progress, "auto", "bar", "lines", "none"), "output.progress", quote(c.Output.Progress), `want "auto", "bar", "lines" or "none"`},
		{!(c.Output.ProgressEvery > 0) || math.IsInf(c.Output.ProgressEvery, 0), "output.progress_every", c.Output.ProgressEvery, "seconds between progress lines must be a finite number > 0"},
	}
	if s.Model == "continuous" {
		kinds, walkers := wavefunctionNames(false), samplerNames(false, false)
		checks = append(checks,
			check{s.Particles < 1, "system.particles", s.Particles, "need at least 1 particle"},
			check{s.Dimensions < 1 || s.Dimensions > 3, "system.dimensions", s.Dimensions, "must be 1, 2 or 3"},
			check{!(s.Omega > 0), "system.omega", s.Omega, "must be > 0"},
			check{!oneOf(s.Trap, "harmonic", "elliptical"), "system.trap", quote(s.Trap), `want "harmonic" or "elliptical"`},
			check{s.Trap == "elliptical" && s.Dimensions != 3, "system.trap", quote(s.Trap), "the elliptical trap needs system.dimensions = 3"},
			check{s.Trap == "elliptical" && !(s.Gamma > 0), "system.gamma", s.Gamma, "must be > 0"},
			check{!oneOf(s.Interaction, "none", "coulomb", "hard-sphere"), "system.interaction", quote(s.Interaction), `want "none", "coulomb" or "hard-sphere"`},
			check{s.Interaction == "hard-sphere" && !(s.Radius > 0), "system.radius", s.Radius, "the hard-sphere radius must be > 0"},
			check{!oneOf(w.Kind, kinds...), "wavefunction.kind", quote(w.Kind), "want one of " + quoteAll(kinds)},
			check{!oneOf(sm.Kind, walkers...), "sampler.kind", quote(sm.Kind), "particles in a trap use " + orList(walkers)},
		)
	} else {
		checks = append(checks,
			check{s.Length < 1, "system.length", s.Length, "need at least 1 site per side"},
			check{!oneOf(s.Lattice, "chain", "square"), "system.lattice", quote(s.Lattice), `want "chain" or "square"`},
		)
	}
	for _, ch := range checks {
		if ch.bad {
			return c.KeyError(ch.key, ch.val, ch.want)
		}
	}
	if err := c.validateOptimizerStages(); err != nil {
		return err
	}
	if r := c.Output.Reference; r != nil && (math.IsNaN(*r) || math.IsInf(*r, 0)) {
		return c.KeyError("output.reference", *r, "the reference energy must be a finite number (or unset)")
	}
	return c.validateObservables()
}

// srSolver maps optimizer.sr_solver to the driver's choice, −1 when the
// name is unknown.
func srSolver(name string) vmc.SRSolver {
	for _, s := range []vmc.SRSolver{vmc.SRAuto, vmc.SRDense, vmc.SRCG, vmc.SRMin} {
		if s.String() == name {
			return s
		}
	}
	return -1
}
