// Package study runs a configured regression study: it reads the data
// files a TOML configuration names (AME mass tables or CSV, through
// package dataset), builds the design matrix of the configured features,
// sums sufficient statistics per fold over each rank's rows, combines them
// in one all-reduce, and fits with package solvers/regress:
//
//   - Regress: one linear model (OLS, Ridge, Lasso or Bayesian), λ chosen
//     by k-fold cross-validation over a grid or a Lasso path, optional
//     bootstrap standard errors;
//   - BMA: Bayesian linear models averaged with evidence (BMA) or
//     cross-validated log predictive (pseudo-BMA) weights.
//
// Every row gets a predictive mean and variance (σ² + xᵀ Cov x, or the
// model mixture's); the rows of [predict] get central predictive intervals
// (the mixture's quantiles for BMA) and a coverage score. Result holds the
// numbers of result.json, predictions.csv and predict.csv, and WriteFiles
// writes them. Results are the same on any number of ranks: rows go to
// folds by index and seed, and to ranks by lane (regress.Layout).
//
// configs/regress/*.toml document every key; `vmcmpi regress` and
// `vmcmpi bma` are this package behind flags, terminal output and plots.
package study
