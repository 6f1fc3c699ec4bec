package config

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/vmcmpi/vmcmpi/internal/stricttoml"
)

// defaultTOML is the configuration Load reads when given no file (a copy
// of configs/dot2-rbm-pade-sr.toml); its comments document every key.
//
//go:embed default.toml
var defaultTOML []byte

// DefaultTOML returns the text of the embedded default configuration.
func DefaultTOML() []byte { return bytes.Clone(defaultTOML) }

// Config is a run configuration, decoded strictly from TOML: an unknown key
// is an error naming it. Keys a file omits keep the values of Defaults.
type Config struct {
	Seed         int64              `toml:"seed"`
	System       SystemConfig       `toml:"system"`
	Wavefunction WavefunctionConfig `toml:"wavefunction"`
	Sampler      SamplerConfig      `toml:"sampler"`
	Optimizer    OptimizerConfig    `toml:"optimizer"`
	Production   ProductionConfig   `toml:"production"`
	GFMC         GFMCConfig         `toml:"gfmc"`
	Observables  ObservablesConfig  `toml:"observables"`
	Output       OutputConfig       `toml:"output"`

	// Source names where the configuration came from, for messages.
	Source string `toml:"-"`

	// explicit holds the keys the file or Set defined, for Warnings.
	explicit map[string]bool
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
	J2          float64 `toml:"j2"`
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
	Backflow    string  `toml:"backflow"`
	Symmetry    string  `toml:"symmetry"`
	Project     string  `toml:"project"`
	PairProduct string  `toml:"pair_product"`
}

// SamplerConfig is the [sampler] table.
type SamplerConfig struct {
	Kind    string  `toml:"kind"`
	Walkers int     `toml:"walkers"`
	Step    float64 `toml:"step"`
	BurnIn  int     `toml:"burnin"`
	Samples int     `toml:"samples"`
	Thin    int     `toml:"thin"`
	// DriftLimit is the constant a of importance sampling's drift limit;
	// unset means SamplerDriftLimit's choice by wave function.
	DriftLimit *float64 `toml:"drift_limit"`
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
	// Refinements, all off by default (optimizer_stages.go).
	RelativeShift         float64 `toml:"relative_shift"`
	LearningRateDecay     string  `toml:"learning_rate_decay"`
	LearningRateDecayRate float64 `toml:"learning_rate_decay_rate"`
	LearningRateMinFactor float64 `toml:"learning_rate_min_factor"`
	ShiftDecay            string  `toml:"shift_decay"`
	ShiftDecayRate        float64 `toml:"shift_decay_rate"`
	ShiftMinFactor        float64 `toml:"shift_min_factor"`
	MaxStepNorm           float64 `toml:"max_step_norm"`
	VarianceIterations    int     `toml:"variance_iterations"`
	StopWhenConverged     bool    `toml:"stop_when_converged"`
	ConvergenceWindow     int     `toml:"convergence_window"`
	LinearShiftSelect     string  `toml:"linear_shift_select"`
	ClipLocalEnergy       float64 `toml:"clip_local_energy"`
	SamplingPower         float64 `toml:"sampling_power"`
	SamplingMinESS        float64 `toml:"sampling_min_ess"`
}

// ProductionConfig is the [production] table.
type ProductionConfig struct {
	Samples int `toml:"samples"`
	// LanczosSamples > 0 adds one Lanczos step after production, sampled
	// with that many samples per walker (spin lattices).
	LanczosSamples int `toml:"lanczos_samples"`
}

// GFMCConfig is the [gfmc] table: a Green's-function Monte Carlo
// projection of the optimised trial state after production (spin
// lattices, real trial states; vmc.Lattice.GFMC). Steps = 0: none.
type GFMCConfig struct {
	Steps       int     `toml:"steps"`
	Walkers     int     `toml:"walkers"`
	Tau         float64 `toml:"tau"`
	Project     int     `toml:"project"`
	Equilibrate int     `toml:"equilibrate"`
}

// ObservablesConfig is the [observables] table: what production measures
// besides the energy. The energy split (kinetic, trap, interaction and the
// virial residual) is always on for particles in a trap; Measure adds
// "r2", "radial_density" (error bars on density.csv), "pair_correlation"
// and "density_map" for particles, "magnetization", "correlation_zz",
// "spin_correlation" and "structure_factor" for lattices.
type ObservablesConfig struct {
	Measure []string `toml:"measure"`
	// Bins of the pair-correlation histogram; MapBins per axis of the
	// density map.
	Bins    int `toml:"bins"`
	MapBins int `toml:"map_bins"`
	// RMax is the histograms' range in bohr; unset means 5/√ω (the pair
	// correlation twice that).
	RMax *float64 `toml:"r_max"`
	// Errors gives every histogram bin a blocking error bar.
	Errors bool `toml:"errors"`
}

// OutputConfig is the [output] table.
type OutputConfig struct {
	Dir             string `toml:"dir"`
	CheckpointEvery int    `toml:"checkpoint_every"`
	Progress        string `toml:"progress"`
	// ProgressEvery is the time between two progress lines in a log, in
	// seconds (the bar on a terminal redraws several times a second).
	ProgressEvery float64 `toml:"progress_every"`
	Plots         bool    `toml:"plots"`
	// Reference is an energy to measure the run against (|E − E_ref| in
	// the plots, result.json's "reference"); unset means the system's
	// exact energy when it has one.
	Reference *float64 `toml:"reference"`
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
			Kind: "gaussian", Alpha: 0.5, Beta: 1, Hidden: 4, Sigma2: 0, InitScale: 0.01,
			Layers: []int{8}, Activation: "tanh", Envelope: FollowTrap,
			Jastrow: "none", JastrowBeta: 1, Network: "none", Features: 4, Backflow: "none",
			Symmetry: "translations", Project: "none", PairProduct: "none",
		},
		Sampler: SamplerConfig{Kind: "importance", Walkers: 4, Step: 0, BurnIn: 1000, Samples: 5000, Thin: 1},
		Optimizer: OptimizerConfig{
			Kind: "adam", LearningRate: 0, Iterations: 100, Momentum: 0.9, Shift: 0.01, Rule: "gd", SRSolver: "auto", CGTol: 1e-5,
			LearningRateDecay: "none", ShiftDecay: "none", ConvergenceWindow: 20, SamplingPower: 1, SamplingMinESS: 0.1,
			LinearShiftSelect: "adaptive",
		},
		Production:  ProductionConfig{Samples: 50000},
		GFMC:        GFMCConfig{Walkers: 50, Tau: 0.1, Project: 20, Equilibrate: 50},
		Observables: ObservablesConfig{Bins: 60, MapBins: 40, Errors: true},
		Output:      OutputConfig{Dir: "out", CheckpointEvery: 0, Progress: "auto", ProgressEvery: 5, Plots: false},
	}
}

// FollowTrap is the default of wavefunction.envelope: the FFNN's Gaussian
// envelope takes the trap's ω (0 already means "no envelope").
const FollowTrap = -1

// Keys whose defaults follow the trap frequency ω, so that changing
// system.omega alone gives a run at the right length scale: lengths scale
// as the oscillator length 1/√ω, and a fixed value right for ω = 1 is a
// non-variational constraint elsewhere (σ² = 1 is the exact width only at
// ω = 1). Each returns the configured value when one was given.

// RBMSigma2 is wavefunction.sigma2, or when it is 0 (the default) the
// width of the non-interacting ground state: 1/ω, and 1/(2ω) for the
// Ψ = √F variant that Gibbs sampling needs.
func (c *Config) RBMSigma2() float64 {
	if v := c.Wavefunction.Sigma2; v != 0 {
		return v
	}
	if c.Sampler.Kind == "gibbs" {
		return 1 / (2 * c.System.Omega)
	}
	return 1 / c.System.Omega
}

// FFNNEnvelope is wavefunction.envelope, or ω when it is FollowTrap (the
// default): the non-interacting Gaussian exp(−ω|x|²/2).
func (c *Config) FFNNEnvelope() float64 {
	if v := c.Wavefunction.Envelope; v != FollowTrap {
		return v
	}
	return c.System.Omega
}

// SamplerStep is sampler.step, or when it is 0 (the default) a step that
// scales with the oscillator length ℓ = 1/√ω: a Metropolis box of ℓ, an
// importance-sampling time step Δt = 0.2ℓ² (the diffusion length √Δt is
// then 0.45ℓ, acceptance ≈ 0.95 for the trap's Gaussian).
func (c *Config) SamplerStep() float64 {
	if v := c.Sampler.Step; v != 0 {
		return v
	}
	if c.Sampler.Kind == "metropolis" {
		return 1 / math.Sqrt(c.System.Omega)
	}
	return 0.2 / c.System.Omega
}

// SamplerDriftLimit is sampler.drift_limit, or when it is unset 1 for
// Slater determinants and 0 (no limit) for the other wave functions. A
// determinant has nodes, where the unlimited Langevin drift diverges and a
// walker that starts near one stays there (sampler.Settings.DriftLimit);
// the nodeless wave functions keep the unlimited drift and their numbers.
func (c *Config) SamplerDriftLimit() float64 {
	if v := c.Sampler.DriftLimit; v != nil {
		return *v
	}
	if c.Wavefunction.Kind == "slater" {
		return 1
	}
	return 0
}

// LearningRate is optimizer.learning_rate, or when it is 0 (the default)
// 0.05 for the plain rules, 1 for the linear method, and for SR an imaginary-time step that follows
// the system's energy scale: SR moves Ψ like exp(−ητH) with η·(energy) the
// relevant product, and the energies of a trap scale with ω, so η = 0.1/ω
// takes as many iterations at ω = 0.1 as η = 0.1 at ω = 1 (a fixed η
// leaves the ω = 0.1 dot 0.3 % high after 100 iterations). Lattices have
// no ω: 0.1.
func (c *Config) LearningRate() float64 {
	if v := c.Optimizer.LearningRate; v != 0 {
		return v
	}
	switch c.Optimizer.Kind {
	case "linear":
		return 1 // the linear method's step is a full step
	case "sr":
	default:
		return 0.05
	}
	if c.System.Model == "continuous" {
		return 0.1 / c.System.Omega
	}
	return 0.1
}

// Decode decodes TOML over base (normally Defaults()) strictly and
// validates the result; name labels the messages.
func Decode(data []byte, name string, base Config) (*Config, error) {
	cfg := base
	cfg.Wavefunction.Layers = append([]int(nil), base.Wavefunction.Layers...)
	cfg.explicit = nil
	cfg.Observables.Measure = append([]string(nil), base.Observables.Measure...)
	if err := decodeStrict(data, name, &cfg); err != nil {
		return nil, err
	}
	cfg.Source = name
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// schemaHint tells where every key is documented.
const schemaHint = "`vmcmpi config` prints every key with its default"

// decodeStrict decodes over cfg and refuses keys the schema lacks, naming
// the known keys nearest to each unknown one.
func decodeStrict(data []byte, name string, cfg *Config) error {
	md, err := stricttoml.Decode(data, name, cfg, schemaHint)
	// stricttoml reports unknown keys only after a clean decode; then
	// its message is replaced by one with suggestions.
	if und := md.Undecoded(); err != nil && len(und) > 0 && strings.Contains(err.Error(), ": unknown key ") {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String() + didYouMean(k.String())
		}
		sort.Strings(keys)
		return fmt.Errorf("%s: unknown key %s; %s", name, strings.Join(keys, ", "), schemaHint)
	}
	if err == nil {
		cfg.markExplicit(md)
	}
	// "measure = []" and no measure at all are the same configuration
	// (and must flatten alike for resume).
	if len(cfg.Observables.Measure) == 0 {
		cfg.Observables.Measure = nil
	}
	return err
}

// Load reads the file at path (or the embedded default when path is ""),
// applies the overrides sets ("key=value", see Set) in order, and
// validates the result.
func Load(path string, sets []string) (*Config, error) {
	data, name := defaultTOML, "default configuration"
	if path != "" {
		b, err := readConfigFile(path)
		if err != nil {
			return nil, err
		}
		data, name = b, path
	}
	cfg := Defaults()
	if err := decodeStrict(data, name, &cfg); err != nil {
		return nil, err
	}
	if path != "" && len(cfg.explicit) == 0 {
		// Keys a file omits take Defaults(), which differ from the
		// embedded default; a file without keys is a mistake either way.
		return nil, fmt.Errorf("%s sets no keys: omit -config to run the embedded default, or list the keys to set (%s)", path, schemaHint)
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

// MaxConfigBytes bounds a configuration file: the largest example is a
// few KB, and /dev/zero must not be read to the end.
const MaxConfigBytes = 1 << 20

// readConfigFile reads at most MaxConfigBytes of a text file.
func readConfigFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	if len(b) > MaxConfigBytes {
		return nil, fmt.Errorf("config: %s is larger than %d bytes: not a configuration", path, MaxConfigBytes)
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return nil, fmt.Errorf("config: %s holds a NUL byte at offset %d: not a TOML text file", path, i)
	}
	return b, nil
}

// Set applies one "key=value" override, for example "system.omega=0.5" or
// "seed=7". The value is TOML ("0.5", "true", "[8, 8]", "\"adam\""); a bare
// word that is not TOML is taken as a string, so sampler.kind=metropolis
// works unquoted. The key must exist in the schema. Set does not validate:
// call Validate after the last override.
func (c *Config) Set(kv string) error {
	key, val, ok := strings.Cut(kv, "=")
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	if !ok || key == "" {
		return fmt.Errorf("-set %q: want key=value, for example system.omega=0.5", kv)
	}
	if i := strings.IndexFunc(kv, unicode.IsControl); i >= 0 {
		// A newline would let a value smuggle in other keys.
		return fmt.Errorf("-set %q: control character %U at byte %d; a value is one line of TOML", kv, []rune(kv[i:])[0], i)
	}
	if !knownKey(key) {
		return fmt.Errorf("-set %q: unknown key %s%s; %s", kv, key, didYouMean(key), schemaHint)
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
	switch key {
	case "wavefunction.layers":
		c.Wavefunction.Layers = nil
	case "observables.measure":
		c.Observables.Measure = nil
	}
	err := decodeStrict(doc(val), name, c)
	var probe map[string]any
	if err != nil && val != "" && !strings.ContainsAny(val, "\"'[]{}=\n") && toml.Unmarshal(doc(val), &probe) != nil {
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

// Flatten lists the configuration as "table.key" → value, the form a
// checkpoint stores and compares on resume.
func (c *Config) Flatten() (map[string]string, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var tree map[string]any
	if _, err := toml.Decode(buf.String(), &tree); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, sub := range m {
				if prefix != "" {
					k = prefix + "." + k
				}
				walk(k, sub)
			}
			return
		}
		switch x := v.(type) {
		case float64:
			out[prefix] = strconv.FormatFloat(x, 'g', -1, 64)
		case string:
			out[prefix] = strconv.Quote(x)
		default:
			out[prefix] = fmt.Sprint(x)
		}
	}
	walk("", tree)
	return out, nil
}

// ResumeMayDiffer reports whether a resumed run may change key: output
// settings do not alter the numbers, optimizer.iterations and
// production.samples extend a run (the driver refuses fewer than those
// already done; see Job.Resume), and production.lanczos_samples and the
// [gfmc] keys add or redo the Lanczos step and the projection, which run
// after production and are not checkpointed.
func ResumeMayDiffer(key string) bool {
	return strings.HasPrefix(key, "output.") || key == "optimizer.iterations" || key == "production.samples" ||
		key == "production.lanczos_samples" || strings.HasPrefix(key, "gfmc.")
}

// defaultFlat is Defaults() flattened, for AtDefault.
var defaultFlat = sync.OnceValue(func() map[string]string {
	d := Defaults()
	flat, err := d.Flatten()
	if err != nil {
		return nil
	}
	return flat
})

// addedKeys are the keys added to the schema after checkpoints were first
// written, each defaulting to what the program did before it existed. A
// key added to the schema is added here too (TestAddedKeysInSchema checks
// the names).
var addedKeys = map[string]bool{
	"optimizer.relative_shift": true, "optimizer.max_step_norm": true,
	"optimizer.learning_rate_decay": true, "optimizer.learning_rate_decay_rate": true, "optimizer.learning_rate_min_factor": true,
	"optimizer.shift_decay": true, "optimizer.shift_decay_rate": true, "optimizer.shift_min_factor": true,
	"optimizer.variance_iterations": true, "optimizer.stop_when_converged": true, "optimizer.convergence_window": true,
	"optimizer.linear_shift_select": true, "system.j2": true, "wavefunction.symmetry": true,
	"wavefunction.project":        true,
	"optimizer.clip_local_energy": true,
	"optimizer.sampling_power":    true, "optimizer.sampling_min_ess": true,
}

// AtDefault reports whether key was added to the schema after checkpoints
// were first written and value is its default: a checkpoint from before
// then lacks the key and still resumes when the run leaves it there.
func AtDefault(key, value string) bool {
	v, ok := defaultFlat()[key]
	return ok && addedKeys[key] && v == value
}
