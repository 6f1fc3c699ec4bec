package main

import (
	"fmt"
	"io"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/figures"
	"github.com/vmcmpi/vmcmpi/study"
)

// vmcmpi regress -config FILE [-out DIR] fits one linear model; vmcmpi bma
// -config FILE [-out DIR] averages several Bayesian linear models. Both run
// study.Run on every rank (each sums the sufficient statistics of its share
// of the rows; one all-reduce combines them; every rank then solves the
// same small problem), and rank 0 writes into DIR (default output.dir, "out"):
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
	path, out, err := parseStudy(fs, args, "configs/regress/"+map[string]string{"regress": "liquid-drop", "bma": "bma-ame2020"}[name]+".toml")
	if err != nil {
		return err
	}
	cfg, err := study.Load(path, study.Kind(name))
	if err != nil {
		return err
	}
	if out != "" {
		cfg.Output.Dir = out
	}
	return onWorld(name, stderr, func(c comm.Comm) error {
		res, files, err := runStudy(c, cfg.Output.Dir, cfg.Output.Plots,
			func(c comm.Comm) (*study.Result, error) { return study.Run(c, cfg) }, figures.Regress)
		if err != nil || c.Rank() != 0 {
			return err
		}
		regressSummary(stdout, res)
		for _, f := range files {
			fmt.Fprintln(stdout, "wrote", f)
		}
		return nil
	})
}
