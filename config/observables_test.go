package config

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/vmcmpi/vmcmpi/output"
)

// Bad [observables] input is an error naming the key.
func TestObservablesErrors(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"[observables]\nmeasure = [\"entropy\"]\n", []string{"observables.measure", "unknown observable", `"pair_correlation"`}},
		{"[observables]\nmeasure = [\"structure_factor\"]\n", []string{"observables.measure", "does not apply to particles"}},
		{"[system]\nmodel = \"tfim\"\n[observables]\nmeasure = [\"pair_correlation\"]\n", []string{"observables.measure", "does not apply to a lattice"}},
		{"[observables]\nmeasure = [\"r2\", \"r2\"]\n", []string{"observables.measure", "twice"}},
		{"[observables]\nbins = 0\n", []string{"observables.bins"}},
		{"[observables]\nmap_bins = -2\n", []string{"observables.map_bins"}},
		{"[observables]\nr_max = 0\n", []string{"observables.r_max", "> 0"}},
		{"[observables]\nr_max = -1.5\n", []string{"observables.r_max"}},
		{"[observables]\nr_max = inf\n", []string{"observables.r_max"}},
		{"[system]\nparticles = 1\n[observables]\nmeasure = [\"pair_correlation\"]\n", []string{"observables.measure", "particles ≥ 2"}},
		{"[system]\ndimensions = 1\n[observables]\nmeasure = [\"density_map\"]\n", []string{"observables.measure", "dimensions ≥ 2"}},
	} {
		p := writeConfig(t, tc.text)
		_, err := Load(p, nil)
		wantError(t, fmt.Sprintf("%q", tc.text), err, append(tc.want, p)...)
	}
	if _, err := Load("", []string{"observables.measure=[\"r2\"]", "observables.r_max=4"}); err != nil {
		t.Errorf("-set of the observables: %v", err)
	}
}

// A short run of the TFIM ring with every lattice observable writes
// observables.json with the exact ground state's values, whose energy
// rebuilt from C(1) and σˣ is the Lanczos energy; a run of non-interacting
// bosons in the exact state writes a zero virial residual with zero error
// and a density map that integrates to N.
func TestObservablesOutput(t *testing.T) {
	dir := t.TempDir()
	res, job := runJobIn(t, dir, "../configs/tfim-chain10.toml", "optimizer.iterations=5", "production.samples=500",
		`observables.measure=["magnetization","correlation_zz","structure_factor"]`)
	if _, err := job.WriteObservables(res); err != nil {
		t.Fatal(err)
	}
	o, err := output.ReadObservables(filepath.Join(dir, "observables.json"))
	if err != nil {
		t.Fatal(err)
	}
	if o.Exact == nil || o.Scalars["sigma_x"].Value == nil || len(o.Histograms["correlation_zz"].Value) != 10 || len(o.Histograms["structure_factor"].Value) != 10 {
		t.Fatalf("observables.json: %+v", o)
	}
	if e := -10*o.Exact.CorrZZ[1] - 10*o.Exact.SigmaX; math.Abs(e-res.Exact) > 1e-8 {
		t.Errorf("exact observables give E = %v, Lanczos %v", e, res.Exact)
	}

	dir = t.TempDir()
	res, job = runJobIn(t, dir, "../configs/bosons-2d.toml", "optimizer.iterations=0", "production.samples=2000",
		"wavefunction.kind=gaussian", "wavefunction.alpha=0.5", "system.interaction=none", `observables.measure=["density_map"]`, "observables.map_bins=10")
	if _, err := job.WriteObservables(res); err != nil {
		t.Fatal(err)
	}
	if o, err = output.ReadObservables(filepath.Join(dir, "observables.json")); err != nil {
		t.Fatal(err)
	}
	v := o.Scalars["virial_residual"]
	if v.Value == nil || *v.Value != 0 || *v.Error != 0 {
		t.Errorf("virial residual %+v, want exactly 0", v)
	}
	m := o.Histograms["density_map"]
	sum := *o.Scalars["density_map_overflow"].Value
	for k, x := range m.X {
		sum += *m.Value[k] * (x[1] - x[0]) * (x[3] - x[2])
	}
	if n := float64(job.Config.System.Particles); math.Abs(sum-n) > 1e-9 {
		t.Errorf("density map integrates to %v, want %v", sum, n)
	}
}
