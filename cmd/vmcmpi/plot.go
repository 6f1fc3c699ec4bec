package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/vmcmpi/vmcmpi/figures"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// vmcmpi plot [-format png|svg|pdf] DIR draws the figures of a finished
// (or checkpointed) run from the files in its output directory, each
// where its data exist:
//
//	energy               energy against iteration with error bars, and the
//	                     exact energy as a dashed line when it is known
//	energy-per-site      the same divided by the number of lattice sites
//	                     (spin systems, when result.json has "sites")
//	variance             Var(E_L) against iteration (history.csv)
//	acceptance           accepted/proposed moves against iteration
//	gradient-norm        |∂E/∂θ| against iteration
//	learning-rate        the optimiser's step size against iteration
//	energy-error         |E − E_ref| on a log scale, E_ref from
//	                     output.reference or the exact energy (result.json)
//	blocking             error of the production mean against block size,
//	                     the chosen level and the final error (blocking.csv)
//	autocorrelation      ρ(t) of one walker's production energy, with
//	                     Sokal's window (autocorrelation.csv)
//	density              the one-body radial density (density.csv)
//	<histogram>          one per histogram of observables.json
//
// Example:
//
//	$ vmcmpi run -out out/ho
//	$ vmcmpi plot -format svg out/ho
//	out/ho/energy.svg
//	out/ho/variance.svg
//	…
func init() {
	register("plot", command{summary: "draw the figures of a run directory (energy, diagnostics, density, observables)", run: runPlot})
}

const plotUsage = `usage: vmcmpi plot [-format png|svg|pdf] DIR

Draws into DIR, from DIR/history.csv, result.json, blocking.csv, autocorrelation.csv,
density.csv and observables.json (each figure where its data exist): energy (and
energy-per-site for lattices), variance, acceptance, gradient-norm, learning-rate and
energy-error (|E − E_ref| when output.reference or an exact energy is known) against
iteration, the production's blocking curve and autocorrelation, the radial density and
one figure per histogram of observables.json (g(r), C(r), S(q), the density map).

`

func runPlot(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", plotUsage, stderr)
	format := fs.String("format", "png", "picture format: png, svg or pdf")
	// Flags may follow the directory too: parse what comes after it again.
	var dirs []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		dirs = append(dirs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(dirs) != 1 {
		fs.Usage()
		return errors.New("plot: want exactly one run directory")
	}
	if err := figures.CheckFormat(*format); err != nil {
		return err
	}
	files, err := figures.RunFormat(dirs[0], *format)
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	return err
}

// printSplit prints the energy split (and the virial residual) next to
// the energy when the reports hold it.
func printSplit(stdout io.Writer, reps []vmc.Report) {
	for _, r := range reps {
		for _, s := range r.Scalars {
			switch s.Name {
			case "kinetic", "external", "interaction", "virial_residual":
				fmt.Fprintf(stdout, "  %-16s = %s", s.Name, formatEnergy(s.Value, s.Error))
				if s.Name == "kinetic" {
					fmt.Fprintf(stdout, "   (%s)", s.Note)
				}
				fmt.Fprintln(stdout)
			}
		}
	}
}
