package main

import (
	"fmt"
	"io"

	"github.com/vmcmpi/vmcmpi/study"
)

// regressSummary prints the fit to w.
func regressSummary(w io.Writer, res *study.Result) {
	fmt.Fprintf(w, "%s: %d rows of %s, target %s\n", res.Command, res.N, res.Data, res.Target)
	if res.Command == "regress" {
		fmt.Fprintf(w, "method %s", res.Method)
		if res.Lambda != nil {
			fmt.Fprintf(w, ", λ = %.6g", *res.Lambda)
		}
		fmt.Fprintln(w)
		// Say which error each column is: the fit's own (analytic, or the
		// posterior's) and, when requested, the bootstrap's.
		se := "analytic standard error"
		if res.Method == "bayes" {
			se = "posterior standard deviation"
		}
		fmt.Fprintf(w, "coefficients ± %s", se)
		if res.Bootstrap != nil {
			fmt.Fprintf(w, ", [bootstrap standard error over %d replicates]", res.Bootstrap.Replicates)
		}
		fmt.Fprintln(w, ":")
		for _, n := range res.Features {
			fmt.Fprintf(w, "  %-14s %14.6g", n, res.Coefficients[n])
			if se, ok := res.StdErr[n]; ok {
				fmt.Fprintf(w, " ± %.3g", se)
			}
			if res.Bootstrap != nil {
				if b, ok := res.Bootstrap.StdErr[n]; ok {
					fmt.Fprintf(w, "  [%.3g]", b)
				}
			}
			fmt.Fprintln(w)
		}
		if res.CV != nil {
			fmt.Fprintf(w, "cv: %d folds, held-out rms %.6g", res.CV.Folds, res.CV.RMSE)
			if res.Lambda != nil {
				fmt.Fprintf(w, " at λ = %.6g", res.CV.Chosen)
			}
			fmt.Fprintln(w)
		}
	} else {
		for _, m := range res.Models {
			fmt.Fprintf(w, "  %-16s log evidence %12.4f  weight %.6g", m.Name, m.Bayes.LogEvidence, res.EvidenceWeights[m.Name])
			if m.ELPD != nil {
				fmt.Fprintf(w, "  cv log pred %12.4f  pseudo-BMA weight %.6g", *m.ELPD, res.PseudoBMAWeights[m.Name])
			}
			fmt.Fprintf(w, "  rms %.4g\n", m.RMS)
		}
		fmt.Fprintf(w, "mixture weights from %s\n", res.WeightKind)
	}
	fmt.Fprintf(w, "training rms %.6g\n", res.RMS)
	if p := res.Prediction; p != nil {
		fmt.Fprintf(w, "predicted %d rows of %s: rms %.4g, %.0f%% interval coverage %.4f (%d/%d), mean predictive sd %.4g\n",
			p.N, p.Data, p.RMS, 100*p.Level, p.Coverage, p.Inside, p.N, p.MeanSD)
	}
}
