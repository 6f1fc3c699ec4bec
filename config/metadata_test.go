package config

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/output"
)

// Every example's wave function is known to ParamShapes: named factors,
// and blocks that add up to the parameter count (the fallback "theta"
// block would hide a layout that went out of date).
func TestParamShapesEveryConfig(t *testing.T) {
	files, err := filepath.Glob("../configs/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	want := map[string]string{
		"dot2-rbm-pade-sr": "rbm×pade: rbm.a[4] rbm.b[4] rbm.W[4×4] pade.beta[1]",
		"bosons-2d":        "gaussian: gaussian.alpha[1]",
		"dot2-ffnn-pade":   "ffnn×pade: ffnn.W1[8×4] ffnn.b1[8] ffnn.W2[8×8] ffnn.b2[8] ffnn.W3[1×8] ffnn.b3[1] pade.beta[1]",
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		if testing.Short() && name == "heisenberg-4x4" {
			continue // its build takes a second (18 s under -race); the chain has the same model
		}
		cfg, err := Load(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		sys, err := cfg.BuildSystem()
		if err != nil {
			t.Fatal(err)
		}
		model, blocks := ParamShapes(sys)
		total := 0
		for _, b := range blocks {
			total += b.Size()
		}
		if model == "unknown" || total != sys.NumParams() || blocks[0].Name == "theta" {
			t.Errorf("%s: model %q, blocks %s for %d parameters", name, model, output.FormatShapes(blocks), sys.NumParams())
		}
		got := model + ": " + output.FormatShapes(blocks)
		if w, ok := want[name]; ok && got != w {
			t.Errorf("%s: %s, want %s", name, got, w)
		}
	}
}

// result.json carries the run metadata: units, launch, shapes, and the
// volatile "run" object with RFC 3339 times in order.
func TestResultMetadata(t *testing.T) {
	dir := t.TempDir()
	runJobIn(t, dir, "../configs/tfim-chain10.toml", "optimizer.iterations=2", "sampler.samples=100",
		"sampler.burnin=20", "sampler.walkers=2", "production.samples=1000")
	r, err := output.ReadResult(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Run == nil {
		t.Fatal("result.json has no run object")
	}
	if r.Units == nil || !strings.HasPrefix(r.Units.Energy, "J") || r.Run.Hosts != 1 || r.Run.Threads < 1 || r.Run.Threads > 2 || r.Ranks != 1 || r.Walkers != 2 {
		t.Errorf("units %+v, hosts %d, threads %d, ranks %d, walkers %d", r.Units, r.Run.Hosts, r.Run.Threads, r.Ranks, r.Walkers)
	}
	if r.Model != "rbm-spin" && r.Model != "rbm-spin-sym" {
		t.Errorf("model %q", r.Model)
	}
	if r.Tau == nil || r.ESS == nil || *r.ESS <= 0 {
		t.Errorf("tau %v, ess %v", r.Tau, r.ESS)
	}
	if r.Run == nil || r.Run.Version == "" || r.Run.Go == "" || r.Run.WallSeconds < 0 {
		t.Fatalf("run metadata %+v", r.Run)
	}
	start, err1 := time.Parse(time.RFC3339, r.Run.Started)
	end, err2 := time.Parse(time.RFC3339, r.Run.Finished)
	if err1 != nil || err2 != nil || end.Before(start) {
		t.Errorf("times %q … %q: %v %v", r.Run.Started, r.Run.Finished, err1, err2)
	}
	// The volatile part is one object, which samecheck drops.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "result.json")), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"started", "finished", "version", "wall_seconds"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s is a top-level field; volatile fields belong in \"run\"", k)
		}
	}
}
