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
	"time"
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

// -resume DIR -set optimizer.iterations=N extends a finished run to the
// numbers of a run that asked for N from the start; -init starts a new
// run from its parameters, and refuses another wave function's, naming
// the file and both shapes.
func TestRunExtendAndInit(t *testing.T) {
	root := t.TempDir()
	var out bytes.Buffer
	args := func(dir string, extra ...string) []string {
		return append([]string{"-out", dir, "-config", "../../configs/dot2-rbm-pade-sr.toml", "-set", "sampler.walkers=2",
			"-set", "sampler.samples=200", "-set", "sampler.burnin=50", "-set", "production.samples=1000",
			"-set", "output.progress=none"}, extra...)
	}
	short, long := filepath.Join(root, "short"), filepath.Join(root, "long")
	if err := runRun(args(short, "-set", "optimizer.iterations=3"), &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := runRun(args(long, "-set", "optimizer.iterations=6"), &out, &out); err != nil {
		t.Fatal(err)
	}
	init := filepath.Join(root, "init.json")
	if err := os.WriteFile(init, readFile(t, filepath.Join(short, "result.json")), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runRun([]string{"-resume", short, "-set", "optimizer.iterations=6"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "resumed from "+filepath.Join(short, "optimised", "checkpoint.bin")+" after 3 iteration(s)") {
		t.Errorf("extension output %q", out.String())
	}
	// Every number of the longer run; the "config" label names the
	// checkpoint the configuration came from.
	if g, w := resultNumbers(t, filepath.Join(short, "result.json"), "config"), resultNumbers(t, filepath.Join(long, "result.json"), "config"); g != w {
		t.Fatalf("extended run:\n%s\nasked for 6 from the start:\n%s", g, w)
	}
	if g, w := dropWall(readFile(t, filepath.Join(short, "history.csv"))), dropWall(readFile(t, filepath.Join(long, "history.csv"))); g != w {
		t.Fatalf("history of the extended run:\n%s\nasked for 6 from the start:\n%s", g, w)
	}
	if !bytes.Equal(readFile(t, filepath.Join(short, "density.csv")), readFile(t, filepath.Join(long, "density.csv"))) {
		t.Fatal("density.csv of the extended run differs")
	}

	warm := filepath.Join(root, "warm")
	if err := runRun(args(warm, "-set", "optimizer.iterations=1", "-init", init), &out, &out); err != nil {
		t.Fatal(err)
	}
	if r := resultNumbers(t, filepath.Join(warm, "result.json")); !strings.Contains(r, "-init "+init) {
		t.Errorf("result.json does not name the -init file: %s", r)
	}
	err := runRun(args(filepath.Join(root, "bad"), "-set", "wavefunction.hidden=2", "-init", init), &out, &out)
	if err == nil || !strings.Contains(err.Error(), init) || !strings.Contains(err.Error(), "rbm.W[4×4]") || !strings.Contains(err.Error(), "rbm.W[4×2]") {
		t.Errorf("-init of another shape: %v", err)
	}
	if err := runRun([]string{"-resume", short, "-init", init}, &out, &out); err == nil || !strings.Contains(err.Error(), "give one of them") {
		t.Errorf("-resume with -init: %v", err)
	}
}

// A run logging to a file starts with a timestamped banner and writes
// timestamped progress lines.
func TestRunBannerAndTimestamps(t *testing.T) {
	var out, log bytes.Buffer
	dir := t.TempDir()
	err := runRun([]string{"-out", dir, "-config", "../../configs/bosons-2d.toml", "-set", "optimizer.iterations=3",
		"-set", "sampler.samples=200", "-set", "production.samples=400", "-set", "output.progress=lines",
		"-set", "output.progress_every=1e-9"}, &out, &log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	want := "vmcmpi run: 2 particles in 2D, harmonic trap ω = 1; gaussian, 1 parameter; 1 rank × 4 walkers × "
	if len(lines) < 3 || !strings.Contains(lines[0], want) || !strings.HasSuffix(lines[0], "; 3 iterations, 400 production samples per walker; output "+dir) {
		t.Fatalf("banner %q, want it to contain %q", lines[0], want)
	}
	for _, l := range lines {
		stamp, rest, _ := strings.Cut(l, " ")
		if _, err := time.Parse(time.RFC3339, stamp); err != nil || rest == "" {
			t.Errorf("line without a timestamp: %q", l)
		}
	}
	if !strings.Contains(log.String(), " optimise 3/3 (100%)") || !strings.Contains(log.String(), " production 400/400 (100%)") {
		t.Errorf("progress lines missing:\n%s", log.String())
	}
}
