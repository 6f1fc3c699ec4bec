package main

import (
	"fmt"
	"io"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/output"
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

// runStudy runs a study on every rank while holding the output
// directory's lock; rank 0 then writes its files and, unless plots is
// false, its figures. It returns the result (rank 0's is the one to
// print) and the files written.
func runStudy[R interface {
	WriteFiles(string) ([]string, error)
}](c comm.Comm, dir string, plots *bool,
	run func(comm.Comm) (R, error), draw func(R, string) ([]string, error)) (R, []string, error) {
	var zero R
	unlock, err := output.LockOn(c, dir)
	if err != nil {
		return zero, nil, err
	}
	defer unlock()
	res, err := run(c)
	if err != nil || c.Rank() != 0 {
		return res, nil, err
	}
	files, err := res.WriteFiles(dir)
	if err != nil {
		return res, nil, err
	}
	if plots == nil || *plots {
		figs, err := draw(res, dir)
		if err != nil {
			return res, nil, err
		}
		files = append(files, figs...)
	}
	return res, files, nil
}
