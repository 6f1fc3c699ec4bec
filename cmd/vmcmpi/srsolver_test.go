package main

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// optimizer.sr_solver reaches the driver: "auto" keeps the dense path for
// the default's 25 parameters, "cg" and "dense" force theirs.
func TestSRSolverKey(t *testing.T) {
	for solver, want := range map[string]bool{"auto": false, "dense": false, "cg": true} {
		cfg, err := LoadConfig("", []string{"optimizer.sr_solver=" + solver})
		if err != nil {
			t.Fatal(err)
		}
		j, err := prepareRun(newSerial(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := j.driver.SRMatrixFree(); got != want {
			t.Errorf("sr_solver = %q: matrix-free %v, want %v", solver, got, want)
		}
	}
}

// `vmcmpi run` of the default (RBM × Padé, SR) with sr_solver = "cg" gives
// the dense run's result: the same samples while the parameters agree, and
// updates that differ by the CG tolerance only (cg_tol = 1e-12 here, S + ε
// with ε = 1e-3), so energies and parameters agree to ~1e-9; the bounds
// are 1e-7.
func TestRunSRSolverCG(t *testing.T) {
	type result struct {
		Energy     float64   `json:"energy"`
		Parameters []float64 `json:"parameters"`
	}
	res := map[string]result{}
	for _, solver := range []string{"dense", "cg"} {
		dir := t.TempDir()
		args := []string{"-out", dir, "-set", "output.progress=none", "-set", "optimizer.sr_solver=" + solver, "-set", "optimizer.cg_tol=1e-12",
			"-set", "optimizer.iterations=15", "-set", "sampler.samples=200", "-set", "production.samples=2000"}
		if err := runRun(args, io.Discard, io.Discard); err != nil {
			t.Fatalf("sr_solver = %s: %v", solver, err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "result.json"))
		if err != nil {
			t.Fatal(err)
		}
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		res[solver] = r
	}
	d, c := res["dense"], res["cg"]
	if len(c.Parameters) != 25 || len(d.Parameters) != 25 {
		t.Fatalf("%d and %d parameters, want 25", len(d.Parameters), len(c.Parameters))
	}
	if math.Abs(c.Energy-d.Energy) > 1e-7 {
		t.Errorf("E = %.10f with cg, %.10f dense", c.Energy, d.Energy)
	}
	for k := range d.Parameters {
		if math.Abs(c.Parameters[k]-d.Parameters[k]) > 1e-7*(1+math.Abs(d.Parameters[k])) {
			t.Errorf("parameter %d: %.10f with cg, %.10f dense", k, c.Parameters[k], d.Parameters[k])
		}
	}
}
