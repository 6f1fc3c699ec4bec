package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The embedded default (two electrons in a 2D dot, exact energy 3 by
// Taut) reaches the exact energy within the accuracy the NQS validations
// demand of RBM × Padé (1e-3), is not below it by more than 4 error bars
// (variational bound), and writes result.json and history.csv.
func TestRunDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an RBM × Padé-Jastrow for 100 iterations")
	}
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if err := runRun([]string{"-out", dir, "-set", "output.progress=none"}, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	var e, de, exact float64
	if _, err := fmt.Sscanf(out.String(), "energy = %g ± %g (exact %g)", &e, &de, &exact); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	if exact != 3 || math.Abs(e-3) > 1e-3 || e < 3-4*de || de > 2e-4 {
		t.Errorf("default run: energy %g ± %g (exact %g), want within 1e-3 of 3 with error ≤ 2e-4", e, de, exact)
	}
	var res map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"energy", "error", "variance", "acceptance", "samples", "ranks", "walkers", "iterations", "exact", "parameters"} {
		if _, ok := res[k]; !ok {
			t.Errorf("result.json lacks %q", k)
		}
	}
	if res["exact"] != 3.0 || res["ranks"] != 1.0 || res["walkers"] != 4.0 || res["iterations"] != 100.0 || res["samples"] != 400000.0 {
		t.Errorf("result.json: %s", b)
	}
	h, err := os.ReadFile(filepath.Join(dir, "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(h)), "\n")
	if len(lines) != 101 || lines[0] != "iteration,energy,error,variance,acceptance,grad_norm,learning_rate,tau,ess,rhat,short,wall_seconds" {
		t.Errorf("history.csv has %d lines, header %q", len(lines), lines[0])
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) > 0 {
		t.Errorf("temporary files left behind: %v", m)
	}
}

// exact is null when no exact energy is known; -set scans a parameter.
func TestRunSetAndNullExact(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"-config", "../../configs/bosons-2d.toml", "-out", dir, "-set", "system.omega=0.5", "-set", "wavefunction.alpha=0.25", "-set", "optimizer.iterations=0", "-set", "production.samples=200"}
	if err := runRun(args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "energy = 1.000000 ± 0.000000 (exact 1)") {
		t.Errorf("ω = 0.5: output %q", out.String())
	}
	dir2 := t.TempDir()
	out.Reset()
	args = []string{"-out", dir2, "-config", "../../configs/bec-elliptical.toml", "-set", "optimizer.iterations=1",
		"-set", "sampler.samples=20", "-set", "production.samples=50", "-set", "sampler.burnin=10"}
	if err := runRun(args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir2, "result.json"))
	if !bytes.Contains(b, []byte(`"exact": null`)) {
		t.Errorf("hard spheres: result.json %s lacks \"exact\": null", b)
	}
}

// Same seed, ranks and walkers → bit-identical result.json, but for the
// volatile run metadata (version, times).
func TestRunBitIdentical(t *testing.T) {
	var files []string
	for range 2 {
		dir := t.TempDir()
		var out bytes.Buffer
		args := []string{"-out", dir, "-config", "../../configs/elliptical-one.toml", "-set", "optimizer.iterations=10", "-set", "production.samples=2000"}
		if err := runRun(args, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		files = append(files, resultNumbers(t, filepath.Join(dir, "result.json")))
	}
	if files[0] != files[1] {
		t.Errorf("result.json differs between identical runs:\n%s\n%s", files[0], files[1])
	}
}

func TestRunBadFlags(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{
		{"extra"},
		{"-config", "/nonexistent/run.toml"},
		{"-set", "nosuch.key=1"},
	} {
		if err := runRun(args, &out, &out); err == nil {
			t.Errorf("vmcmpi run %v succeeded", args)
		}
	}
}

// Without production the last iteration's estimate is printed.
func TestRunWithoutProduction(t *testing.T) {
	var out bytes.Buffer
	if err := runRun([]string{"-config", "../../configs/bosons-2d.toml", "-out", t.TempDir(), "-set", "production.samples=0"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "last iteration's estimate:\nenergy = 2.000000 ± 0.000000 (exact 2)\nvariance = 0,") {
		t.Errorf("output %q", out.String())
	}
	if err := runRun([]string{"-out", t.TempDir(), "-set", "production.samples=0", "-set", "optimizer.iterations=0"}, &out, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "production.samples") {
		t.Errorf("a run with nothing to compute: %v", err)
	}
}

// A learning rate far beyond the stability limit drives α negative (Ψ not
// normalisable): the run fails naming the divergence and keeps history.csv
// and the last good parameters (one positive α) in parameters.json.
func TestRunDivergenceKeepsParameters(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-config", "../../configs/bosons-2d.toml", "-out", dir, "-set", "optimizer.learning_rate=10",
		"-set", "optimizer.iterations=20", "-set", "output.progress=none"}
	err := runRun(args, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "diverged") || !strings.Contains(err.Error(), "parameters.json") {
		t.Fatalf("got %v, want a divergence that names parameters.json", err)
	}
	b, rerr := os.ReadFile(filepath.Join(dir, "parameters.json"))
	if rerr != nil {
		t.Fatal(rerr)
	}
	var p struct {
		Iteration  int       `json:"iteration"`
		Error      string    `json:"error"`
		Parameters []float64 `json:"parameters"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Parameters) != 1 || !(p.Parameters[0] > 0) || !strings.Contains(p.Error, "diverged") || p.Iteration < 1 {
		t.Errorf("parameters.json: %s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "history.csv")); err != nil {
		t.Errorf("history.csv not kept: %v", err)
	}
}

// resultNumbers is result.json without its volatile "run" object
// (program version, start and end times), which differs between two runs
// of the same numbers, and without the fields drop.
func resultNumbers(t *testing.T, path string, drop ...string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(readFile(t, path), &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if _, ok := m["run"]; !ok {
		t.Fatalf("%s lacks the run metadata", path)
	}
	delete(m, "run")
	for _, k := range drop {
		delete(m, k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
