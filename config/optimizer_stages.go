package config

import (
	"math"

	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// The optimiser's optional refinements: schedules, clipping, the relative
// SR shift, a variance-minimisation stage and the stop on convergence.
// All are off by default, and a configuration without these keys builds
// exactly the rule and preconditioner it built before they existed.

// learningRateDecay is the learning-rate schedule of optimizer.learning_rate_decay.
func (o OptimizerConfig) learningRateDecay() optim.Decay {
	return optim.Decay{Kind: o.LearningRateDecay, Rate: o.LearningRateDecayRate, MinFactor: o.LearningRateMinFactor}
}

// shiftDecay is the SR shift schedule of optimizer.shift_decay.
func (o OptimizerConfig) shiftDecay() optim.Decay {
	return optim.Decay{Kind: o.ShiftDecay, Rate: o.ShiftDecayRate, MinFactor: o.ShiftMinFactor}
}

// scheduled wraps rule in optim.Scheduled when a learning-rate decay or
// step clipping is asked for, and returns it unchanged otherwise.
func (o OptimizerConfig) scheduled(rule vmc.Rule) vmc.Rule {
	d := o.learningRateDecay()
	if (d.Kind == "" || d.Kind == "none") && o.MaxStepNorm == 0 {
		return rule
	}
	inner, ok := rule.(optim.Rule)
	if !ok {
		return rule
	}
	s, err := optim.NewScheduled(inner, d, o.MaxStepNorm)
	if err != nil {
		return rule // validateOptimizerStages has refused what NewScheduled refuses
	}
	return s
}

// stageOptions sets the driver's variance stage and convergence window.
func (c *Config) stageOptions(opt *vmc.Options) {
	o := c.Optimizer
	opt.VarianceIterations = o.VarianceIterations
	opt.ClipLocalEnergy = o.ClipLocalEnergy
	opt.SamplingPower = o.SamplingPower
	opt.SamplingMinESS = o.SamplingMinESS
	if o.StopWhenConverged {
		opt.ConvergenceWindow = o.ConvergenceWindow
	}
}

// validateOptimizerStages checks the keys of this file.
func (c *Config) validateOptimizerStages() error {
	o := c.Optimizer
	for _, f := range []struct {
		key string
		v   float64
	}{
		{"optimizer.relative_shift", o.RelativeShift}, {"optimizer.learning_rate_decay_rate", o.LearningRateDecayRate},
		{"optimizer.learning_rate_min_factor", o.LearningRateMinFactor}, {"optimizer.shift_decay_rate", o.ShiftDecayRate},
		{"optimizer.shift_min_factor", o.ShiftMinFactor}, {"optimizer.max_step_norm", o.MaxStepNorm},
		{"optimizer.clip_local_energy", o.ClipLocalEnergy}, {"optimizer.sampling_power", o.SamplingPower},
		{"optimizer.sampling_min_ess", o.SamplingMinESS},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return c.KeyError(f.key, f.v, "must be a finite number")
		}
	}
	decays := `want "none", "exp" or "inverse"`
	for _, ch := range []struct {
		bad  bool
		key  string
		val  any
		want string
	}{
		{o.RelativeShift < 0, "optimizer.relative_shift", o.RelativeShift, "must be ≥ 0 (0: none)"},
		{!oneOf(o.LearningRateDecay, "none", "exp", "inverse"), "optimizer.learning_rate_decay", quote(o.LearningRateDecay), decays},
		{o.LearningRateDecayRate < 0, "optimizer.learning_rate_decay_rate", o.LearningRateDecayRate, "must be ≥ 0"},
		{o.LearningRateMinFactor < 0 || o.LearningRateMinFactor > 1, "optimizer.learning_rate_min_factor", o.LearningRateMinFactor, "must be in [0, 1]"},
		{!oneOf(o.ShiftDecay, "none", "exp", "inverse"), "optimizer.shift_decay", quote(o.ShiftDecay), decays},
		{o.ShiftDecayRate < 0, "optimizer.shift_decay_rate", o.ShiftDecayRate, "must be ≥ 0"},
		{o.ShiftMinFactor < 0 || o.ShiftMinFactor > 1, "optimizer.shift_min_factor", o.ShiftMinFactor, "must be in [0, 1]"},
		{o.MaxStepNorm < 0, "optimizer.max_step_norm", o.MaxStepNorm, "must be ≥ 0 (0: no clipping)"},
		{o.ClipLocalEnergy < 0, "optimizer.clip_local_energy", o.ClipLocalEnergy, "must be ≥ 0 (0: off)"},
		{o.ClipLocalEnergy > 0 && c.Wavefunction.Kind != "rbm-spin-complex", "optimizer.clip_local_energy", o.ClipLocalEnergy, `is for wavefunction.kind = "rbm-spin-complex" only (0: off)`},
		{!(o.SamplingPower > 0 && o.SamplingPower <= 1), "optimizer.sampling_power", o.SamplingPower, "must be in (0, 1] (1: plain |Ψ|²)"},
		{o.SamplingPower != 1 && c.Wavefunction.Kind != "rbm-spin-complex", "optimizer.sampling_power", o.SamplingPower, `is for wavefunction.kind = "rbm-spin-complex" only (1: plain |Ψ|²)`},
		{!(o.SamplingMinESS > 0 && o.SamplingMinESS < 1), "optimizer.sampling_min_ess", o.SamplingMinESS, "must be a fraction in (0, 1)"},
		{o.SamplingPower != 1 && o.Kind == "sr" && o.SRSolver == "minsr", "optimizer.sampling_power", o.SamplingPower, `does not combine with optimizer.sr_solver = "minsr" (1: plain |Ψ|²)`},
		{o.ClipLocalEnergy > 0 && o.Kind == "sr" && o.SRSolver == "minsr", "optimizer.clip_local_energy", o.ClipLocalEnergy, `does not combine with optimizer.sr_solver = "minsr" (0: off)`},
		{o.SamplingPower != 1 && o.ClipLocalEnergy > 0, "optimizer.sampling_power", o.SamplingPower, "does not combine with optimizer.clip_local_energy"},
		{o.VarianceIterations < 0, "optimizer.variance_iterations", o.VarianceIterations, "must be ≥ 0 (0: no variance stage)"},
		{o.VarianceIterations > 0 && o.Kind == "linear", "optimizer.variance_iterations", o.VarianceIterations,
			`the variance stage runs with "sr" or a gradient rule, not the linear method`},
		{o.VarianceIterations > 0 && c.System.Model != "continuous", "optimizer.variance_iterations", o.VarianceIterations,
			"the variance stage needs the local energy's parameter derivatives: particles in a trap only"},
		{!oneOf(o.LinearShiftSelect, "adaptive", "correlated"), "optimizer.linear_shift_select", quote(o.LinearShiftSelect), `want "adaptive" or "correlated"`},
		{o.ConvergenceWindow < 2, "optimizer.convergence_window", o.ConvergenceWindow, "must be ≥ 2 iterations"},
	} {
		if ch.bad {
			return c.KeyError(ch.key, ch.val, ch.want)
		}
	}
	return nil
}
