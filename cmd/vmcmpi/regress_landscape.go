package main

import (
	"fmt"
	"io"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/figures"
	"github.com/vmcmpi/vmcmpi/study"
)

// vmcmpi landscape -config FILE [-out DIR] runs study.RunLandscape: global
// mass models fitted to one AME table, Gaussian-process corrections of
// their residuals, held-out model weights, and existence probabilities and
// drip lines over the chart, scored on the nuclides of a later table. Rank 0
// writes result.json (per-model fit and test rms before and after the GP,
// kernels, weights, coverage, drip lines) and chart.csv (Z, N, B, S2n,
// S2p, Sn, Sp with sds, p_ex), and with output.plots the PNGs of
// figures.Landscape.
//
//	$ vmcmpi landscape -config configs/regress/landscape.toml
func init() {
	register("landscape", command{summary: "mass models + Gaussian processes + model averaging: p_ex and drip lines", run: runLandscape})
}

func runLandscape(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("landscape", "usage: vmcmpi landscape -config FILE [-out DIR]\n\nFits the mass models of the configuration, corrects them with Gaussian\nprocesses, averages them and predicts the chart (configs/regress/landscape.toml).\n\nflags:\n", stderr)
	path, out, err := parseStudy(fs, args, "configs/regress/landscape.toml")
	if err != nil {
		return err
	}
	cfg, err := study.LoadLandscape(path)
	if err != nil {
		return err
	}
	if out != "" {
		cfg.Output.Dir = out
	}
	return onWorld("landscape", stderr, func(c comm.Comm) error {
		start := time.Now()
		res, files, err := runStudy(c, cfg.Output.Dir, cfg.Output.Plots,
			func(c comm.Comm) (*study.LandscapeResult, error) { return study.RunLandscape(c, cfg) }, figures.Landscape)
		if err != nil || c.Rank() != 0 {
			return err
		}
		fmt.Fprintf(stdout, "%d training nuclides, %d test nuclides (%d with S2n); %s on %d rank(s)\n", res.NTrain, res.NTest, res.NTestS2n, time.Since(start).Round(time.Second), c.Size())
		fmt.Fprintf(stdout, "%-9s %8s %8s %16s %16s %11s %11s %7s %11s\n", "model", "fit rms", "CV+GP", "test B lin→GP", "test S2n lin→GP", "cov B", "cov S2n", "weight", "kernel/GP s")
		for _, m := range res.Models {
			fmt.Fprintf(stdout, "%-9s %8.3f %8.3f %7.3f → %5.3f %7.3f → %5.3f %5.2f/%5.2f %5.2f/%5.2f %7.3f %5.1f/%5.1f\n", m.Name, m.FitRMS, m.CVRMS,
				m.Before.RMSB, m.After.RMSB, m.Before.RMSS2n, m.After.RMSS2n, m.After.Cover68B, m.After.Cover95B,
				m.After.Cover68S2n, m.After.Cover95S2n, res.Weights[m.Name], m.KernelSeconds, m.GPSeconds)
		}
		a := res.Average
		fmt.Fprintf(stdout, "average (%s): test B %.3f, S2n %.3f MeV; coverage 68%%/95%%: B %.2f/%.2f, S2n %.2f/%.2f\n", res.WeightKind, a.RMSB, a.RMSS2n, a.Cover68B, a.Cover95B, a.Cover68S2n, a.Cover95S2n)
		fmt.Fprintf(stdout, "nuclides with p_ex > 0.5 (Z %d–%d): %d of %d on the chart\n", cfg.Chart.ZMin, cfg.Chart.ZMax, res.Bound, res.ChartSize)
		for _, f := range files {
			fmt.Fprintln(stdout, "wrote", f)
		}
		return nil
	})
}
