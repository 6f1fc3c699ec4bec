package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/dataset"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// vmcmpi regress -config FILE [-out DIR] fits one linear model; vmcmpi bma
// -config FILE [-out DIR] averages several Bayesian linear models. Every
// rank reads the data file and sums the sufficient statistics of its share
// of the rows; one all-reduce combines them; every rank then solves the
// same small problem, and rank 0 writes into DIR (default output.dir, "out"):
//
//	result.json      coefficients and standard errors by feature name, rms,
//	                 n, cross-validation scores per λ and the chosen λ;
//	                 for bma the weights by model name
//	predictions.csv  every training row: target, prediction, predictive sd,
//	                 residual
//	predict.csv      the rows of [predict], with predictive intervals and
//	                 whether each target falls inside (coverage)
//	residuals-n.png, residuals-z.png, cv.png   plots
//
// Example (AME2016 liquid-drop fit, then BMA predictions of the nuclides
// first measured for AME2020):
//
//	$ vmcmpi regress -config configs/regress/liquid-drop.toml
//	$ vmcmpi bma -config configs/regress/bma-ame2020.toml -out out/bma
func init() {
	register("regress", command{summary: "fit a linear model (OLS, Ridge, Lasso, Bayesian) with cross-validation", run: runRegress})
	register("bma", command{summary: "Bayesian model averaging of linear models, with predictive intervals", run: runBMA})
}

const regressUsage = `usage: vmcmpi %[1]s -config FILE [-out DIR]

%[2]s
The configuration (TOML, unknown keys are errors) is documented in
configs/regress/*.toml. Rank 0 writes result.json, predictions.csv,
predict.csv (with [predict]) and PNG plots into DIR.

flags:
`

func runRegress(args []string, stdout, stderr io.Writer) error {
	return regressCommand("regress", args, stdout, stderr)
}

func runBMA(args []string, stdout, stderr io.Writer) error {
	return regressCommand("bma", args, stdout, stderr)
}

func regressCommand(name string, args []string, stdout, stderr io.Writer) error {
	what := "Fits one linear model ([model]: ols, ridge, lasso or bayes), choosing λ by\ncross-validation when given a grid."
	if name == "bma" {
		what = "Fits the Bayesian linear models of [[models]] and averages them with\nevidence (BMA) or cross-validated (pseudo-BMA) weights."
	}
	fs := newFlagSet(name, fmt.Sprintf(regressUsage, name, what), stderr)
	cfgPath := fs.String("config", "", "TOML configuration `file` (required)")
	out := fs.String("out", "", "output `directory` (default: output.dir of the configuration, \"out\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags come as -config FILE, -out DIR)", fs.Arg(0))
	}
	if *cfgPath == "" {
		fs.Usage()
		return errors.New("-config FILE is required")
	}
	cfg, err := LoadRegressConfig(*cfgPath, name == "bma")
	if err != nil {
		return err
	}
	if *out != "" {
		cfg.Output.Dir = *out
	}
	c, err := comm.World()
	if err != nil {
		return err
	}
	defer c.Finalize()
	res, err := regressJob(c, cfg, name == "bma")
	if err != nil {
		return err
	}
	if c.Rank() != 0 {
		return nil
	}
	files, err := res.write(cfg.Output.Dir, cfg.Output.Plots == nil || *cfg.Output.Plots)
	if err != nil {
		return err
	}
	res.summary(stdout)
	for _, f := range files {
		fmt.Fprintln(stdout, "wrote", f)
	}
	return nil
}

// regressResult is everything a regression or BMA job produces; JSON field
// names are the result.json schema.
type regressResult struct {
	Command  string   `json:"command"`
	Config   string   `json:"config"`
	Data     string   `json:"data"`
	Target   string   `json:"target"`
	N        int      `json:"n"`
	Features []string `json:"features,omitempty"`
	Method   string   `json:"method,omitempty"`
	Lambda   *float64 `json:"lambda,omitempty"`

	Coefficients map[string]float64 `json:"coefficients,omitempty"`
	StdErr       map[string]float64 `json:"stderr,omitempty"`
	RMS          float64            `json:"rms"`
	Rank         int                `json:"rank,omitempty"`
	Deficient    bool               `json:"rank_deficient,omitempty"`
	Bayes        *bayesJSON         `json:"bayes,omitempty"`
	CV           *cvJSON            `json:"cv,omitempty"`
	Bootstrap    *bootJSON          `json:"bootstrap,omitempty"`

	Models           []modelJSON        `json:"models,omitempty"`
	Weights          map[string]float64 `json:"weights,omitempty"`
	WeightKind       string             `json:"weights_from,omitempty"`
	EvidenceWeights  map[string]float64 `json:"evidence_weights,omitempty"`
	PseudoBMAWeights map[string]float64 `json:"pseudo_bma_weights,omitempty"`

	Prediction *predictJSON `json:"prediction,omitempty"`

	train, pred *rowPredictions
	// mix, set by bma, gives the components of a row's predictive mixture
	// so that intervals are the mixture's quantiles; without it intervals
	// are Gaussian.
	mix func(x []float64) (w, mu, v []float64)
}

type bayesJSON struct {
	Alpha       float64 `json:"alpha"`
	Beta        float64 `json:"beta"`
	NoiseSD     float64 `json:"noise_sd"`
	Gamma       float64 `json:"gamma"`
	LogEvidence float64 `json:"log_evidence"`
}

type cvJSON struct {
	Folds   int         `json:"folds"`
	Lambdas []float64   `json:"lambdas"`
	Score   []float64   `json:"score"` // held-out mean squared error
	SE      []float64   `json:"se"`
	FoldMSE [][]float64 `json:"fold_mse"`
	Best    float64     `json:"best_lambda"`
	Chosen  float64     `json:"chosen_lambda"`
	OneSE   bool        `json:"one_se"`
	RMSE    float64     `json:"rmse_chosen"`
}

type bootJSON struct {
	Replicates int                `json:"replicates"`
	StdErr     map[string]float64 `json:"stderr"`
}

type modelJSON struct {
	Name         string             `json:"name"`
	Features     []string           `json:"features"`
	Coefficients map[string]float64 `json:"coefficients"`
	StdErr       map[string]float64 `json:"stderr"`
	RMS          float64            `json:"rms"`
	Bayes        bayesJSON          `json:"bayes"`
	ELPD         *float64           `json:"cv_log_predictive,omitempty"`
	LogPrior     float64            `json:"log_prior"`
}

type predictJSON struct {
	Data     string  `json:"data"`
	N        int     `json:"n"`
	NewOnly  bool    `json:"new_only"`
	RMS      float64 `json:"rms"`
	Level    float64 `json:"level"`
	Coverage float64 `json:"coverage"`
	Inside   int     `json:"inside"`
	MeanSD   float64 `json:"mean_predictive_sd"`
}

// rowPredictions are per-row predictive means and variances.
type rowPredictions struct {
	d        *regressData
	mean, sd []float64
	lo, hi   []float64
}

// predictor gives the predictive mean and variance of one design row.
type predictor func(x []float64) (mean, variance float64)

func predictRows(d *regressData, design *dataset.Design, pr predictor) *rowPredictions {
	r := &rowPredictions{d: d, mean: make([]float64, design.Rows), sd: make([]float64, design.Rows)}
	for i := range design.Rows {
		m, v := pr(design.Row(i))
		r.mean[i], r.sd[i] = m, math.Sqrt(v)
	}
	return r
}

func (r *rowPredictions) rms() float64 {
	s := 0.0
	for i, m := range r.mean {
		d := r.d.y[i] - m
		s += d * d
	}
	return math.Sqrt(s / float64(len(r.mean)))
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

// featureUnion is the union of the features of all models, intercept
// first: one design matrix from which every model picks its columns. It
// depends on the configuration alone, so every rank declares the same
// statistics whatever happens to its data.
func featureUnion(cfg *RegressConfig, bma bool) []string {
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
	if bma {
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

// loadRegressJob reads the training and prediction tables and builds
// their design matrices.
func loadRegressJob(cfg *RegressConfig, union []string) (train *regressData, design *dataset.Design, pred *regressData, pdesign *dataset.Design, err error) {
	if train, err = loadRegressData(&cfg.Data, cfg.Source, "data"); err != nil {
		return
	}
	if cfg.Predict != nil {
		if pred, err = loadRegressData(cfg.Predict, cfg.Source, "predict"); err != nil {
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
		}
	}
	return
}

// regressJob runs on every rank and returns the same result on each.
func regressJob(c comm.Comm, cfg *RegressConfig, bma bool) (*regressResult, error) {
	union := featureUnion(cfg, bma)
	// Loading may fail on one rank only (a file missing on one node): the
	// rank still joins the all-reduce, with a failure flag, so that no
	// rank waits for it forever.
	train, design, pred, pdesign, loadErr := loadRegressJob(cfg, union)
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
	res := &regressResult{Config: cfg.Source, Data: train.file, Target: cfg.Data.Target, N: int(folded.Total.N)}
	level := 0.95
	if cfg.Predict != nil {
		level = cfg.Predict.Level
	}
	var pr predictor
	var err error
	if bma {
		res.Command = "bma"
		pr, err = res.runBMA(cfg, folded, union)
	} else {
		res.Command = "regress"
		pr, err = res.runModel(cfg, folded, union)
	}
	if err != nil {
		return nil, err
	}
	res.train = predictRows(train, design, pr)
	res.RMS = res.train.rms()
	if pred != nil {
		res.pred = predictRows(pred, pdesign, pr)
		res.pred.intervals(pdesign, level, res.mix)
		res.Prediction = res.pred.coverage(cfg.Predict, level)
	}
	return res, nil
}

func (r *rowPredictions) intervals(design *dataset.Design, level float64, mix func([]float64) (w, mu, v []float64)) {
	n := len(r.mean)
	r.lo, r.hi = make([]float64, n), make([]float64, n)
	for i := range n {
		w, mu, v := []float64{1}, []float64{r.mean[i]}, []float64{r.sd[i] * r.sd[i]}
		if mix != nil {
			w, mu, v = mix(design.Row(i))
		}
		r.lo[i] = regress.MixtureQuantile((1-level)/2, w, mu, v)
		r.hi[i] = regress.MixtureQuantile((1+level)/2, w, mu, v)
	}
}

func (r *rowPredictions) coverage(d *RegressDataConfig, level float64) *predictJSON {
	p := &predictJSON{Data: r.d.file, N: len(r.mean), NewOnly: d.NewOnly, RMS: r.rms(), Level: level}
	for i, y := range r.d.y {
		if y >= r.lo[i] && y <= r.hi[i] {
			p.Inside++
		}
		p.MeanSD += r.sd[i]
	}
	p.Coverage = float64(p.Inside) / float64(p.N)
	p.MeanSD /= float64(p.N)
	return p
}

// indices maps feature names to their columns in the union design.
func indices(union, names []string, intercept bool) []int {
	var idx []int
	if intercept {
		idx = append(idx, 0)
	}
	for _, n := range names {
		for j, u := range union {
			if u == n {
				idx = append(idx, j)
			}
		}
	}
	return idx
}

func (res *regressResult) runModel(cfg *RegressConfig, f *regress.Folded, names []string) (predictor, error) {
	m := cfg.Model
	res.Features, res.Method = names, m.Method
	total := f.Total
	var penalty []float64
	var unpen []int
	if m.Intercept {
		unpen = []int{0}
	}
	if m.Standardize {
		penalty = regress.ScaledPenalty(total, unpen...)
	} else {
		penalty = regress.Unpenalized(total.P, unpen...)
	}
	// The λ grid, largest first so Lasso paths warm-start downwards.
	grid := []float64{m.Lambda}
	switch {
	case len(m.Lambdas) > 0:
		grid = append([]float64(nil), m.Lambdas...)
	case m.LambdaPath > 0:
		lmax, err := regress.LambdaMax(total, penalty)
		if err != nil {
			return nil, err
		}
		grid = regress.LambdaGrid(lmax, m.LambdaRatio, m.LambdaPath)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(grid)))
	var fitter regress.Fitter
	switch m.Method {
	case "ols":
		fitter = regress.OLSFitter()
	case "ridge":
		fitter = regress.RidgeFitter(penalty)
	case "lasso":
		fitter = regress.LassoFitter(penalty, regress.LassoOptions{})
	case "bayes":
		fitter = regress.BayesFitter(regress.BayesOptions{})
	}
	lambda := grid[0]
	if cfg.CV.Folds >= 2 {
		cv, err := regress.CrossValidate(f, grid, fitter, regress.CVOptions{OneSE: cfg.CV.OneSE})
		if err != nil {
			return nil, err
		}
		lambda = cv.Lambda()
		res.CV = &cvJSON{Folds: cfg.CV.Folds, Lambdas: cv.Lambdas, Score: cv.Score, SE: cv.SE, FoldMSE: cv.FoldMSE,
			Best: cv.Lambdas[cv.Best], Chosen: lambda, OneSE: cfg.CV.OneSE, RMSE: math.Sqrt(cv.Score[cv.Chosen])}
	}
	if m.Method == "ridge" || m.Method == "lasso" {
		res.Lambda = &lambda
	}
	var pr predictor
	switch m.Method {
	case "bayes":
		post, err := regress.Bayes(total, regress.BayesOptions{})
		if err != nil {
			return nil, err
		}
		res.Coefficients, res.StdErr = finite(names, post.Mean), finite(names, post.StdErr)
		res.Bayes = &bayesJSON{Alpha: post.Alpha, Beta: post.Beta, NoiseSD: 1 / math.Sqrt(post.Beta), Gamma: post.Gamma, LogEvidence: post.LogEvidence}
		pr = post.Predict
	default:
		var fit *regress.Fit
		var err error
		switch m.Method {
		case "ols":
			fit, err = regress.OLS(total)
		case "ridge":
			fit, err = regress.Ridge(total, lambda, penalty)
		case "lasso":
			fit, err = regress.Lasso(total, lambda, penalty, nil, regress.LassoOptions{})
		}
		if err != nil {
			return nil, err
		}
		res.Coefficients, res.StdErr = finite(names, fit.Coef), finite(names, fit.StdErr)
		res.Rank, res.Deficient = fit.Rank, fit.RankDeficient
		pr = func(x []float64) (float64, float64) {
			// Predictive variance σ² + xᵀ Cov x (σ² alone for the Lasso).
			v := fit.Sigma2
			if fit.Cov != nil {
				p := len(x)
				for i := range p {
					for j := range p {
						v += x[i] * fit.Cov[i*p+j] * x[j]
					}
				}
			}
			return fit.Predict(x), v
		}
	}
	if cfg.CV.Bootstrap > 0 {
		b, err := regress.Bootstrap(f, cfg.CV.Bootstrap, cfg.Seed, func(s *regress.Stats) ([]float64, error) {
			return fitter(s, lambda, nil)
		})
		if err != nil {
			return nil, err
		}
		res.Bootstrap = &bootJSON{Replicates: b.Replicates, StdErr: finite(names, b.StdErr)}
	}
	return pr, nil
}

func (res *regressResult) runBMA(cfg *RegressConfig, f *regress.Folded, union []string) (predictor, error) {
	type model struct {
		idx  []int
		post *regress.Posterior
	}
	models := make([]model, len(cfg.Models))
	var logEv, logCV []float64
	for k, cand := range cfg.Models {
		idx := indices(union, cand.Features, cand.Intercept)
		sub := f.Subset(idx)
		post, err := regress.Bayes(sub.Total, regress.BayesOptions{})
		if err != nil {
			return nil, fmt.Errorf("model %q: %w", cand.Name, err)
		}
		models[k] = model{idx: idx, post: post}
		names := make([]string, len(idx))
		for a, j := range idx {
			names[a] = union[j]
		}
		prior := cand.Prior
		if prior == 0 {
			prior = 1
		}
		mj := modelJSON{Name: cand.Name, Features: names, Coefficients: finite(names, post.Mean), StdErr: finite(names, post.StdErr),
			RMS: math.Sqrt(post.RSS / post.N), LogPrior: math.Log(prior),
			Bayes: bayesJSON{Alpha: post.Alpha, Beta: post.Beta, NoiseSD: 1 / math.Sqrt(post.Beta), Gamma: post.Gamma, LogEvidence: post.LogEvidence}}
		logEv = append(logEv, post.LogEvidence+mj.LogPrior)
		if cfg.CV.Folds >= 2 {
			elpd, _, err := regress.CVLogPredictive(sub, regress.BayesOptions{})
			if err != nil {
				return nil, fmt.Errorf("model %q: %w", cand.Name, err)
			}
			mj.ELPD = &elpd
			logCV = append(logCV, elpd+mj.LogPrior)
		}
		res.Models = append(res.Models, mj)
	}
	names := make([]string, len(cfg.Models))
	for k, m := range cfg.Models {
		names[k] = m.Name
	}
	wEv := regress.Weights(logEv)
	res.EvidenceWeights = finite(names, wEv)
	w := wEv
	if logCV != nil {
		wCV := regress.Weights(logCV)
		res.PseudoBMAWeights = finite(names, wCV)
		if cfg.BMA.Weights == "pseudo" {
			w = wCV
		}
	}
	res.Weights, res.WeightKind = finite(names, w), cfg.BMA.Weights
	comps := func(x []float64) (mu, v []float64) {
		mu, v = make([]float64, len(models)), make([]float64, len(models))
		xs := make([]float64, len(union))
		for k, m := range models {
			for a, j := range m.idx {
				xs[a] = x[j]
			}
			mu[k], v[k] = m.post.Predict(xs[:len(m.idx)])
		}
		return mu, v
	}
	res.mix = func(x []float64) ([]float64, []float64, []float64) {
		mu, v := comps(x)
		return w, mu, v
	}
	return func(x []float64) (float64, float64) {
		mu, v := comps(x)
		return regress.Mixture(w, mu, v)
	}, nil
}
