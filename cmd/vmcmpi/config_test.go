package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configFiles are the run configurations shipped in configs/ (top level
// only: configs/regress/ has a schema of its own).
func configFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("..", "..", "configs", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no configs/*.toml found")
	}
	return files
}

// Every shipped configuration decodes strictly and validates, and builds
// its system, so the examples never rot.
func TestConfigsDecodeStrictly(t *testing.T) {
	for _, f := range configFiles(t) {
		cfg, err := LoadConfig(f, nil)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if _, err := buildSystem(cfg); err != nil {
			t.Errorf("%s: building the system: %v", f, err)
		}
	}
}

func TestDefaultConfig(t *testing.T) {
	cfg, err := LoadConfig("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.System.Particles != 2 || cfg.System.Dimensions != 2 || cfg.System.Interaction != "coulomb" ||
		cfg.Wavefunction.Kind != "rbm" || cfg.Wavefunction.Jastrow != "pade" || cfg.Optimizer.Kind != "sr" {
		t.Errorf("default: %d particles in %d dimensions, %s, %s × %s, %s", cfg.System.Particles, cfg.System.Dimensions,
			cfg.System.Interaction, cfg.Wavefunction.Kind, cfg.Wavefunction.Jastrow, cfg.Optimizer.Kind)
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "run.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Bad input gives an error naming the file and the key.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string // substrings of the error
	}{
		{"[system]\nparticles = 2\nparticle = 3\n", []string{"unknown key", "system.particle"}},
		{"sead = 1\n", []string{"unknown key", "sead"}},
		{"[sytem]\nparticles = 2\n", []string{"unknown key", "sytem"}},
		{"[system]\nparticles = 0\n", []string{"system.particles", "at least 1"}},
		{"[system]\nparticles = -3\n", []string{"system.particles"}},
		{"[system]\ndimensions = 4\n", []string{"system.dimensions", "1, 2 or 3"}},
		{"[system]\ndimensions = 0\n", []string{"system.dimensions"}},
		{"[sampler]\nstep = 0\n", []string{"sampler.step", "> 0"}},
		{"[sampler]\nstep = -0.5\n", []string{"sampler.step"}},
		{"[system]\nomega = nan\n", []string{"system.omega", "finite"}},
		{"[wavefunction]\nalpha = inf\n", []string{"wavefunction.alpha", "finite"}},
		{"[system]\nomega = 0\n", []string{"system.omega"}},
		{"[system]\ntrap = \"elliptical\"\ndimensions = 2\n", []string{"system.trap", "dimensions = 3"}},
		{"[system]\ninteraction = \"hard-sphere\"\nradius = 0\n", []string{"system.radius"}},
		{"[system]\ninteraction = \"yukawa\"\n", []string{"system.interaction"}},
		{"[sampler]\nwalkers = 0\n", []string{"sampler.walkers"}},
		{"[sampler]\nkind = \"heatbath\"\n", []string{"sampler.kind"}},
		{"[sampler]\nthin = 0\n", []string{"sampler.thin"}},
		{"[optimizer]\nkind = \"bfgs\"\n", []string{"optimizer.kind"}},
		{"[optimizer]\niterations = -1\n", []string{"optimizer.iterations"}},
		{"[optimizer]\nsr_solver = \"lu\"\n", []string{"optimizer.sr_solver", `"auto", "dense" or "cg"`}},
		{"[optimizer]\ncg_tol = 0\n", []string{"optimizer.cg_tol", "(0, 1)"}},
		{"[wavefunction]\nkind = \"tensor-network\"\n", []string{"wavefunction.kind"}},
		{"seed = -1\n", []string{"seed"}},
		{"[system]\nparticles = \"two\"\n", []string{"particles"}},
		{"[system]\nparticles = 2\n[system\n", []string{"line ", "table name"}},
	} {
		p := writeConfig(t, tc.text)
		_, err := LoadConfig(p, nil)
		wantError(t, fmt.Sprintf("%q", tc.text), err, append(tc.want, p)...)
	}
}

// wantError reports unless err is non-nil and mentions every string of
// want (the file, key or line a user needs to find the mistake).
func wantError(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: accepted", what)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error %q does not mention %q", what, err, w)
		}
	}
}

// Hard spheres too large to place without overlap: an error naming
// system.radius when the walkers are made.
func TestOverlappingSpheres(t *testing.T) {
	cfg, err := LoadConfig("", []string{"system.interaction=hard-sphere", "system.radius=5", "system.particles=20", "system.dimensions=1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = prepareRun(newSerial(), cfg)
	if err == nil || !strings.Contains(err.Error(), "system.radius") {
		t.Errorf("error %v, want one naming system.radius", err)
	}
}

func TestSet(t *testing.T) {
	cfg, err := LoadConfig("", []string{"system.omega=0.5", "sampler.kind=metropolis", "seed=42",
		"wavefunction.layers=[3, 4]", "output.plots=true", `optimizer.kind="adam"`})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.System.Omega != 0.5 || cfg.Sampler.Kind != "metropolis" || cfg.Seed != 42 ||
		len(cfg.Wavefunction.Layers) != 2 || cfg.Wavefunction.Layers[1] != 4 || !cfg.Output.Plots || cfg.Optimizer.Kind != "adam" {
		t.Errorf("overrides not applied: %+v", cfg)
	}
	if !strings.Contains(cfg.Source, "-set system.omega=0.5") {
		t.Errorf("source %q does not record the overrides", cfg.Source)
	}
	for _, tc := range []struct{ set, want string }{
		{"system.omegaa=1", "unknown key system.omegaa"},
		{"system=1", "unknown key system"},
		{"omega=1", "unknown key omega"},
		{"system.omega", "key=value"},
		{"system.particles=abc", "particles"},
		{"system.omega=nan", "system.omega"},
		{"system.dimensions=7", "system.dimensions"},
	} {
		_, err := LoadConfig("", []string{tc.set})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("-set %s: error %v, want one mentioning %q", tc.set, err, tc.want)
		}
	}
}

// FuzzConfig decodes arbitrary documents: never a panic, and anything
// accepted is valid and builds (or refuses with an error) without panic.
func FuzzConfig(f *testing.F) {
	for _, p := range configFiles(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(defaultConfig)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := DecodeConfig(data, "fuzz.toml", Defaults())
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error message")
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("accepted configuration fails validation: %v", err)
		}
		for _, v := range []float64{cfg.System.Omega, cfg.Sampler.Step, cfg.Wavefunction.Alpha} {
			if math.IsNaN(v) {
				t.Error("NaN accepted")
			}
		}
		// Building must not panic for any valid configuration small
		// enough to build quickly.
		// (Lattice builders may diagonalise exactly, so only short chains.)
		small := cfg.System.Particles <= 20 && cfg.Wavefunction.Hidden <= 64 && len(cfg.Wavefunction.Layers) <= 4 &&
			(cfg.System.Model == "continuous" || cfg.System.Length <= 6)
		for _, l := range cfg.Wavefunction.Layers {
			small = small && l <= 64
		}
		if small {
			_, _ = buildSystem(cfg)
		}
	})
}
