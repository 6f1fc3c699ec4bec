package study

import (
	"fmt"
	"math"
	"sort"

	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// fitModel fits the [model] of a Regress study, choosing λ by
// cross-validation over its grid when there is one.
func (res *Result) fitModel(cfg *Config, f *regress.Folded, names []string) (fitted, error) {
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
	grid, err := lambdaGrid(&m, total, penalty)
	if err != nil {
		return fitted{}, err
	}
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
			return fitted{}, err
		}
		lambda = cv.Lambda()
		res.CV = &CVSummary{Folds: cfg.CV.Folds, Lambdas: cv.Lambdas, Score: cv.Score, SE: cv.SE, FoldMSE: cv.FoldMSE,
			Best: cv.Lambdas[cv.Best], Chosen: lambda, OneSE: cfg.CV.OneSE, RMSE: math.Sqrt(cv.Score[cv.Chosen])}
	}
	if m.Method == "ridge" || m.Method == "lasso" {
		res.Lambda = &lambda
	}
	var pr predictor
	if m.Method == "bayes" {
		post, err := regress.Bayes(total, regress.BayesOptions{})
		if err != nil {
			return fitted{}, err
		}
		res.Coefficients, res.StdErr = finite(names, post.Mean), finite(names, post.StdErr)
		res.Bayes = bayesSummary(post)
		pr = post.Predict
	} else {
		var fit *regress.Fit
		switch m.Method {
		case "ols":
			fit, err = regress.OLS(total)
		case "ridge":
			fit, err = regress.Ridge(total, lambda, penalty)
		case "lasso":
			fit, err = regress.Lasso(total, lambda, penalty, nil, regress.LassoOptions{})
		}
		if err != nil {
			return fitted{}, err
		}
		res.Coefficients, res.StdErr = finite(names, fit.Coef), finite(names, fit.StdErr)
		res.Rank, res.Deficient = fit.Rank, fit.RankDeficient
		pr = fit.Predictive
	}
	if cfg.CV.Bootstrap > 0 {
		b, err := regress.Bootstrap(f, cfg.CV.Bootstrap, cfg.Seed, func(s *regress.Stats) ([]float64, error) {
			return fitter(s, lambda, nil)
		})
		if err != nil {
			return fitted{}, err
		}
		res.Bootstrap = &BootstrapSummary{Replicates: b.Replicates, StdErr: finite(names, b.StdErr)}
	}
	return fitted{predict: pr}, nil
}

// lambdaGrid is the λ grid of m, largest first so that Lasso paths
// warm-start downwards: model.lambdas, a path down from λ_max, or the one
// model.lambda.
func lambdaGrid(m *ModelConfig, total *regress.Stats, penalty []float64) ([]float64, error) {
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
	return grid, nil
}

func bayesSummary(post *regress.Posterior) *BayesSummary {
	return &BayesSummary{Alpha: post.Alpha, Beta: post.Beta, NoiseSD: 1 / math.Sqrt(post.Beta), Gamma: post.Gamma, LogEvidence: post.LogEvidence}
}

// average fits the [[models]] of a BMA study, each on its columns of the
// union design, and weighs them by evidence × prior, or by cross-validated
// log predictive density × prior (pseudo-BMA).
func (res *Result) average(cfg *Config, f *regress.Folded, union []string) (fitted, error) {
	avg := &regress.Average{}
	var logEv, logCV []float64
	for _, cand := range cfg.Models {
		idx := columns(union, cand.Features, cand.Intercept)
		sub := f.Subset(idx)
		post, err := regress.Bayes(sub.Total, regress.BayesOptions{})
		if err != nil {
			return fitted{}, fmt.Errorf("model %q: %w", cand.Name, err)
		}
		avg.Models, avg.Columns = append(avg.Models, post), append(avg.Columns, idx)
		names := make([]string, len(idx))
		for a, j := range idx {
			names[a] = union[j]
		}
		prior := cand.Prior
		if prior == 0 {
			prior = 1
		}
		ms := ModelSummary{Name: cand.Name, Features: names, Coefficients: finite(names, post.Mean), StdErr: finite(names, post.StdErr),
			RMS: math.Sqrt(post.RSS / post.N), LogPrior: math.Log(prior), Bayes: *bayesSummary(post)}
		logEv = append(logEv, post.LogEvidence+ms.LogPrior)
		if cfg.CV.Folds >= 2 {
			elpd, _, err := regress.CVLogPredictive(sub, regress.BayesOptions{})
			if err != nil {
				return fitted{}, fmt.Errorf("model %q: %w", cand.Name, err)
			}
			ms.ELPD = &elpd
			logCV = append(logCV, elpd+ms.LogPrior)
		}
		res.Models = append(res.Models, ms)
	}
	names := make([]string, len(cfg.Models))
	for k, m := range cfg.Models {
		names[k] = m.Name
	}
	wEv := regress.Weights(logEv)
	res.EvidenceWeights = finite(names, wEv)
	avg.Weights = wEv
	if logCV != nil {
		wCV := regress.Weights(logCV)
		res.PseudoBMAWeights = finite(names, wCV)
		if cfg.BMA.Weights == "pseudo" {
			avg.Weights = wCV
		}
	}
	res.Weights, res.WeightKind = finite(names, avg.Weights), cfg.BMA.Weights
	return fitted{predict: avg.Predict, interval: avg.Interval}, nil
}

// columns maps feature names to their columns in the union design.
func columns(union, names []string, intercept bool) []int {
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
