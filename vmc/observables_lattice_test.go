package vmc

import (
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// Trained RBMs on 10-site rings (the settings of TestLatticeChains):
// ⟨σˣ⟩, ⟨|m|⟩, C(r) at every r and S(q) at every q agree with the exact
// ground state's (exact.GroundStateObservables) within 3σ + 1e-3; for the
// Heisenberg ring ⟨S_0·S_1⟩ = E/(L·J) within its error (two estimators of
// one number, sample by sample equal up to rounding). Under -short only
// the consistency check runs, on a briefly trained Heisenberg ring.
func TestLatticeObservablesExact(t *testing.T) {
	cases := []spinCase{
		{model: "tfim", kind: "chain", l: 10, field: 0.5, alpha: 1},
		{model: "tfim", kind: "chain", l: 10, field: 1, alpha: 1},
		{model: "tfim", kind: "chain", l: 10, field: 2, alpha: 1},
		{model: "heisenberg", kind: "chain", l: 10, alpha: 1},
	}
	for _, c := range cases {
		name := c.model
		if c.model == "tfim" {
			name += "/h=" + fmtG(c.field)
		}
		t.Run(name, func(t *testing.T) {
			iters, samples, prod := 300, 250, 20000
			if testing.Short() {
				if c.model == "tfim" {
					t.Skip("short: the Heisenberg consistency check only")
				}
				iters, samples, prod = 30, 100, 1000
			}
			sys, _ := c.system(t)
			opt := spinOptions(iters, samples, prod, 1e-3)
			opt.Observables = latticeObservables(t, sys)
			res := runSerial(t, sys, opt)
			reps, err := Reports(res, opt.Observables)
			if err != nil {
				t.Fatal(err)
			}
			if sys.H.Model == hamiltonian.Heisenberg {
				ss := reportHistogram(t, reps, CorrelationSSName)
				want := res.Energy / float64(c.l)
				t.Logf("⟨S0·S1⟩ = %.6f ± %.6f, E/(LJ) = %.6f ± %.6f", ss.Value[1], ss.Error[1], want, res.Error/float64(c.l))
				if math.Abs(ss.Value[1]-want) > 1e-9+res.Error/float64(c.l) {
					t.Errorf("⟨S0·S1⟩ = %.8f ± %.2g, E/(LJ) = %.8f", ss.Value[1], ss.Error[1], want)
				}
			}
			if testing.Short() {
				return
			}
			_, ex, err := exact.GroundStateObservables(sys.H, exact.Options{})
			if err != nil {
				t.Fatal(err)
			}
			cmp := func(what string, v, e, want float64) {
				t.Helper()
				if math.Abs(v-want) > 3*e+1e-3 {
					t.Errorf("%s: VMC %.5f ± %.5f, exact %.5f", what, v, e, want)
				}
			}
			worst := 0.0
			rec := func(v, e, want float64) { worst = max(worst, math.Abs(v-want)-3*e) }
			abs := reportScalar(t, reps, "abs_m")
			cmp("|m|", abs.Value, abs.Error, ex.AbsM)
			rec(abs.Value, abs.Error, ex.AbsM)
			if c.model == "tfim" {
				sx := reportScalar(t, reps, "sigma_x")
				cmp("σˣ", sx.Value, sx.Error, ex.SigmaX)
				rec(sx.Value, sx.Error, ex.SigmaX)
				t.Logf("σˣ %.5f ± %.5f (exact %.5f), |m| %.5f ± %.5f (exact %.5f)", sx.Value, sx.Error, ex.SigmaX, abs.Value, abs.Error, ex.AbsM)
			}
			for _, hc := range []struct {
				name  string
				exact []float64
			}{{CorrelationZZName, ex.CorrZZ}, {StructureFactorName, ex.SQ}, {CorrelationSSName, ex.CorrSS}} {
				if hc.name == CorrelationSSName && sys.H.Model != hamiltonian.Heisenberg {
					continue
				}
				h := reportHistogram(t, reps, hc.name)
				for k := range h.Value {
					cmp(hc.name+" "+fmtG(float64(k)), h.Value[k], h.Error[k], hc.exact[k])
					rec(h.Value[k], h.Error[k], hc.exact[k])
				}
			}
			t.Logf("largest |VMC − exact| − 3σ over all values: %.2g", worst)
		})
	}
}
