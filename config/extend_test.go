package config

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

// numbers is result.json without its volatile "run" object (version and
// times), for comparing two runs' numbers byte for byte.
func numbers(t *testing.T, path string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(readFile(t, path), &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["run"]; !ok {
		t.Fatalf("%s lacks the run metadata", path)
	}
	delete(m, "run")
	delete(m, "config") // names the -set flags, which differ
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// resumeIn resumes the run in dir with the overrides sets (the
// configuration read from its checkpoint, as `vmcmpi run -resume DIR`
// alone does), runs it to its end and writes its files.
func resumeIn(t *testing.T, dir string, sets ...string) (*Job, error) {
	t.Helper()
	cfg, err := FromCheckpoint(comm.NewSerial(), dir, sets)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Output.Dir = dir
	job, err := Build(comm.NewSerial(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Resume(); err != nil {
		return job, err
	}
	res, err := job.Run(context.Background())
	if err := job.WriteOutputs(res, err); err != nil {
		t.Fatal(err)
	}
	if err := job.WriteDensity(res); err != nil {
		t.Fatal(err)
	}
	return job, nil
}

// sameNumbers compares result.json (without the run metadata), history.csv
// (without wall seconds) and density.csv of two run directories.
func sameNumbers(t *testing.T, got, want string) {
	t.Helper()
	if g, w := numbers(t, filepath.Join(got, "result.json")), numbers(t, filepath.Join(want, "result.json")); g != w {
		t.Fatalf("result.json differs:\n%s\nasked from the start:\n%s", g, w)
	}
	if g, w := dropWall(readFile(t, filepath.Join(got, "history.csv"))), dropWall(readFile(t, filepath.Join(want, "history.csv"))); g != w {
		t.Fatalf("history differs:\n%s\nasked from the start:\n%s", g, w)
	}
	if g, w := readFile(t, filepath.Join(got, "density.csv")), readFile(t, filepath.Join(want, "density.csv")); !bytes.Equal(g, w) {
		t.Fatal("density.csv differs")
	}
}

// A finished run extended by -resume DIR with more iterations, or more
// production samples, ends bit-identical to a run that asked for as many
// from the start: iterations continue from the end-of-optimisation state,
// production runs afresh from it, or continues from a periodic checkpoint
// taken during the production (chunks of 1000 samples align).
func TestExtendFinishedRun(t *testing.T) {
	// Two interacting bosons with a Gaussian: cheap, and no exact
	// eigenstate, so every number moves with the parameters.
	path := "../configs/bosons-2d.toml"
	base := []string{"system.interaction=coulomb", "optimizer.kind=adam", "optimizer.learning_rate=0.05",
		"sampler.walkers=2", "sampler.samples=100", "sampler.burnin=20"}
	with := func(s ...string) []string { return append(append([]string(nil), base...), s...) }
	root := t.TempDir()
	run := func(name string, sets ...string) string {
		dir := filepath.Join(root, name)
		runJobIn(t, dir, path, sets...)
		return dir
	}
	long := run("long", with("optimizer.iterations=6", "production.samples=2000")...)
	more := run("more", with("optimizer.iterations=6", "production.samples=3500")...)

	t.Run("iterations", func(t *testing.T) {
		dir := run("iter", with("optimizer.iterations=3", "production.samples=2000")...)
		if _, err := os.Stat(filepath.Join(dir, OptimisedDir, "checkpoint.bin")); err != nil {
			t.Fatalf("a finished run kept no end-of-optimisation state: %v", err)
		}
		job, err := resumeIn(t, dir, "optimizer.iterations=6")
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, OptimisedDir, "checkpoint.bin"); job.ResumedFrom() != want {
			t.Errorf("resumed from %s, want %s", job.ResumedFrom(), want)
		}
		sameNumbers(t, dir, long)
	})
	t.Run("production", func(t *testing.T) {
		dir := run("prod", with("optimizer.iterations=6", "production.samples=2000")...)
		if _, err := resumeIn(t, dir, "production.samples=3500"); err != nil {
			t.Fatal(err)
		}
		sameNumbers(t, dir, more)
	})
	t.Run("production-checkpoint", func(t *testing.T) {
		// A checkpoint after every production chunk: the last is after
		// 1000 of 2000 samples; the extension continues from it, and more
		// iterations fall back to the end-of-optimisation state.
		dir := run("prodck", with("optimizer.iterations=6", "production.samples=2000", "output.checkpoint_every=1")...)
		job, err := resumeIn(t, dir, "production.samples=3500")
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, "checkpoint.bin"); job.ResumedFrom() != want {
			t.Errorf("resumed from %s, want %s", job.ResumedFrom(), want)
		}
		sameNumbers(t, dir, more)

		dir = run("prodck2", with("optimizer.iterations=3", "production.samples=2000", "output.checkpoint_every=1")...)
		if _, err := resumeIn(t, dir, "optimizer.iterations=6"); err != nil {
			t.Fatal(err)
		}
		sameNumbers(t, dir, long)

		// Without the end-of-optimisation state the extension is refused.
		dir = run("prodck3", with("optimizer.iterations=3", "production.samples=2000", "output.checkpoint_every=1")...)
		if err := os.RemoveAll(filepath.Join(dir, OptimisedDir)); err != nil {
			t.Fatal(err)
		}
		if _, err := resumeIn(t, dir, "optimizer.iterations=6"); err == nil || !strings.Contains(err.Error(), "cannot add iterations") || !strings.Contains(err.Error(), "-init") {
			t.Fatalf("more iterations from a production checkpoint: %v", err)
		}
	})
	t.Run("fewer", func(t *testing.T) {
		dir := run("fewer", with("optimizer.iterations=3", "production.samples=2000")...)
		if _, err := resumeIn(t, dir, "optimizer.iterations=2"); err == nil || !strings.Contains(err.Error(), "iteration 3") {
			t.Fatalf("fewer iterations than done: %v", err)
		}
	})
}

// A checkpoint written before an [output] key existed still resumes from
// its stored configuration alone (the key takes its default); one that
// lacks a key of the physics is refused, naming it.
func TestFromFlatMissingKeys(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	flat, err := cfg.Flatten()
	if err != nil {
		t.Fatal(err)
	}
	delete(flat, "output.progress_every")
	got, err := FromFlat(flat, "old checkpoint")
	if err != nil || got.Output.ProgressEvery != 5 {
		t.Fatalf("without output.progress_every: %v, %+v", err, got)
	}
	delete(flat, "system.omega")
	if _, err := FromFlat(flat, "old checkpoint"); err == nil || !strings.Contains(err.Error(), "lacks system.omega") {
		t.Fatalf("without system.omega: %v", err)
	}
}
