package study

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/vmcmpi/vmcmpi/internal/stricttoml"
)

// Kind selects the study a configuration describes.
type Kind string

const (
	// Regress fits one linear model, the [model] table.
	Regress Kind = "regress"
	// BMA averages the Bayesian linear models of [[models]].
	BMA Kind = "bma"
)

// Config is the configuration of a study, decoded strictly from TOML
// (configs/regress/*.toml document every key).
type Config struct {
	Seed    uint64       `toml:"seed"`
	Data    DataConfig   `toml:"data"`
	Model   ModelConfig  `toml:"model"`
	CV      CVConfig     `toml:"cv"`
	Models  []Candidate  `toml:"models"`
	BMA     BMAConfig    `toml:"bma"`
	Predict *DataConfig  `toml:"predict"`
	Output  OutputConfig `toml:"output"`

	// Kind is the study: Regress ([model] required) or BMA ([[models]]
	// required).
	Kind Kind `toml:"-"`
	// Source is the file the configuration came from, for messages and
	// for resolving relative data paths.
	Source string `toml:"-"`
}

// DataConfig is the [data] table (and the [predict] table, which adds
// new_only and level).
type DataConfig struct {
	File    string  `toml:"file"`
	Format  string  `toml:"format"` // "ame2016" | "ame2020" | "csv"
	Target  string  `toml:"target"` // "binding" | "be_per_a" | a CSV column
	Select  string  `toml:"select"` // "experimental" | "all"
	MinA    int     `toml:"min_a"`
	MaxA    int     `toml:"max_a"`
	NewOnly bool    `toml:"new_only"` // [predict] only: drop rows whose (n, z) are in the training data
	Level   float64 `toml:"level"`    // [predict] only: central predictive interval, e.g. 0.95
}

// ModelConfig is the [model] table of a Regress study.
type ModelConfig struct {
	Features    []string  `toml:"features"`
	Intercept   bool      `toml:"intercept"`
	Method      string    `toml:"method"` // "ols" | "ridge" | "lasso" | "bayes"
	Lambda      float64   `toml:"lambda"`
	Lambdas     []float64 `toml:"lambdas"`
	LambdaPath  int       `toml:"lambda_path"`
	LambdaRatio float64   `toml:"lambda_ratio"`
	Standardize bool      `toml:"standardize"`
}

// CVConfig is the [cv] table.
type CVConfig struct {
	Folds     int  `toml:"folds"`
	OneSE     bool `toml:"one_se"`
	Bootstrap int  `toml:"bootstrap"`
}

// Candidate is one [[models]] entry of a BMA study.
type Candidate struct {
	Name      string   `toml:"name"`
	Features  []string `toml:"features"`
	Intercept bool     `toml:"intercept"`
	Method    string   `toml:"method"` // "bayes"
	Prior     float64  `toml:"prior"`  // prior model probability (unnormalised); 0 means 1
}

// BMAConfig is the [bma] table.
type BMAConfig struct {
	Weights string `toml:"weights"` // "evidence" | "pseudo": which weights form the mixture
}

// OutputConfig is the [output] table.
type OutputConfig struct {
	Dir   string `toml:"dir"`
	Plots *bool  `toml:"plots"` // nil means true
}

// Defaults returns the configuration that keys left out of a file keep.
func Defaults() Config {
	return Config{
		Seed:   1,
		Data:   DataConfig{Format: "ame2016", Target: "binding"},
		Model:  ModelConfig{Method: "ols", LambdaRatio: 1e-4},
		CV:     CVConfig{Folds: 5},
		BMA:    BMAConfig{Weights: "evidence"},
		Output: OutputConfig{Dir: "out"},
	}
}

// Load reads and validates the configuration of a study of the given kind.
func Load(path string, kind Kind) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not read configuration: %w", err)
	}
	defer f.Close()
	// A configuration is a few KB; /dev/zero must not be read to the end.
	const maxBytes = 1 << 20
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("could not read configuration: %w", err)
	}
	if len(data) > maxBytes || bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%s is not a TOML configuration (larger than %d bytes, or binary)", path, maxBytes)
	}
	return Decode(data, path, kind)
}

// Decode decodes TOML strictly (unknown keys are errors) over the defaults
// and validates it; name labels messages and locates relative data files.
func Decode(data []byte, name string, kind Kind) (*Config, error) {
	cfg := Defaults()
	cfg.Kind = kind
	md, err := stricttoml.Decode(data, name, &cfg, "configs/regress/*.toml document the keys")
	if err != nil {
		return nil, err
	}
	cfg.Source = name
	if err := cfg.validate(func(t string) bool { return md.IsDefined(t) }); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &cfg, nil
}

// Validate checks a configuration built in Go (Decode has checked a
// decoded one) and fills the defaults that depend on other keys. A table
// counts as given when it differs from its default.
func (c *Config) Validate() error {
	def := Defaults()
	defined := func(table string) bool {
		switch table {
		case "model":
			return !reflect.DeepEqual(c.Model, def.Model)
		case "bma":
			return c.BMA != def.BMA
		}
		return false
	}
	if err := c.validate(defined); err != nil {
		name := c.Source
		if name == "" {
			name = "configuration"
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
