package generative

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigs decodes every example configuration strictly.
func TestConfigs(t *testing.T) {
	files, _ := filepath.Glob("../configs/ising/*.toml")
	if len(files) < 3 {
		t.Fatalf("found %d configurations", len(files))
	}
	for _, f := range files {
		if _, err := LoadConfig(f); err != nil {
			t.Error(err)
		}
	}
	c, err := LoadConfig("../configs/ising/ising-8.toml")
	if err != nil {
		t.Fatal(err)
	}
	if ts := c.Temps(); len(ts) != 16 || ts[0] != 3.5 || ts[15] != 1 || ts[1] != 1+2.5*14/15.0 || !c.RBM.WarmStart {
		t.Errorf("temperatures %v", ts)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"[model]\nlenght = 4\n", "unknown key model.lenght"},
		{"[model]\nkind = \"xy\"\n", "model.kind"},
		{"[model]\ntemperatures = [1.0]\nn_t = 3\n", "not both"},
		{"[model]\nkind = \"potts\"\nq = 1\nn_t = 2\nt_min = 1.0\nt_max = 2.0\n", "model.q: 1: want 2 ≤ q ≤ 127"},
		{"[model]\nkind = \"ising\"\nq = 3\nn_t = 2\nt_min = 1.0\nt_max = 2.0\n", "model.q: 3: the Ising model has q = 2"},
		{"[model]\nkind = \"potts\"\nq = 3\nn_t = 2\nt_min = 1.0\nt_max = 2.0\n[rbm]\nfirst_epochs = -5\n", "rbm.first_epochs: -5"},
		{"[model]\nkind = \"potts\"\nn_t = 2\nt_min = 1.0\nt_max = 2.0\n[rbm]\nq = 3\n", "unknown key rbm.q"},
		{"[model]\nn_t = 2\nt_min = 1.0\nt_max = 2.0\n[rbm]\noptimizer = \"lbfgs\"\n", "rbm.optimizer"},
		{"[model]\nn_t = 2\nt_min = 1.0\nt_max = 2.0\n[rbm]\nk_average = -3\n", "rbm.k_average: -3"},
		{"[model]\nn_t = 2\nt_min = 0.0\nt_max = 2.0\n", "temperature 1 is 0"},
	} {
		_, err := ParseConfig("x.toml", c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "x.toml") {
			t.Errorf("%q: %v, want x.toml: … %s", c.text, err, c.want)
		}
	}
}

// TestConfigSet: -set overrides replace values, switch between the two forms
// of the temperatures, take bare words as strings and name bad keys.
func TestConfigSet(t *testing.T) {
	c, err := LoadConfig("../configs/ising/ising-8.toml", "rbm.epochs=7", "model.temperatures=[2.0, 2.5]", "rbm.optimizer=sgd", "rbm.warm_start=true")
	if err != nil {
		t.Fatal(err)
	}
	if c.RBM.Epochs != 7 || len(c.Temps()) != 2 || c.Temps()[1] != 2.5 || c.RBM.Optimizer != "sgd" || !c.RBM.WarmStart {
		t.Errorf("overrides not applied: %+v %v", c.RBM, c.Temps())
	}
	if !strings.HasSuffix(c.Source, "with -set rbm.epochs=7 -set model.temperatures=[2.0, 2.5] -set rbm.optimizer=sgd -set rbm.warm_start=true") {
		t.Errorf("source %q", c.Source)
	}
	c, err = ParseConfig("x.toml", "[model]\ntemperatures = [1.0]\n", "model.n_t=3", "model.t_min=1.0", "model.t_max=2.0")
	if err != nil || len(c.Temps()) != 3 {
		t.Errorf("range over a list: %v %v", err, c)
	}
	for _, c := range []struct{ set, want string }{
		{"rbm.epoch=3", "unknown key rbm.epoch"},
		{"epochs=3", "want section.key=value"},
		{"rbm.epochs=many", "rbm.epochs"},
		{"rbm.epochs=-1", "rbm.epochs: -1: want at least 0"},
		{"model.temperatures=[2.0, 0.0]", "temperature 2 is 0"},
	} {
		_, err := LoadConfig("../configs/ising/ising-8.toml", c.set)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("-set %s: %v, want … %s", c.set, err, c.want)
		}
	}
}

// TestConfigMeasure: the separate Monte Carlo reference is refused with read
// data and with negative or too few measurements.
func TestConfigMeasure(t *testing.T) {
	for _, c := range []struct{ set, want string }{
		{"mc.measure_every=-1", "mc.measure_every: -1: want at least 0"},
		{"mc.measure_sweeps=-5", "mc.measure_sweeps: -5: want at least 0"},
		{"mc.measure_every=200000", "fewer than two measurements"},
	} {
		_, err := LoadConfig("../configs/ising/ising-4-small.toml", c.set)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("-set %s: %v, want … %s", c.set, err, c.want)
		}
	}
	_, err := LoadConfig("../configs/ising/ising-4-small.toml", "mc.measure_every=1", "mc.data_dir=out/x/data")
	if err == nil || !strings.Contains(err.Error(), "not with mc.data_dir") {
		t.Errorf("measure_every with data_dir: %v", err)
	}
}

// TestConfigLowT: the low-temperature settings apply at and below model.low_t
// only, and are refused without it.
func TestConfigLowT(t *testing.T) {
	c, err := LoadConfig("../configs/ising/ising-8.toml", "model.low_t=1.2", "mc.low_t_samples=40000", "rbm.low_t_epochs=125")
	if err != nil {
		t.Fatal(err)
	}
	for ti, T := range c.Temps() {
		samples, epochs, avg := c.MC.Samples, c.RBM.Epochs, c.RBM.AverageFrom
		if T <= 1.2 {
			samples, epochs, avg = 40000, 125, c.RBM.AverageFrom*125/c.RBM.Epochs
		}
		if e, a := c.epochsAt(ti); c.samplesAt(ti) != samples || e != epochs || a != avg {
			t.Errorf("T = %v: %d samples, %d epochs averaged from %d; want %d, %d, %d", T, c.samplesAt(ti), e, a, samples, epochs, avg)
		}
	}
	if c.maxSamples() != 40000 {
		t.Errorf("maxSamples %d", c.maxSamples())
	}
	for _, sets := range [][]string{{"mc.low_t_samples=40000"}, {"rbm.low_t_epochs=10"}, {"model.low_t=-1"}, {"model.low_t=1.2", "mc.low_t_samples=1"},
		{"model.low_t=1.2", "mc.low_t_samples=-2"}, {"model.low_t=1.2", "mc.low_t_samples=20", "mc.data_dir=x"}} {
		if _, err := LoadConfig("../configs/ising/ising-4-small.toml", sets...); err == nil || !strings.Contains(err.Error(), "low_t") {
			t.Errorf("%v: %v", sets, err)
		}
	}
}
