package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/figures"
	"github.com/vmcmpi/vmcmpi/generative"
	"github.com/vmcmpi/vmcmpi/output"
)

func init() {
	register("ising", command{summary: "train RBMs on Ising/Potts Monte Carlo data and compare thermodynamics", run: runIsing})
}

const isingUsage = `usage: vmcmpi ising -config FILE [-set key=value ...] [-out DIR] [-resume]

Generates Monte Carlo configurations of the 2D Ising (or q = 3 Potts) model
at each temperature of the configuration, trains a restricted Boltzmann
machine on them (rbm.hidden > 0), samples the trained machine and prints
⟨E⟩/N, ⟨|M|⟩/N, C_v and χ with error bars for both; for the Ising model up
to L = 12 also the exact values of the finite lattice (row transfer matrix)
and the Monte Carlo's deviation from them in standard errors. Writes into DIR
(default output.dir): results.json, results.csv, data/T<T>.txt (one
configuration per line), checkpoint.bin and ising.png (the four observables
against T, Monte Carlo and RBM, with error bars; Onsager's infinite-lattice
energy as a line). SIGTERM, SIGUSR1 or Ctrl-C stop all ranks after the current epoch with a
checkpoint; -resume continues from it bit-identically.

Example:

    $ vmcmpi ising -config configs/ising/ising-4-small.toml
    T = 1.5: MC (metropolis) e = -1.94869 ± 0.00287, |m| = 0.9856 ± 0.0009, ...
    T = 1.5: exact e = -1.95064, |m| = 0.9862, C_v = 0.200, χ = 0.029 (MC off by +0.7σ, ...)
    T = 1.5: RBM e = -1.94294 ± 0.00135, |m| = 0.9857 ± 0.0003, ...
    ...
    wrote out/ising-4/results.json, results.csv, ising.png

flags:
`

func runIsing(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ising", isingUsage, stderr)
	resume := fs.Bool("resume", false, "continue from DIR/checkpoint.bin")
	var sets stringList
	fs.Var(&sets, "set", "override one key, `key=value` (e.g. rbm.epochs=50); repeatable")
	path, out, err := parseStudy(fs, args, "configs/ising/ising-8.toml")
	if err != nil {
		return err
	}
	cfg, err := generative.LoadConfig(path, sets...)
	if err != nil {
		return err
	}
	if out != "" {
		cfg.Output.Dir = out
	}
	return onWorld("ising", stderr, func(c comm.Comm) error {
		unlock, err := output.LockOn(c, cfg.Output.Dir)
		if err != nil {
			return err
		}
		defer unlock()
		ctx, stop := signalContext()
		defer stop()
		rep, err := generative.Study(ctx, c, cfg, *resume, func(line string) { fmt.Fprintln(stdout, line) })
		if err != nil {
			return err
		}
		if c.Rank() != 0 {
			return nil
		}
		png := filepath.Join(cfg.Output.Dir, "ising.png")
		if err := figures.Ising(png, rep); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s, %s, %s\n", filepath.Join(cfg.Output.Dir, generative.ResultsJSON), generative.ResultsCSV, filepath.Base(png))
		return nil
	})
}
