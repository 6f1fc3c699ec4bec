package output

import (
	"fmt"
	"io"
	"strconv"

	"github.com/vmcmpi/vmcmpi/vmc"
)

// WriteSummary writes the energy of a finished run to w as `vmcmpi run`
// prints it (with τ_int, ESS, R̂ and the too-short warning), or the last
// iteration's estimate when there was no production; wrote says whether
// the outputs are in dir.
func WriteSummary(stdout io.Writer, res *vmc.Result, dir string, wrote bool) {
	e, err, v, acc := res.Energy, res.Error, res.Variance, res.Acceptance
	tau, ess, rhat, short, warning := res.Tau, res.ESS, res.RHat, res.Short, res.Warning
	if h := res.History; res.Samples == 0 && len(h) > 0 {
		fmt.Fprintln(stdout, "no production samples (production.samples = 0); the last iteration's estimate:")
		last := h[len(h)-1]
		e, err, v, acc = last.Energy, last.Error, last.Variance, last.Acceptance
		tau, ess, rhat, short, warning = last.Tau, last.ESS, last.RHat, last.Short, ""
	}
	fmt.Fprintf(stdout, "energy = %s", FormatEnergy(e, err))
	if res.HasExact {
		fmt.Fprintf(stdout, " (exact %s)", strconv.FormatFloat(res.Exact, 'g', 10, 64))
	}
	fmt.Fprintf(stdout, "\nvariance = %.6g, acceptance = %.4f, %d samples on %d rank(s) × %d walkers, %d iterations\n",
		v, acc, res.Samples, res.Ranks, res.Walkers, res.Iterations)
	fmt.Fprintf(stdout, "τ_int = %.3g samples, ESS = %.0f, R̂ = %.4f\n", tau, ess, rhat)
	if short {
		if warning == "" {
			warning = "series too short for a trustworthy error bar; the error may be underestimated"
		}
		fmt.Fprintln(stdout, "warning:", warning)
	}
	if wrote {
		fmt.Fprintf(stdout, "wrote %s\n", dir)
	}
}

// FormatEnergy is "E ± error" with six decimals, as the command prints
// energies.
func FormatEnergy(e, err float64) string {
	return fmt.Sprintf("%.6f ± %.6f", e, err)
}
