package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/vmcmpi/vmcmpi/figures"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// vmcmpi plot DIR writes PNG pictures of a finished (or checkpointed) run
// from the files in its output directory:
//
//	energy.png           energy against iteration with error bars, and the
//	                     exact energy as a dashed line when it is known
//	energy-per-site.png  the same divided by the number of lattice sites
//	                     (spin systems, when result.json has "sites")
//	density.png          the one-body radial density accumulated during
//	                     production (when density.csv exists)
//
// Example:
//
//	$ vmcmpi run -out out/ho
//	$ vmcmpi plot out/ho
//	out/ho/energy.png
//	out/ho/density.png
func init() {
	register("plot", command{summary: "draw PNG plots of a run directory (energy, density)", run: runPlot})
}

func runPlot(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", "usage: vmcmpi plot DIR\n\nWrites energy.png (and density.png, energy-per-site.png and one PNG per histogram of\nobservables.json — g(r), C(r), S(q), the density map — when the data exist) into DIR,\nfrom DIR/history.csv, DIR/result.json, DIR/density.csv and DIR/observables.json.\n", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("plot: want exactly one run directory")
	}
	files, err := figures.Run(fs.Arg(0))
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
