package main

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// RegressConfig is the configuration of `vmcmpi regress` and `vmcmpi bma`,
// decoded strictly from TOML (configs/regress/*.toml document every key).
// It is separate from the run configuration of `vmcmpi run`.
type RegressConfig struct {
	Seed    uint64              `toml:"seed"`
	Data    RegressDataConfig   `toml:"data"`
	Model   RegressModelConfig  `toml:"model"`
	CV      RegressCVConfig     `toml:"cv"`
	Models  []RegressCandidate  `toml:"models"`
	BMA     RegressBMAConfig    `toml:"bma"`
	Predict *RegressDataConfig  `toml:"predict"`
	Output  RegressOutputConfig `toml:"output"`

	// Source is the file the configuration came from, for messages and
	// for resolving relative data paths.
	Source string `toml:"-"`
}

// RegressDataConfig is the [data] table (and the [predict] table, which
// adds new_only and level).
type RegressDataConfig struct {
	File    string  `toml:"file"`
	Format  string  `toml:"format"` // "ame2016" | "ame2020" | "csv"
	Target  string  `toml:"target"` // "binding" | "be_per_a" | a CSV column
	Select  string  `toml:"select"` // "experimental" | "all"
	MinA    int     `toml:"min_a"`
	MaxA    int     `toml:"max_a"`
	NewOnly bool    `toml:"new_only"` // [predict] only: drop rows whose (n, z) are in the training data
	Level   float64 `toml:"level"`    // [predict] only: central predictive interval, e.g. 0.95
}

// RegressModelConfig is the [model] table of `vmcmpi regress`.
type RegressModelConfig struct {
	Features    []string  `toml:"features"`
	Intercept   bool      `toml:"intercept"`
	Method      string    `toml:"method"` // "ols" | "ridge" | "lasso" | "bayes"
	Lambda      float64   `toml:"lambda"`
	Lambdas     []float64 `toml:"lambdas"`
	LambdaPath  int       `toml:"lambda_path"`
	LambdaRatio float64   `toml:"lambda_ratio"`
	Standardize bool      `toml:"standardize"`
}

// RegressCVConfig is the [cv] table.
type RegressCVConfig struct {
	Folds     int  `toml:"folds"`
	OneSE     bool `toml:"one_se"`
	Bootstrap int  `toml:"bootstrap"`
}

// RegressCandidate is one [[models]] entry of `vmcmpi bma`.
type RegressCandidate struct {
	Name      string   `toml:"name"`
	Features  []string `toml:"features"`
	Intercept bool     `toml:"intercept"`
	Method    string   `toml:"method"` // "bayes"
	Prior     float64  `toml:"prior"`  // prior model probability (unnormalised); 0 means 1
}

// RegressBMAConfig is the [bma] table.
type RegressBMAConfig struct {
	Weights string `toml:"weights"` // "evidence" | "pseudo": which weights form the mixture
}

// RegressOutputConfig is the [output] table.
type RegressOutputConfig struct {
	Dir   string `toml:"dir"`
	Plots *bool  `toml:"plots"`
}

func regressDefaults() RegressConfig {
	return RegressConfig{
		Seed:   1,
		Data:   RegressDataConfig{Format: "ame2016", Target: "binding"},
		Model:  RegressModelConfig{Method: "ols", LambdaRatio: 1e-4},
		CV:     RegressCVConfig{Folds: 5},
		BMA:    RegressBMAConfig{Weights: "evidence"},
		Output: RegressOutputConfig{Dir: "out"},
	}
}

// LoadRegressConfig reads and validates a regression configuration. bma
// selects the rules of `vmcmpi bma` ([[models]] required) over those of
// `vmcmpi regress` ([model] required).
func LoadRegressConfig(path string, bma bool) (*RegressConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("could not read configuration: %w", err)
	}
	return DecodeRegressConfig(data, path, bma)
}

// DecodeRegressConfig decodes TOML strictly over the defaults and
// validates it; name labels messages.
func DecodeRegressConfig(data []byte, name string, bma bool) (*RegressConfig, error) {
	cfg := regressDefaults()
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&cfg)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("%s: unknown key %s (configs/regress/*.toml document the keys)", name, strings.Join(keys, ", "))
	}
	cfg.Source = name
	if cfg.Predict != nil {
		if cfg.Predict.Format == "" {
			cfg.Predict.Format = cfg.Data.Format
		}
		if cfg.Predict.Target == "" {
			cfg.Predict.Target = cfg.Data.Target
		}
		if cfg.Predict.Level == 0 {
			cfg.Predict.Level = 0.95
		}
	}
	if err := cfg.validate(md, bma); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &cfg, nil
}

func (c *RegressConfig) validate(md toml.MetaData, bma bool) error {
	if err := c.Data.validate("data", false); err != nil {
		return err
	}
	if c.Predict != nil {
		if err := c.Predict.validate("predict", true); err != nil {
			return err
		}
	}
	if c.CV.Folds < 2 && c.CV.Folds != 0 || c.CV.Folds > 1000 {
		return fmt.Errorf("cv.folds = %d: want 2..1000 (or 0 for no cross-validation)", c.CV.Folds)
	}
	if c.CV.Bootstrap < 0 || c.CV.Bootstrap == 1 {
		return fmt.Errorf("cv.bootstrap = %d: want 0 (none) or at least 2 replicates", c.CV.Bootstrap)
	}
	if c.CV.Bootstrap > 0 && c.CV.Folds == 0 {
		return errors.New("cv.bootstrap needs cv.folds ≥ 2 (replicates resample groups of rows within folds)")
	}
	if c.Output.Dir == "" {
		return errors.New("output.dir is empty")
	}
	if bma {
		if md.IsDefined("model") {
			return errors.New("[model] belongs to `vmcmpi regress`; `vmcmpi bma` takes [[models]] candidates")
		}
		if len(c.Models) < 1 {
			return errors.New("no [[models]] candidates (want at least one, each with name and features)")
		}
		if c.CV.Folds == 0 && c.BMA.Weights == "pseudo" {
			return errors.New(`bma.weights = "pseudo" needs cv.folds ≥ 2`)
		}
		if c.BMA.Weights != "evidence" && c.BMA.Weights != "pseudo" {
			return fmt.Errorf(`bma.weights = %q: want "evidence" or "pseudo"`, c.BMA.Weights)
		}
		seen := map[string]bool{}
		for i := range c.Models {
			m := &c.Models[i]
			where := fmt.Sprintf("models[%d]", i)
			if m.Name == "" {
				return fmt.Errorf("%s.name is empty", where)
			}
			if seen[m.Name] {
				return fmt.Errorf("%s.name %q is used twice", where, m.Name)
			}
			seen[m.Name] = true
			if m.Method == "" {
				m.Method = "bayes"
			}
			if m.Method != "bayes" {
				return fmt.Errorf(`%s.method = %q: BMA candidates are Bayesian linear models, want "bayes"`, where, m.Method)
			}
			if m.Prior < 0 || math.IsNaN(m.Prior) || math.IsInf(m.Prior, 0) {
				return fmt.Errorf("%s.prior = %v: want ≥ 0 (0 means 1)", where, m.Prior)
			}
			if err := checkFeatures(m.Features, m.Intercept, where+".features"); err != nil {
				return err
			}
		}
		return nil
	}
	if len(c.Models) > 0 || md.IsDefined("bma") {
		return errors.New("[[models]] and [bma] belong to `vmcmpi bma`")
	}
	m := &c.Model
	if err := checkFeatures(m.Features, m.Intercept, "model.features"); err != nil {
		return err
	}
	switch m.Method {
	case "ols", "bayes":
		if m.Lambda != 0 || len(m.Lambdas) > 0 || m.LambdaPath > 0 {
			return fmt.Errorf("model.method = %q takes no lambda, lambdas or lambda_path", m.Method)
		}
	case "ridge", "lasso":
	default:
		return fmt.Errorf(`model.method = %q: want "ols", "ridge", "lasso" or "bayes"`, m.Method)
	}
	if m.Lambda < 0 || math.IsNaN(m.Lambda) || math.IsInf(m.Lambda, 0) {
		return fmt.Errorf("model.lambda = %v: want finite ≥ 0", m.Lambda)
	}
	for i, l := range m.Lambdas {
		if l < 0 || math.IsNaN(l) || math.IsInf(l, 0) {
			return fmt.Errorf("model.lambdas[%d] = %v: want finite ≥ 0", i, l)
		}
	}
	if len(m.Lambdas) > 0 && m.LambdaPath > 0 {
		return errors.New("give model.lambdas or model.lambda_path, not both")
	}
	if m.LambdaPath < 0 || m.LambdaPath == 1 {
		return fmt.Errorf("model.lambda_path = %d: want 0 (none) or at least 2 values", m.LambdaPath)
	}
	if m.LambdaPath > 0 && m.Method != "lasso" {
		return errors.New("model.lambda_path (a path down from λ_max) is for method = \"lasso\"; give model.lambdas for ridge")
	}
	if !(m.LambdaRatio > 0 && m.LambdaRatio < 1) {
		return fmt.Errorf("model.lambda_ratio = %v: want in (0, 1)", m.LambdaRatio)
	}
	if (len(m.Lambdas) > 1 || m.LambdaPath > 0) && c.CV.Folds == 0 {
		return errors.New("choosing λ from model.lambdas or model.lambda_path needs cv.folds ≥ 2")
	}
	return nil
}

func (d *RegressDataConfig) validate(table string, predict bool) error {
	if d.File == "" {
		return fmt.Errorf("%s.file is empty (want the path of an AME mass table or a CSV file)", table)
	}
	switch d.Format {
	case "ame2016", "ame2020":
		if d.Target != "binding" && d.Target != "be_per_a" {
			return fmt.Errorf(`%s.target = %q: for AME tables want "binding" (B = A·BE/A, MeV) or "be_per_a" (MeV)`, table, d.Target)
		}
	case "csv":
		if d.Target == "" {
			return fmt.Errorf("%s.target is empty (want the name of a CSV column)", table)
		}
	default:
		return fmt.Errorf(`%s.format = %q: want "ame2016", "ame2020" or "csv"`, table, d.Format)
	}
	if d.Select == "" {
		// AME tables flag estimated values; a CSV file has no such column
		// unless the user made one.
		d.Select = "all"
		if d.Format != "csv" {
			d.Select = "experimental"
		}
	}
	if d.Select != "experimental" && d.Select != "all" {
		return fmt.Errorf(`%s.select = %q: want "experimental" or "all"`, table, d.Select)
	}
	if d.MinA < 0 || d.MaxA < 0 || (d.MaxA > 0 && d.MaxA < d.MinA) {
		return fmt.Errorf("%s.min_a = %d, max_a = %d: want 0 ≤ min_a ≤ max_a (max_a 0: no limit)", table, d.MinA, d.MaxA)
	}
	if !predict && (d.NewOnly || d.Level != 0) {
		return fmt.Errorf("%s.new_only and %s.level belong to [predict]", table, table)
	}
	if predict && !(d.Level > 0 && d.Level < 1) {
		return fmt.Errorf("%s.level = %v: want in (0, 1)", table, d.Level)
	}
	return nil
}

func checkFeatures(fs []string, intercept bool, where string) error {
	if len(fs) == 0 && !intercept {
		return fmt.Errorf("%s is empty", where)
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if strings.TrimSpace(f) == "" {
			return fmt.Errorf("%s has an empty name", where)
		}
		if f == "intercept" || f == "1" {
			return fmt.Errorf("%s lists %q: set intercept = true instead (the intercept is never penalised)", where, f)
		}
		if seen[f] {
			return fmt.Errorf("%s lists %q twice", where, f)
		}
		seen[f] = true
	}
	return nil
}
