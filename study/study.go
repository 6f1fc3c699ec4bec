package study

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/dataset"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// predictor gives the predictive mean and variance of one design row.
type predictor func(x []float64) (mean, variance float64)

// fitted is what a study predicts with: a predictor, and for a model
// average the mixture's own interval (nil: Gaussian intervals).
type fitted struct {
	predict  predictor
	interval func(level float64, x []float64) (lo, hi float64)
}

// Run runs the study on every rank of c and returns the same result on
// each. Every rank reads the data files; each sums the sufficient
// statistics of its share of the rows (regress.Layout.Owner), one
// all-reduce combines them, and every rank solves the same small problems.
// The result does not depend on the number of ranks. Run first checks cfg
// with Validate, which may fill defaults: validate a Config shared by
// in-process ranks before starting them (Load and Decode have).
func Run(c comm.Comm, cfg *Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	union := featureUnion(cfg)
	// Loading may fail on one rank only (a file missing on one node): the
	// rank still joins the all-reduce, with a failure flag, so that no
	// rank waits for it forever.
	train, design, pred, pdesign, loadErr := load(cfg, union)
	layout := regress.Layout{P: len(union), Folds: max(cfg.CV.Folds, 1), Seed: cfg.Seed}
	buf := reduce.New()
	acc := regress.NewAccumulator(buf, "regress", layout)
	failed := buf.Scalar("failed")
	if loadErr != nil {
		failed.Set(1)
	} else {
		// Sufficient statistics per (lane, fold) cell of this rank's rows.
		for i := range design.Rows {
			if layout.Owner(i, c.Size()) == c.Rank() {
				acc.Add(i, design.Row(i), train.y[i])
			}
		}
	}
	if err := buf.AllReduce(c); err != nil {
		return nil, err
	}
	if loadErr != nil {
		return nil, loadErr
	}
	if n := failed.Value(); n > 0 {
		return nil, fmt.Errorf("%g other rank(s) could not load the data (see their messages)", n)
	}
	folded := acc.Result()
	res := &Result{Command: string(cfg.Kind), Config: cfg.Source, Data: train.file, Target: cfg.Data.Target, N: int(folded.Total.N)}
	var fit fitted
	var err error
	if cfg.Kind == BMA {
		fit, err = res.average(cfg, folded, union)
	} else {
		fit, err = res.fitModel(cfg, folded, union)
	}
	if err != nil {
		return nil, err
	}
	res.Train = predictRows(train, design, fit.predict)
	res.RMS = res.Train.RMS()
	if pred != nil {
		res.Predicted = predictRows(pred, pdesign, fit.predict)
		res.Predicted.intervals(pdesign, cfg.Predict.Level, fit.interval)
		res.Prediction = res.Predicted.coverage(cfg.Predict)
	}
	// JSON cannot hold NaN or ±Inf: name them rather than fail at writing.
	if bad := nonFinite(res); len(bad) > 0 {
		return nil, finiteError(cfg.Source, bad)
	}
	return res, nil
}

// featureUnion is the union of the features of all models, intercept
// first: one design matrix from which every model picks its columns. It
// depends on the configuration alone, so every rank declares the same
// statistics whatever happens to its data.
func featureUnion(cfg *Config) []string {
	var union []string
	addF := func(f string) {
		for _, u := range union {
			if u == f {
				return
			}
		}
		union = append(union, f)
	}
	intercept := cfg.Model.Intercept
	for _, m := range cfg.Models {
		intercept = intercept || m.Intercept
	}
	if intercept {
		addF("intercept")
	}
	if cfg.Kind == BMA {
		for _, m := range cfg.Models {
			for _, f := range m.Features {
				addF(f)
			}
		}
	} else {
		for _, f := range cfg.Model.Features {
			addF(f)
		}
	}
	return union
}

// load reads the training and prediction tables and builds their design
// matrices.
func load(cfg *Config, union []string) (train *table, design *dataset.Design, pred *table, pdesign *dataset.Design, err error) {
	if train, err = loadTable(&cfg.Data, cfg.Source, "data"); err != nil {
		return
	}
	if cfg.Predict != nil {
		if pred, err = loadTable(cfg.Predict, cfg.Source, "predict"); err != nil {
			return
		}
		if cfg.Predict.NewOnly {
			if pred, err = pred.dropKnown(train); err != nil {
				return
			}
		}
	}
	if design, err = dataset.Build(train.cols, union); err != nil {
		err = fmt.Errorf("%s: %w", train.file, err)
		return
	}
	if pred != nil {
		if pdesign, err = dataset.Build(pred.cols, union); err != nil {
			err = fmt.Errorf("%s: %w", pred.file, err)
			return
		}
	}
	if err = checkMagnitudes(train, design, cfg.Data.Target); err != nil {
		return
	}
	if pred != nil {
		err = checkMagnitudes(pred, pdesign, cfg.Predict.Target)
	}
	return
}

func predictRows(t *table, design *dataset.Design, pr predictor) *Rows {
	r := &Rows{File: t.file, Line: t.lines, N: t.n, Z: t.z, A: t.a, Y: t.y,
		Mean: make([]float64, design.Rows), SD: make([]float64, design.Rows)}
	for i := range design.Rows {
		m, v := pr(design.Row(i))
		r.Mean[i], r.SD[i] = m, math.Sqrt(v)
	}
	return r
}

// intervals sets the central predictive intervals of probability level:
// the mixture's quantiles when interval is given, else Gaussian ones.
func (r *Rows) intervals(design *dataset.Design, level float64, interval func(float64, []float64) (float64, float64)) {
	n := len(r.Mean)
	r.Lo, r.Hi = make([]float64, n), make([]float64, n)
	for i := range n {
		if interval != nil {
			r.Lo[i], r.Hi[i] = interval(level, design.Row(i))
			continue
		}
		r.Lo[i], r.Hi[i] = regress.MixtureInterval(level, []float64{1}, []float64{r.Mean[i]}, []float64{r.SD[i] * r.SD[i]})
	}
}

func (r *Rows) coverage(d *DataConfig) *PredictionSummary {
	p := &PredictionSummary{Data: r.File, N: len(r.Mean), NewOnly: d.NewOnly, RMS: r.RMS(), Level: d.Level}
	for i := range r.Y {
		if r.Inside(i) {
			p.Inside++
		}
		p.MeanSD += r.SD[i]
	}
	p.Coverage = float64(p.Inside) / float64(p.N)
	p.MeanSD /= float64(p.N)
	return p
}

// finite keeps the finite values of named numbers (JSON has no NaN).
func finite(names []string, v []float64) map[string]float64 {
	m := map[string]float64{}
	for i, n := range names {
		if !math.IsNaN(v[i]) && !math.IsInf(v[i], 0) {
			m[n] = v[i]
		}
	}
	return m
}
