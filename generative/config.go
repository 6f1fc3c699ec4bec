package generative

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/vmcmpi/vmcmpi/classical"
)

// Config describes a study: Monte Carlo data at a list of temperatures, an
// RBM trained on each, and its evaluation. LoadConfig fills the defaults
// shown in configs/ising/ising-8.toml before decoding.
type Config struct {
	Source string       `toml:"-"` // file the configuration came from
	Model  ModelConfig  `toml:"model"`
	MC     MCConfig     `toml:"mc"`
	RBM    RBMConfig    `toml:"rbm"`
	Eval   EvalConfig   `toml:"eval"`
	Output OutputConfig `toml:"output"`
}

// ModelConfig is the spin model and its temperatures: either an explicit
// list or n_t values evenly spaced from t_min to t_max.
type ModelConfig struct {
	Kind   string `toml:"kind"` // "ising" or "potts"
	Length int    `toml:"length"`
	// Q is the number of Potts states (0 means 3; the Ising model has 2).
	Q            int       `toml:"q,omitempty"`
	Temperatures []float64 `toml:"temperatures"`
	TMin         float64   `toml:"t_min"`
	TMax         float64   `toml:"t_max"`
	NT           int       `toml:"n_t"`
	// LowT > 0: the temperatures at or below it store mc.low_t_samples
	// configurations and train for rbm.low_t_epochs epochs. There the
	// excitations are rare (at L = 8, T = 1 about 0.02 flipped spins per
	// configuration), so the data's C_v and χ are noisy and the gradient
	// that sets the excitation rate is weak.
	LowT float64 `toml:"low_t,omitempty"`
}

// MCConfig configures the training-data generator (classical.Options).
type MCConfig struct {
	Algorithm  string `toml:"algorithm"`
	Thermalize int    `toml:"thermalize"`
	Samples    int    `toml:"samples"`
	Every      int    `toml:"every"`
	Seed       uint64 `toml:"seed"`
	// DataDir, when set, reads the configurations of temperature T from
	// DataDir/T<T>.txt (as the study writes them) instead of generating them.
	DataDir string `toml:"data_dir"`
	// MeasureEvery > 0 measures the Monte Carlo reference (E, |M|, C_v, χ)
	// every this many sweeps instead of on the stored configurations only,
	// and MeasureSweeps > 0 continues the chain that many sweeps after the
	// last stored configuration, measured too (classical.Options). Neither
	// changes the training data; the stored configurations' own observables
	// are then reported as well (Point.Data).
	MeasureEvery  int `toml:"measure_every,omitempty"`
	MeasureSweeps int `toml:"measure_sweeps,omitempty"`
	// LowTSamples > 0 replaces Samples at the temperatures ≤ model.low_t.
	LowTSamples int `toml:"low_t_samples,omitempty"`
}

// RBMConfig configures training (TrainOptions); hidden = 0 skips it.
type RBMConfig struct {
	Hidden int `toml:"hidden"`
	K      int `toml:"k"`
	// KAverage > 0: Gibbs steps per update of the PCD chains from
	// average_from on (TrainOptions.KAverage).
	KAverage   int  `toml:"k_average,omitempty"`
	Persistent bool `toml:"persistent"`
	Chains     int  `toml:"chains"`
	Batch      int  `toml:"batch"`
	Epochs     int  `toml:"epochs"`
	// FirstEpochs > 0 trains the first temperature for this many epochs
	// instead of Epochs, averaging from AverageFrom·FirstEpochs/Epochs: in a
	// warm-started sequence it is the one machine trained from scratch.
	FirstEpochs int `toml:"first_epochs,omitempty"`
	// LowTEpochs > 0 trains the temperatures ≤ model.low_t (but a first
	// temperature with FirstEpochs) for this many epochs, averaging from
	// AverageFrom·LowTEpochs/Epochs.
	LowTEpochs   int     `toml:"low_t_epochs,omitempty"`
	Optimizer    string  `toml:"optimizer"`
	LearningRate float64 `toml:"learning_rate"`
	// LearningRateEnd > 0 anneals the rate geometrically to this value over
	// the epochs; AverageFrom > 0 evaluates the mean parameters from that
	// epoch on (the last iterate when it is not below Epochs, as in a shortened
	// run); ChainsFromData starts the PCD chains at data rows; WarmStart
	// starts each temperature from the machine of the one before; Centered
	// follows the centred gradient (TrainOptions.Centered).
	LearningRateEnd float64 `toml:"learning_rate_end"`
	AverageFrom     int     `toml:"average_from"`
	ChainsFromData  bool    `toml:"chains_from_data"`
	WarmStart       bool    `toml:"warm_start"`
	Centered        bool    `toml:"centered"`
	Flip            bool    `toml:"flip"` // global spin flips in the PCD chains (TrainOptions.Flip)
	WeightDecay     float64 `toml:"weight_decay"`
	InitScale       float64 `toml:"init_scale"`
	// InitCouplings starts the cold-started machine from the data's
	// Gaussian couplings (TrainOptions.InitCouplings; hidden = sites).
	InitCouplings bool   `toml:"init_couplings,omitempty"`
	Seed          uint64 `toml:"seed"`
}

// EvalConfig configures the evaluation of each trained RBM.
type EvalConfig struct {
	Chains  int    `toml:"chains"`
	BurnIn  int    `toml:"burn_in"`
	Samples int    `toml:"samples"`
	Every   int    `toml:"every"`
	Seed    uint64 `toml:"seed"`
	Flip    bool   `toml:"flip"` // global spin-flip moves (SampleOptions.Flip)
	// OrderedStarts starts half the chains ordered (SampleOptions.OrderedStarts).
	OrderedStarts bool `toml:"ordered_starts,omitempty"`
	// ExactMaxUnits: the exact log-likelihood is computed when the smaller
	// layer has at most this many units (0: never).
	ExactMaxUnits int `toml:"exact_max_units"`
	AISSteps      int `toml:"ais_steps"`
	AISRuns       int `toml:"ais_runs"` // 0: no AIS
}

// OutputConfig says where results go and bounds memory.
type OutputConfig struct {
	Dir             string `toml:"dir"`
	CheckpointEvery int    `toml:"checkpoint_every"` // epochs; 0: only after each temperature
	MaxMemoryMiB    int64  `toml:"max_memory_mib"`
}

// DefaultConfig returns the defaults that LoadConfig starts from.
func DefaultConfig() Config {
	return Config{
		Model: ModelConfig{Kind: "ising", Length: 8},
		MC:    MCConfig{Algorithm: "auto", Thermalize: 2000, Samples: 10000, Every: 10, Seed: 1},
		RBM: RBMConfig{Hidden: 64, K: 10, Persistent: true, Chains: 100, Batch: 100, Epochs: 100,
			Optimizer: "adam", LearningRate: 1e-3, WeightDecay: 1e-4, InitScale: 0.01, Seed: 2},
		Eval:   EvalConfig{Chains: 16, BurnIn: 1000, Samples: 2000, Every: 5, Seed: 3, ExactMaxUnits: 20, AISSteps: 1000, AISRuns: 0},
		Output: OutputConfig{Dir: "out/ising", CheckpointEvery: 10, MaxMemoryMiB: 1024},
	}
}

// LoadConfig decodes the TOML file at path strictly (an unknown key is an
// error naming it) over the defaults, applies the overrides sets
// ("section.key=value", as `vmcmpi ising -set`) in order and validates the
// result.
func LoadConfig(path string, sets ...string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, string(b), sets...)
}

// ParseConfig is LoadConfig on text already read; name labels errors.
func ParseConfig(name, text string, sets ...string) (*Config, error) {
	cfg := DefaultConfig()
	if err := decodeStrict(name, text, &cfg); err != nil {
		return nil, err
	}
	for _, kv := range sets {
		if err := cfg.Set(kv); err != nil {
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

// decodeStrict decodes text over cfg; a key cfg lacks is an error.
func decodeStrict(name, text string, cfg *Config) error {
	md, err := toml.Decode(text, cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		keys := make([]string, len(un))
		for i, k := range un {
			keys[i] = k.String()
		}
		return fmt.Errorf("%s: unknown key %s", name, strings.Join(keys, ", "))
	}
	return nil
}

// Set applies one override "section.key=value", the value in TOML (a bare
// word is taken as a string). Setting model.temperatures clears the
// t_min/t_max/n_t range and setting one of those clears the list, so that
// either form of the file can be switched to the other.
func (c *Config) Set(kv string) error {
	key, val, ok := strings.Cut(kv, "=")
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	table, leaf, dotted := strings.Cut(key, ".")
	if !ok || !dotted || table == "" || leaf == "" {
		return fmt.Errorf("-set %q: want section.key=value, for example rbm.epochs=50", kv)
	}
	if strings.ContainsAny(kv, "\n\r") {
		return fmt.Errorf("-set %q: a value is one line of TOML", kv)
	}
	doc := func(v string) string { return "[" + table + "]\n" + leaf + " = " + v + "\n" }
	probe := *c
	probe.Model.Temperatures = slices.Clone(c.Model.Temperatures)
	switch key {
	case "model.temperatures":
		probe.Model.Temperatures, probe.Model.TMin, probe.Model.TMax, probe.Model.NT = nil, 0, 0, 0
	case "model.t_min", "model.t_max", "model.n_t":
		probe.Model.Temperatures = nil
	}
	name := "-set " + key
	err := decodeStrict(name, doc(val), &probe)
	if err != nil && val != "" && !strings.ContainsAny(val, "\"'[]{}=") {
		// A bare word: try it as a string.
		probe2 := probe
		if decodeStrict(name, doc(strconv.Quote(val)), &probe2) == nil {
			probe, err = probe2, nil
		}
	}
	if err != nil {
		return fmt.Errorf("-set %q: %w", kv, err)
	}
	*c = probe
	return nil
}

// keyError names the file and the key of a bad value.
func (c *Config) keyError(key string, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", c.Source, key, fmt.Sprintf(format, args...))
}

// SpinModel is the classical model of model.kind.
func (c *Config) SpinModel() classical.Model {
	if c.Model.Kind == "potts" {
		if c.Model.Q == 0 {
			return classical.Potts3
		}
		return classical.Model{Q: c.Model.Q}
	}
	return classical.Ising
}

// visibleQ is the one-hot group size of the RBM's visible layer (RBM.Q):
// 0 (binary units) for Ising, q for Potts.
func (c *Config) visibleQ() int {
	if c.Model.Kind == "potts" {
		return c.SpinModel().Q
	}
	return 0
}

// epochsAt is the number of training epochs and the averaging start at
// temperature index ti.
func (c *Config) epochsAt(ti int) (epochs, averageFrom int) {
	r := c.RBM
	scaled := func(e int) (int, int) {
		if r.Epochs == 0 {
			return e, 0
		}
		return e, r.AverageFrom * e / r.Epochs
	}
	switch {
	case ti == 0 && r.FirstEpochs > 0:
		return scaled(r.FirstEpochs)
	case c.lowT(ti) && r.LowTEpochs > 0:
		return scaled(r.LowTEpochs)
	}
	return r.Epochs, r.AverageFrom
}

// lowT reports whether temperature index ti is at or below model.low_t.
func (c *Config) lowT(ti int) bool {
	return c.Model.LowT > 0 && c.Temps()[ti] <= c.Model.LowT
}

// samplesAt is the number of stored configurations at temperature index ti.
func (c *Config) samplesAt(ti int) int {
	if c.lowT(ti) && c.MC.LowTSamples > 0 {
		return c.MC.LowTSamples
	}
	return c.MC.Samples
}

// maxSamples is the largest number of stored configurations of any
// temperature.
func (c *Config) maxSamples() int {
	s := c.MC.Samples
	for ti := range c.Temps() {
		s = max(s, c.samplesAt(ti))
	}
	return s
}

// separateReference reports whether the Monte Carlo reference is measured on
// more than the stored configurations.
func (c *Config) separateReference() bool {
	return c.MC.MeasureEvery > 0 || c.MC.MeasureSweeps > 0
}

// measurements is the length of the Monte Carlo reference series of a
// temperature that stores samples configurations.
func (c *Config) measurements(samples int) int64 {
	every := c.MC.MeasureEvery
	if every == 0 {
		every = c.MC.Every
	}
	if every < 1 {
		return 0
	}
	return (int64(samples)*int64(c.MC.Every) + int64(c.MC.MeasureSweeps)) / int64(every)
}

// Temps is the list of temperatures.
func (c *Config) Temps() []float64 {
	if len(c.Model.Temperatures) > 0 {
		return c.Model.Temperatures
	}
	t := make([]float64, c.Model.NT)
	for i := range t {
		if c.Model.NT == 1 {
			t[i] = c.Model.TMin
			continue
		}
		t[i] = c.Model.TMin + (c.Model.TMax-c.Model.TMin)*float64(i)/float64(c.Model.NT-1)
	}
	return t
}

// MemoryBytes estimates the memory of one temperature of the study on one
// rank: the stored configurations (bytes, plus their float64 shard and series),
// the Monte Carlo chain and the RBM training state.
func (c *Config) MemoryBytes() int64 {
	n := int64(c.Model.Length) * int64(c.Model.Length)
	s := int64(c.maxSamples())
	b := s*n*9 + 16*s + classical.MemoryBytes(c.Model.Length)
	if c.separateReference() {
		b += 16 * c.measurements(int(s))
	}
	if c.RBM.Hidden > 0 {
		nv := n * int64(max(1, c.visibleQ()))
		b += MemoryBytes(int(nv), c.RBM.Hidden, c.RBM.Chains) + 16*int64(c.Eval.Chains)*int64(c.Eval.Samples)
	}
	return b
}

// Validate checks every value and the memory bound.
func (c *Config) Validate() error {
	m := c.Model
	switch m.Kind {
	case "ising", "potts":
	default:
		return c.keyError("model.kind", "%q: want \"ising\" or \"potts\"", m.Kind)
	}
	switch {
	case m.Kind == "ising" && m.Q != 0 && m.Q != 2:
		return c.keyError("model.q", "%d: the Ising model has q = 2 (use model.kind = \"potts\" for more states)", m.Q)
	case m.Kind == "potts" && m.Q != 0 && (m.Q < 2 || m.Q > 127):
		return c.keyError("model.q", "%d: want 2 ≤ q ≤ 127 Potts states (0 means 3)", m.Q)
	}
	if m.Length < 2 || m.Length > 1<<15 {
		return c.keyError("model.length", "%d: want 2 ≤ L ≤ 32768", m.Length)
	}
	if len(m.Temperatures) > 0 && (m.NT != 0 || m.TMin != 0 || m.TMax != 0) {
		return c.keyError("model.temperatures", "give either temperatures or t_min, t_max, n_t, not both")
	}
	if len(m.Temperatures) == 0 {
		if m.NT < 1 {
			return c.keyError("model.n_t", "%d: want at least one temperature (or model.temperatures)", m.NT)
		}
		if m.NT > 1 && !(m.TMax > m.TMin) {
			return c.keyError("model.t_max", "%v: want above t_min = %v", m.TMax, m.TMin)
		}
	}
	for i, T := range c.Temps() {
		if !(T > 0) || math.IsInf(T, 0) {
			return c.keyError("model.temperatures", "temperature %d is %v: want a finite T > 0", i+1, T)
		}
	}
	switch classical.Algorithm(c.MC.Algorithm) {
	case classical.Metropolis, classical.Wolff, classical.Auto:
	default:
		return c.keyError("mc.algorithm", "%q: want \"metropolis\", \"wolff\" or \"auto\"", c.MC.Algorithm)
	}
	for _, kv := range []struct {
		key string
		v   int
		min int
	}{
		{"mc.thermalize", c.MC.Thermalize, 0}, {"mc.samples", c.MC.Samples, 2}, {"mc.every", c.MC.Every, 1},
		{"mc.measure_every", c.MC.MeasureEvery, 0}, {"mc.measure_sweeps", c.MC.MeasureSweeps, 0}, {"mc.low_t_samples", c.MC.LowTSamples, 0},
		{"rbm.hidden", c.RBM.Hidden, 0}, {"rbm.k", c.RBM.K, 1}, {"rbm.k_average", c.RBM.KAverage, 0}, {"rbm.chains", c.RBM.Chains, 1},
		{"rbm.batch", c.RBM.Batch, 1}, {"rbm.epochs", c.RBM.Epochs, 0}, {"rbm.average_from", c.RBM.AverageFrom, 0},
		{"rbm.first_epochs", c.RBM.FirstEpochs, 0}, {"rbm.low_t_epochs", c.RBM.LowTEpochs, 0},
		{"eval.chains", c.Eval.Chains, 1}, {"eval.burn_in", c.Eval.BurnIn, 0}, {"eval.samples", c.Eval.Samples, 2},
		{"eval.every", c.Eval.Every, 1}, {"eval.exact_max_units", c.Eval.ExactMaxUnits, 0},
		{"eval.ais_steps", c.Eval.AISSteps, 1}, {"eval.ais_runs", c.Eval.AISRuns, 0},
		{"output.checkpoint_every", c.Output.CheckpointEvery, 0},
	} {
		if kv.v < kv.min {
			return c.keyError(kv.key, "%d: want at least %d", kv.v, kv.min)
		}
	}
	if c.separateReference() && c.MC.DataDir != "" {
		return c.keyError("mc.measure_every", "mc.measure_every and mc.measure_sweeps measure the generating chain: not with mc.data_dir = %q", c.MC.DataDir)
	}
	if c.separateReference() && c.measurements(c.MC.Samples) < 2 {
		return c.keyError("mc.measure_every", "%d: fewer than two measurements in %d sweeps", c.MC.MeasureEvery, int64(c.MC.Samples)*int64(c.MC.Every)+int64(c.MC.MeasureSweeps))
	}
	if !(m.LowT >= 0) || math.IsInf(m.LowT, 0) {
		return c.keyError("model.low_t", "%v: want a finite temperature ≥ 0 (0: none)", m.LowT)
	}
	if m.LowT == 0 && (c.MC.LowTSamples != 0 || c.RBM.LowTEpochs != 0) {
		return c.keyError("model.low_t", "0 with mc.low_t_samples = %d, rbm.low_t_epochs = %d: set the temperature they apply below", c.MC.LowTSamples, c.RBM.LowTEpochs)
	}
	if c.MC.LowTSamples == 1 {
		return c.keyError("mc.low_t_samples", "1: want 0 (mc.samples) or at least 2")
	}
	if c.MC.LowTSamples != 0 && c.MC.DataDir != "" {
		return c.keyError("mc.low_t_samples", "%d: the data are read from mc.data_dir = %q", c.MC.LowTSamples, c.MC.DataDir)
	}
	if c.Eval.AISRuns == 1 {
		return c.keyError("eval.ais_runs", "1: want 0 (no AIS) or at least 2 runs")
	}
	if c.Eval.ExactMaxUnits > MaxExactUnits {
		return c.keyError("eval.exact_max_units", "%d: want at most %d", c.Eval.ExactMaxUnits, MaxExactUnits)
	}
	if c.RBM.InitCouplings && (c.visibleQ() != 0 || c.RBM.Hidden != c.Model.Length*c.Model.Length) {
		return c.keyError("rbm.init_couplings", "true with %d hidden units on %d %s sites: want an Ising model with as many hidden units as sites", c.RBM.Hidden, c.Model.Length*c.Model.Length, c.Model.Kind)
	}
	if c.RBM.Optimizer != "adam" && c.RBM.Optimizer != "sgd" {
		return c.keyError("rbm.optimizer", "%q: want \"adam\" or \"sgd\"", c.RBM.Optimizer)
	}
	for _, kv := range []struct {
		key string
		v   float64
	}{{"rbm.learning_rate", c.RBM.LearningRate}, {"rbm.learning_rate_end", c.RBM.LearningRateEnd}, {"rbm.weight_decay", c.RBM.WeightDecay}, {"rbm.init_scale", c.RBM.InitScale}} {
		if !(kv.v >= 0) || math.IsInf(kv.v, 0) {
			return c.keyError(kv.key, "%v: want a finite value ≥ 0", kv.v)
		}
	}
	if !(c.RBM.LearningRate > 0) {
		return c.keyError("rbm.learning_rate", "%v: want > 0", c.RBM.LearningRate)
	}
	if c.Output.Dir == "" {
		return c.keyError("output.dir", "empty: want a directory")
	}
	if c.Output.MaxMemoryMiB <= 0 {
		return c.keyError("output.max_memory_mib", "%d: want a positive limit", c.Output.MaxMemoryMiB)
	}
	if need := c.MemoryBytes(); need > c.Output.MaxMemoryMiB<<20 {
		return fmt.Errorf("%s: L = %d with %d samples and %d hidden units needs about %d MiB, above output.max_memory_mib = %d",
			c.Source, c.Model.Length, c.maxSamples(), c.RBM.Hidden, (need+1<<20-1)>>20, c.Output.MaxMemoryMiB)
	}
	return nil
}

// flat lists the settings that change the numbers, "section.key" → value,
// for checkpoint compatibility (output settings excluded).
func (c *Config) flat() (map[string]string, error) {
	cc := *c
	cc.Output = OutputConfig{}
	var sb strings.Builder
	if err := toml.NewEncoder(&sb).Encode(cc); err != nil {
		return nil, err
	}
	var tree map[string]any
	if _, err := toml.Decode(sb.String(), &tree); err != nil {
		return nil, err
	}
	out := map[string]string{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if sub, ok := m[k].(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = fmt.Sprint(m[k])
		}
	}
	walk("", tree)
	return out, nil
}
