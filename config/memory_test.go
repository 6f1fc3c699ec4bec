package config

import (
	"fmt"
	"strings"
	"testing"
)

// The memory bombs of a bad day are refused from arithmetic, naming what
// they need and what there is; every shipped configuration fits in 1 GiB.
func TestCheckMemory(t *testing.T) {
	for _, sets := range [][]string{
		{"system.particles=100000"},
		{"wavefunction.hidden=1000000000"},
		{"sampler.walkers=1000000"},
		{"system.model=\"heisenberg\"", "wavefunction.kind=\"rbm-spin\"", "sampler.kind=\"exchange\"", "system.length=1000000000"},
		{"system.model=\"heisenberg\"", "wavefunction.kind=\"rbm-spin\"", "sampler.kind=\"exchange\"", "system.length=10000000"},
		{"wavefunction.kind=\"ffnn\"", "wavefunction.layers=[4,100000,100000,1]", "wavefunction.jastrow=\"none\""},
	} {
		cfg, err := Load("", sets)
		if err != nil {
			t.Fatalf("%v: %v", sets, err)
		}
		const avail = 16 << 30
		err = cfg.CheckMemory(1, avail, "a test budget")
		if err == nil {
			need, what := cfg.MemoryEstimate()
			t.Errorf("%v: estimate %g (%s) accepted", sets, need, what)
			continue
		}
		if !strings.Contains(err.Error(), "16.0 GiB are available (a test budget)") || !strings.Contains(err.Error(), "needs at least") {
			t.Errorf("%v: message lacks the numbers: %v", sets, err)
		}
	}
	for _, p := range configFiles(t) {
		cfg, err := Load(p, nil)
		if err != nil {
			continue // regression configs and the like
		}
		if err := cfg.CheckMemory(1, 1<<30, "1 GiB"); err != nil {
			t.Errorf("%s refused: %v", p, err)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for _, c := range []struct {
		n    float64
		want string
	}{{512, "512.0 B"}, {1536, "1.5 KiB"}, {16 << 30, "16.0 GiB"}} {
		if got := FormatBytes(c.n); got != c.want {
			t.Errorf("FormatBytes(%g) = %q, want %q", c.n, got, c.want)
		}
	}
	if s := FormatBytes(1e300); !strings.Contains(s, "EiB") {
		t.Errorf("FormatBytes(1e300) = %q", s)
	}
}

// Set refuses control characters (a newline would inject keys) and names
// the type a value really has.
func TestSetInputChecks(t *testing.T) {
	cfg := Defaults()
	if err := cfg.Set("system.omega=1\nparticles = 5"); err == nil || !strings.Contains(err.Error(), "control character") {
		t.Errorf("newline: %v", err)
	}
	if cfg.System.Particles != 2 {
		t.Errorf("particles = %d after a refused -set", cfg.System.Particles)
	}
	err := cfg.Set("system.particles=2.5")
	if err == nil || strings.Contains(err.Error(), "type string") || !strings.Contains(err.Error(), "float") {
		t.Errorf("2.5 into an integer: %v", err)
	}
	if err := cfg.Set("sampler.kind=metropolis"); err != nil || cfg.Sampler.Kind != "metropolis" {
		t.Errorf("bare word: %v", err)
	}
}

// Load reads through a size limit and refuses a file without keys.
func TestLoadLimits(t *testing.T) {
	if _, err := Load("/dev/zero", nil); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("/dev/zero: %v", err)
	}
	if _, err := Load("/dev/null", nil); err == nil || !strings.Contains(err.Error(), "sets no keys") {
		t.Errorf("/dev/null: %v", err)
	}
}

// A checkpoint's flat configuration gives back the same configuration.
func TestFromFlat(t *testing.T) {
	for _, sets := range [][]string{nil, {"wavefunction.kind=\"ffnn\"", "wavefunction.layers=[4,8,1]", "observables.measure=[\"r2\"]", "observables.r_max=3.5"}} {
		cfg, err := Load("", sets)
		if err != nil {
			t.Fatal(err)
		}
		flat, err := cfg.Flatten()
		if err != nil {
			t.Fatal(err)
		}
		got, err := FromFlat(flat, "test")
		if err != nil {
			t.Fatalf("%v: %v", sets, err)
		}
		again, _ := got.Flatten()
		if fmt.Sprint(again) != fmt.Sprint(flat) {
			t.Errorf("%v: %v, want %v", sets, again, flat)
		}
	}
}
