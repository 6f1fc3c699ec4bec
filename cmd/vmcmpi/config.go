package main

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// defaultConfig is the run of `vmcmpi run` without -config; its comments
// document every key.
//
//go:embed default.toml
var defaultConfig []byte

// Config is a run configuration, decoded strictly from TOML: an unknown key
// is an error naming it. Keys a file omits keep the values of Defaults.
type Config struct {
	Seed         int64              `toml:"seed"`
	System       SystemConfig       `toml:"system"`
	Wavefunction WavefunctionConfig `toml:"wavefunction"`
	Sampler      SamplerConfig      `toml:"sampler"`
	Optimizer    OptimizerConfig    `toml:"optimizer"`
	Production   ProductionConfig   `toml:"production"`
	Output       OutputConfig       `toml:"output"`

	// Source names where the configuration came from, for messages.
	Source string `toml:"-"`
}

// SystemConfig is the [system] table: particles in a trap, or a lattice.
type SystemConfig struct {
	Particles   int     `toml:"particles"`
	Dimensions  int     `toml:"dimensions"`
	Omega       float64 `toml:"omega"`
	Trap        string  `toml:"trap"`
	Gamma       float64 `toml:"gamma"`
	Interaction string  `toml:"interaction"`
	Radius      float64 `toml:"radius"`
	Model       string  `toml:"model"`
	Lattice     string  `toml:"lattice"`
	Length      int     `toml:"length"`
	PBC         bool    `toml:"pbc"`
	Coupling    float64 `toml:"coupling"`
	Field       float64 `toml:"field"`
}

// WavefunctionConfig is the [wavefunction] table.
type WavefunctionConfig struct {
	Kind        string  `toml:"kind"`
	Alpha       float64 `toml:"alpha"`
	Beta        float64 `toml:"beta"`
	Hidden      int     `toml:"hidden"`
	Sigma2      float64 `toml:"sigma2"`
	InitScale   float64 `toml:"init_scale"`
	Layers      []int   `toml:"layers"`
	Activation  string  `toml:"activation"`
	Envelope    float64 `toml:"envelope"`
	Jastrow     string  `toml:"jastrow"`
	JastrowBeta float64 `toml:"jastrow_beta"`
	Network     string  `toml:"network"`
	Features    int     `toml:"features"`
}

// SamplerConfig is the [sampler] table.
type SamplerConfig struct {
	Kind    string  `toml:"kind"`
	Walkers int     `toml:"walkers"`
	Step    float64 `toml:"step"`
	BurnIn  int     `toml:"burnin"`
	Samples int     `toml:"samples"`
	Thin    int     `toml:"thin"`
}

// OptimizerConfig is the [optimizer] table.
type OptimizerConfig struct {
	Kind         string  `toml:"kind"`
	LearningRate float64 `toml:"learning_rate"`
	Iterations   int     `toml:"iterations"`
	Momentum     float64 `toml:"momentum"`
	Shift        float64 `toml:"shift"`
	Rule         string  `toml:"rule"`
	SRSolver     string  `toml:"sr_solver"`
	CGTol        float64 `toml:"cg_tol"`
}

// ProductionConfig is the [production] table.
type ProductionConfig struct {
	Samples int `toml:"samples"`
}

// OutputConfig is the [output] table.
type OutputConfig struct {
	Dir             string `toml:"dir"`
	CheckpointEvery int    `toml:"checkpoint_every"`
	Progress        string `toml:"progress"`
	Plots           bool   `toml:"plots"`
}

// Defaults are the values of keys a configuration omits.
func Defaults() Config {
	return Config{
		Seed: 1,
		System: SystemConfig{
			Particles: 2, Dimensions: 2, Omega: 1, Trap: "harmonic", Gamma: 2.82843,
			Interaction: "none", Radius: 0.0043, Model: "continuous",
			Lattice: "chain", Length: 8, PBC: true, Coupling: 1, Field: 1,
		},
		Wavefunction: WavefunctionConfig{
			Kind: "gaussian", Alpha: 0.5, Beta: 1, Hidden: 4, Sigma2: 1, InitScale: 0.01,
			Layers: []int{8}, Activation: "tanh", Envelope: 0.5,
			Jastrow: "none", JastrowBeta: 1, Network: "none", Features: 4,
		},
		Sampler: SamplerConfig{Kind: "importance", Walkers: 4, Step: 0.5, BurnIn: 1000, Samples: 5000, Thin: 1},
		Optimizer: OptimizerConfig{
			Kind: "adam", LearningRate: 0.05, Iterations: 100, Momentum: 0.9, Shift: 0.01, Rule: "gd", SRSolver: "auto", CGTol: 1e-5,
		},
		Production: ProductionConfig{Samples: 50000},
		Output:     OutputConfig{Dir: "out", CheckpointEvery: 0, Progress: "auto", Plots: false},
	}
}

// DecodeConfig decodes TOML over base (normally Defaults()) strictly and
// validates the result; name labels the messages.
func DecodeConfig(data []byte, name string, base Config) (*Config, error) {
	cfg := base
	cfg.Wavefunction.Layers = append([]int(nil), base.Wavefunction.Layers...)
	if err := decodeStrict(data, name, &cfg); err != nil {
		return nil, err
	}
	cfg.Source = name
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// decodeStrict decodes over cfg and refuses keys the schema lacks.
func decodeStrict(data []byte, name string, cfg *Config) error {
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(cfg)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return fmt.Errorf("%s: unknown key %s (the schema is in `vmcmpi run -h` and configs/*.toml)", name, strings.Join(keys, ", "))
	}
	return nil
}

// LoadConfig reads the file (or the embedded default when path is ""),
// then applies the -set overrides in order.
func LoadConfig(path string, sets []string) (*Config, error) {
	data, name := defaultConfig, "default configuration"
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		data, name = b, path
	}
	cfg := Defaults()
	if err := decodeStrict(data, name, &cfg); err != nil {
		return nil, err
	}
	for _, s := range sets {
		if err := cfg.Set(s); err != nil {
			return nil, err
		}
	}
	cfg.Source = name
	if len(sets) > 0 {
		cfg.Source += " with -set " + strings.Join(sets, " -set ")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// Set applies one "key=value" override, for example "system.omega=0.5" or
// "seed=7". The value is TOML ("0.5", "true", "[8, 8]", "\"adam\""); a bare
// word that is not TOML is taken as a string, so sampler.kind=metropolis
// works unquoted. The key must exist in the schema.
func (c *Config) Set(kv string) error {
	key, val, ok := strings.Cut(kv, "=")
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	if !ok || key == "" {
		return fmt.Errorf("-set %q: want key=value, for example system.omega=0.5", kv)
	}
	if !knownKey(key) {
		return fmt.Errorf("-set %q: unknown key %s", kv, key)
	}
	table, leaf, nested := strings.Cut(key, ".")
	if !nested {
		table, leaf = "", key
	}
	doc := func(v string) []byte {
		if table == "" {
			return []byte(leaf + " = " + v + "\n")
		}
		return []byte("[" + table + "]\n" + leaf + " = " + v + "\n")
	}
	name := "-set " + key
	// Lists set by -set replace the whole list.
	if key == "wavefunction.layers" {
		c.Wavefunction.Layers = nil
	}
	err := decodeStrict(doc(val), name, c)
	if err != nil && val != "" && !strings.ContainsAny(val, "\"'[]{}=\n") {
		// Not TOML: a bare word is a string; if that fails too, its
		// message (a type mismatch naming the key) is the clearer one.
		err = decodeStrict(doc(fmt.Sprintf("%q", val)), name, c)
	}
	if err != nil {
		return fmt.Errorf("-set %q: %w", kv, err)
	}
	return nil
}

// knownKey reports whether key ("table.key" or a top-level key) is in the
// schema, from the struct tags.
func knownKey(key string) bool {
	t := reflect.TypeOf(Config{})
	parts := strings.Split(key, ".")
	for i, p := range parts {
		found := false
		for f := range t.NumField() {
			if tag := t.Field(f).Tag.Get("toml"); tag == p && tag != "-" {
				t = t.Field(f).Type
				found = true
				break
			}
		}
		if !found {
			return false
		}
		if i < len(parts)-1 && t.Kind() != reflect.Struct {
			return false
		}
	}
	return t.Kind() != reflect.Struct
}

// keyError is a validation failure naming the key.
func (c *Config) keyError(key string, val any, want string) error {
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

func quoteAll(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// Validate checks every key and names the first bad one.
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
			return c.keyError(f.key, f.v, "must be a finite number")
		}
	}
	type check struct {
		bad  bool
		key  string
		val  any
		want string
	}
	s, w, sm, o := c.System, c.Wavefunction, c.Sampler, c.Optimizer
	models := []string{"continuous"}
	models = append(models, latticeNames()...)
	checks := []check{
		{c.Seed < 0, "seed", c.Seed, "must be ≥ 0"},
		{!oneOf(s.Model, models...), "system.model", quote(s.Model), "want one of " + quoteAll(models)},
		{!oneOf(sm.Kind, "metropolis", "importance", "gibbs", "flip", "exchange"), "sampler.kind", quote(sm.Kind), `want "metropolis", "importance", "gibbs", "flip" or "exchange"`},
		{sm.Walkers < 1, "sampler.walkers", sm.Walkers, "need at least 1 walker per rank"},
		{!(sm.Step > 0), "sampler.step", sm.Step, "must be > 0"},
		{sm.BurnIn < 0, "sampler.burnin", sm.BurnIn, "must be ≥ 0"},
		{sm.Samples < 1, "sampler.samples", sm.Samples, "need at least 1 sample per walker and iteration"},
		{sm.Thin < 1, "sampler.thin", sm.Thin, "must be ≥ 1"},
		{!oneOf(o.Kind, "gd", "momentum", "adam", "sr"), "optimizer.kind", quote(o.Kind), `want "gd", "momentum", "adam" or "sr"`},
		{!(o.LearningRate > 0), "optimizer.learning_rate", o.LearningRate, "must be > 0"},
		{o.Iterations < 0, "optimizer.iterations", o.Iterations, "must be ≥ 0 (0 evaluates the energy only)"},
		{o.Momentum < 0 || o.Momentum >= 1, "optimizer.momentum", o.Momentum, "must be in [0, 1)"},
		{o.Shift < 0, "optimizer.shift", o.Shift, "must be ≥ 0"},
		{!oneOf(o.Rule, "gd", "adam"), "optimizer.rule", quote(o.Rule), `want "gd" or "adam"`},
		{srSolver(o.SRSolver) < 0, "optimizer.sr_solver", quote(o.SRSolver), `want "auto", "dense" or "cg"`},
		{!(o.CGTol > 0 && o.CGTol < 1), "optimizer.cg_tol", o.CGTol, "the relative residual of conjugate gradient must be in (0, 1)"},
		{c.Production.Samples < 0, "production.samples", c.Production.Samples, "must be ≥ 0"},
		{c.Production.Samples == 0 && o.Iterations == 0, "production.samples", 0, "with optimizer.iterations = 0 as well there is nothing to compute"},
		{c.Output.Dir == "", "output.dir", quote(c.Output.Dir), "must name a directory"},
		{c.Output.CheckpointEvery < 0, "output.checkpoint_every", c.Output.CheckpointEvery, "must be ≥ 0 (0: only on signals)"},
		{!oneOf(c.Output.Progress, "auto", "bar", "lines", "none"), "output.progress", quote(c.Output.Progress), `want "auto", "bar", "lines" or "none"`},
	}
	if s.Model == "continuous" {
		kinds := modelNames()
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
			check{!oneOf(sm.Kind, "metropolis", "importance", "gibbs"), "sampler.kind", quote(sm.Kind), `particles in a trap use "metropolis", "importance" or "gibbs"`},
		)
	} else {
		checks = append(checks,
			check{s.Length < 1, "system.length", s.Length, "need at least 1 site per side"},
			check{!oneOf(s.Lattice, "chain", "square"), "system.lattice", quote(s.Lattice), `want "chain" or "square"`},
		)
	}
	for _, ch := range checks {
		if ch.bad {
			return c.keyError(ch.key, ch.val, ch.want)
		}
	}
	return nil
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// srSolver maps optimizer.sr_solver to the driver's choice, −1 when the
// name is unknown.
func srSolver(name string) vmc.SRSolver {
	for _, s := range []vmc.SRSolver{vmc.SRAuto, vmc.SRDense, vmc.SRCG} {
		if s.String() == name {
			return s
		}
	}
	return -1
}

// modelBuilder makes the trial wave function of wavefunction.kind for a
// continuous system; rng (seeded from the config's seed, identical on all
// ranks) serves random initial parameters.
type modelBuilder func(cfg *Config, h *hamiltonian.Trap, rng *rand.Rand) (wavefunc.Model, error)

// latticeBuilder makes the whole System of a lattice model.
type latticeBuilder func(cfg *Config) (vmc.System, error)

var (
	modelBuilders   = map[string]modelBuilder{}
	latticeBuilders = map[string]latticeBuilder{}
)

// registerModel adds the builder of a wavefunction.kind.
func registerModel(kind string, b modelBuilder) {
	if _, dup := modelBuilders[kind]; dup {
		panic("vmcmpi: model registered twice: " + kind)
	}
	modelBuilders[kind] = b
}

// registerLattice adds the builder of a system.model other than
// "continuous".
func registerLattice(model string, b latticeBuilder) {
	if _, dup := latticeBuilders[model]; dup || model == "continuous" {
		panic("vmcmpi: lattice model registered twice: " + model)
	}
	latticeBuilders[model] = b
}

func modelNames() []string   { return sortedKeys(modelBuilders) }
func latticeNames() []string { return sortedKeys(latticeBuilders) }

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Hamiltonian is the continuous system of the [system] table.
func (c *Config) Hamiltonian() (*hamiltonian.Trap, error) {
	s := c.System
	h := &hamiltonian.Trap{
		N: s.Particles, D: s.Dimensions, Omega: s.Omega,
		Elliptical: s.Trap == "elliptical", Gamma: s.Gamma,
		Coulomb: s.Interaction == "coulomb",
		// Coulomb-interacting particles and Slater determinants are
		// electrons; the rest bosons. This only selects the exact energy.
		Fermions: s.Interaction == "coulomb" || c.Wavefunction.Kind == "slater",
	}
	if s.Interaction == "hard-sphere" {
		h.HardSphere = s.Radius
	}
	if err := h.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Source, err)
	}
	return h, nil
}
