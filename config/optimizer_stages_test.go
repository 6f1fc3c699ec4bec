package config

import (
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// TestOptimizerStagesKeys: the refinements decode into the driver's
// options, are absent by default, and bad values name their key.
func TestOptimizerStagesKeys(t *testing.T) {
	base := Defaults()
	def, err := Decode([]byte("[optimizer]\nkind = \"sr\"\n"), "plain.toml", base)
	if err != nil {
		t.Fatal(err)
	}
	opt := def.DriverOptions(3)
	if _, ok := opt.Rule.(*optim.GD); !ok || opt.VarianceIterations != 0 || opt.ConvergenceWindow != 0 {
		t.Errorf("defaults built %T, variance %d, window %d", opt.Rule, opt.VarianceIterations, opt.ConvergenceWindow)
	}
	if sr := opt.SR.(*optim.SR); sr.RelShift != 0 || sr.ShiftDecay.Kind != "none" {
		t.Errorf("default SR %+v", sr)
	}
	src := `[optimizer]
kind = "sr"
relative_shift = 0.01
learning_rate_decay = "inverse"
learning_rate_decay_rate = 0.05
learning_rate_min_factor = 0.2
shift_decay = "exp"
shift_decay_rate = 0.1
max_step_norm = 0.5
variance_iterations = 10
stop_when_converged = true
convergence_window = 15
`
	c, err := Decode([]byte(src), "staged.toml", base)
	if err != nil {
		t.Fatal(err)
	}
	opt = c.DriverOptions(3)
	s, ok := opt.Rule.(*optim.Scheduled)
	if !ok || s.MaxNorm != 0.5 || s.Decay != (optim.Decay{Kind: "inverse", Rate: 0.05, MinFactor: 0.2}) {
		t.Errorf("rule %+v", opt.Rule)
	}
	if sr := opt.SR.(*optim.SR); sr.RelShift != 0.01 || sr.ShiftDecay != (optim.Decay{Kind: "exp", Rate: 0.1}) {
		t.Errorf("SR %+v", sr)
	}
	if opt.VarianceIterations != 10 || opt.ConvergenceWindow != 15 {
		t.Errorf("variance %d, window %d", opt.VarianceIterations, opt.ConvergenceWindow)
	}
	for _, bad := range []struct{ src, key string }{
		{"[optimizer]\nlearning_rate_decay = \"linear\"\n", "optimizer.learning_rate_decay"},
		{"[optimizer]\nkind = \"sr\"\nshift_min_factor = 2.0\n", "optimizer.shift_min_factor"},
		{"[optimizer]\nmax_step_norm = -1.0\n", "optimizer.max_step_norm"},
		{"[optimizer]\nkind = \"linear\"\nvariance_iterations = 5\n", "optimizer.variance_iterations"},
		{"[optimizer]\nstop_when_converged = true\nconvergence_window = 1\n", "optimizer.convergence_window"},
		{"[optimizer]\nkind = \"linear\"\nlinear_shift_select = \"best\"\n", "optimizer.linear_shift_select"},
		{"[optimizer]\nclip_local_energy = -1.0\n", "optimizer.clip_local_energy"},
		{"[optimizer]\nclip_local_energy = 5.0\n", "optimizer.clip_local_energy"}, // not a complex RBM
		{"[optimizer]\nsampling_power = 0.0\n", "optimizer.sampling_power"},
		{"[optimizer]\nsampling_power = 0.5\n", "optimizer.sampling_power"}, // not a complex RBM
		{"[optimizer]\nsampling_min_ess = 1.0\n", "optimizer.sampling_min_ess"},
	} {
		_, err := Decode([]byte(bad.src), "bad.toml", base)
		if err == nil || !strings.Contains(err.Error(), bad.key) {
			t.Errorf("%q: error %v, want one naming %s", bad.src, err, bad.key)
		}
	}
}

// TestLinearShiftSelectKey: the linear method adapts its shift by rules
// unless correlated selection is asked for.
func TestLinearShiftSelectKey(t *testing.T) {
	for _, tc := range []struct {
		src        string
		correlated bool
	}{
		{"[optimizer]\nkind = \"linear\"\nshift = 0.1\n", false},
		{"[optimizer]\nkind = \"linear\"\nshift = 0.1\nlinear_shift_select = \"adaptive\"\n", false},
		{"[optimizer]\nkind = \"linear\"\nshift = 0.1\nlinear_shift_select = \"correlated\"\n", true},
	} {
		c, err := Decode([]byte(tc.src), "linear.toml", Defaults())
		if err != nil {
			t.Fatal(err)
		}
		switch l := c.DriverOptions(3).Linear.(type) {
		case *optim.Linear:
			if tc.correlated || l.Shift != 0.1 {
				t.Errorf("%q built %+v", tc.src, l)
			}
		case *vmc.CorrelatedShift:
			if !tc.correlated || l.Solver.(*optim.Linear).Shift != 0.1 {
				t.Errorf("%q built %+v", tc.src, l)
			}
		default:
			t.Errorf("%q built %T", tc.src, l)
		}
	}
}
