package config

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

// configFiles are the run configurations shipped in configs/ (top level
// only: configs/regress/ has a schema of its own).
func configFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("..", "configs", "*.toml"))
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
		cfg, err := Load(f, nil)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if _, err := cfg.BuildSystem(); err != nil {
			t.Errorf("%s: building the system: %v", f, err)
		}
	}
}

func TestDefaultConfig(t *testing.T) {
	cfg, err := Load("", nil)
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
		{"[sampler]\nstep = -0.1\n", []string{"sampler.step", "> 0"}},
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
		{"[optimizer]\nsr_solver = \"lu\"\n", []string{"optimizer.sr_solver", `"auto", "dense", "cg" or "minsr"`}},
		{"[optimizer]\ncg_tol = 0\n", []string{"optimizer.cg_tol", "(0, 1)"}},
		{"[wavefunction]\nkind = \"tensor-network\"\n", []string{"wavefunction.kind"}},
		{"seed = -1\n", []string{"seed"}},
		{"[system]\nparticles = \"two\"\n", []string{"particles"}},
		{"[system]\nparticles = 2\n[system\n", []string{"line ", "table name"}},
	} {
		p := writeConfig(t, tc.text)
		_, err := Load(p, nil)
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
	cfg, err := Load("", []string{"system.interaction=hard-sphere", "system.radius=5", "system.particles=20", "system.dimensions=1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(comm.NewSerial(), cfg)
	if err == nil || !strings.Contains(err.Error(), "system.radius") {
		t.Errorf("error %v, want one naming system.radius", err)
	}
}

func TestSet(t *testing.T) {
	cfg, err := Load("", []string{"system.omega=0.5", "sampler.kind=metropolis", "seed=42",
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
		_, err := Load("", []string{tc.set})
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
	f.Add(defaultTOML)
	// Sizes far beyond any machine: the estimate must refuse them.
	for _, big := range []string{
		"[system]\nparticles = 100000\n",
		"[wavefunction]\nkind = \"rbm\"\nhidden = 1000000000\n",
		"[sampler]\nwalkers = 1000000\n",
		"[system]\nmodel = \"heisenberg\"\nlength = 1000000000\n[wavefunction]\nkind = \"rbm-spin\"\n[sampler]\nkind = \"exchange\"\n",
		"[system]\nparticles = 2\n[wavefunction]\nkind = \"ffnn\"\nlayers = [4, 100000, 100000, 1]\n",
		"[optimizer]\nkind = \"sr\"\nsr_solver = \"dense\"\n[wavefunction]\nkind = \"rbm\"\nhidden = 100000\n",
	} {
		f.Add([]byte(big))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Decode(data, "fuzz.toml", Defaults())
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
		// Every accepted configuration has a memory estimate; one within
		// the budget must build without panicking and allocate no more
		// than its estimate allows, any other must be refused by
		// CheckMemory before a byte is allocated. (Lattice builders may
		// diagonalise exactly: only short ones, for time.)
		need, _ := cfg.MemoryEstimate()
		if math.IsNaN(need) || need < 0 {
			t.Fatalf("memory estimate %g", need)
		}
		const budget = 64 << 20
		if need > budget {
			if err := cfg.CheckMemory(1, budget, "fuzz budget"); err == nil {
				t.Errorf("estimate %g > budget %d, not refused", need, budget)
			}
			return
		}
		if cfg.System.Model != "continuous" && cfg.System.Length > 12 {
			return
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = cfg.BuildSystem()
		runtime.ReadMemStats(&after)
		if got := float64(after.TotalAlloc - before.TotalAlloc); got > 2*need+64<<20 {
			t.Errorf("building allocated %.3g bytes, estimate %.3g", got, need)
		}
	})
}

func TestFlatten(t *testing.T) {
	cfg := Defaults()
	flat, err := cfg.Flatten()
	if err != nil {
		t.Fatal(err)
	}
	if flat["system.omega"] != "1" || flat["sampler.kind"] != `"importance"` || flat["seed"] != "1" {
		t.Fatalf("flattened defaults: omega %q, sampler.kind %q, seed %q", flat["system.omega"], flat["sampler.kind"], flat["seed"])
	}
	cfg.System.Omega = 0.5
	flat2, err := cfg.Flatten()
	if err != nil {
		t.Fatal(err)
	}
	if flat2["system.omega"] != "0.5" || len(flat2) != len(flat) {
		t.Fatalf("after omega = 0.5: %q, %d keys vs %d", flat2["system.omega"], len(flat2), len(flat))
	}
	if !ResumeMayDiffer("output.dir") || ResumeMayDiffer("system.omega") {
		t.Error("ResumeMayDiffer: only [output] keys may change on resume")
	}
}

// The table of kinds is the one source of the allowed values: a kind
// missing from it is refused naming every kind it holds, and every kind
// it holds passes validation.
func TestKindsTable(t *testing.T) {
	for _, tc := range []struct {
		sets []string
		key  string
		want string
	}{
		{[]string{"system.model=ising"}, "system.model", `want one of "continuous", "heisenberg", "tfim"`},
		{[]string{"wavefunction.kind=mps"}, "wavefunction.kind", `want one of "ffnn", "gaussian", "rbm", "slater"`},
		{[]string{"sampler.kind=hmc"}, "sampler.kind", `want "metropolis", "importance", "gibbs", "flip" or "exchange"`},
		{[]string{"sampler.kind=flip"}, "sampler.kind", `particles in a trap use "metropolis", "importance" or "gibbs"`},
	} {
		_, err := Load("", tc.sets)
		wantError(t, fmt.Sprint(tc.sets), err, tc.key, tc.want)
	}
	for _, m := range systemModels {
		if _, err := Load("", []string{"system.model=" + m.name}); err != nil {
			t.Errorf("system.model %q from the table refused: %v", m.name, err)
		}
	}
	for _, k := range wavefunctionKinds {
		if k.continuous == nil {
			continue
		}
		if _, err := Load("", []string{"wavefunction.kind=" + k.name}); err != nil {
			t.Errorf("wavefunction.kind %q from the table refused: %v", k.name, err)
		}
	}
	spin := "../configs/tfim-chain10.toml"
	_, err := Load(spin, []string{"wavefunction.kind=gaussian"})
	if err == nil {
		cfg, _ := Load(spin, []string{"wavefunction.kind=gaussian"})
		_, err = cfg.BuildSystem()
	}
	wantError(t, "gaussian on a lattice", err, "wavefunction.kind", `spin lattices use "rbm-spin", "rbm-spin-sym" or "rbm-spin-complex"`)
	cfg, err := Load(spin, []string{"sampler.kind=gibbs"})
	if err == nil {
		_, err = cfg.BuildSystem()
	}
	wantError(t, "gibbs on a lattice", err, "sampler.kind", `spin lattices use "flip" or "exchange"`)
}

// A stored listing from before a key existed resumes with that key at its
// default, and only then.
func TestFromFlatAddedKeyAtDefault(t *testing.T) {
	d := Defaults()
	flat, err := d.Flatten()
	if err != nil {
		t.Fatal(err)
	}
	if !AtDefault("optimizer.max_step_norm", flat["optimizer.max_step_norm"]) || AtDefault("optimizer.max_step_norm", "2") {
		t.Fatal("AtDefault does not tell the default from another value")
	}
	delete(flat, "optimizer.max_step_norm")
	delete(flat, "wavefunction.symmetry")
	if _, err := FromFlat(flat, "old.bin"); err != nil {
		t.Fatalf("listing without keys added since: %v", err)
	}
}

func TestAddedKeysInSchema(t *testing.T) {
	known := map[string]bool{}
	for _, k := range schema() {
		known[k.Key] = true
	}
	for k := range addedKeys {
		if !known[k] {
			t.Errorf("addedKeys lists %s, which the schema lacks", k)
		}
	}
}
