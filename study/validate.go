package study

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// validate checks the configuration and fills the defaults that depend on
// other keys; defined reports whether a table was given.
func (c *Config) validate(defined func(table string) bool) error {
	if c.Kind != Regress && c.Kind != BMA {
		return fmt.Errorf("kind %q: want %q or %q", c.Kind, Regress, BMA)
	}
	if c.Predict != nil {
		if c.Predict.Format == "" {
			c.Predict.Format = c.Data.Format
		}
		if c.Predict.Target == "" {
			c.Predict.Target = c.Data.Target
		}
		if c.Predict.Level == 0 {
			c.Predict.Level = 0.95
		}
	}
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
	if c.Kind == BMA {
		if defined("model") {
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
	if len(c.Models) > 0 || defined("bma") {
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

func (d *DataConfig) validate(table string, predict bool) error {
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
