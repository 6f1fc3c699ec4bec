package config

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/output"
)

// -init starts a run from the parameters of an earlier result.json: the
// system holds them before the first iteration, so with no iterations
// the run measures exactly the earlier run's final parameters. Another
// hidden-unit count, another wave function or a parameters.json of
// another length are refused, naming the file and both shapes.
func TestInitFromEarlierRun(t *testing.T) {
	path := "../configs/dot2-rbm-pade-sr.toml"
	sets := []string{"sampler.walkers=2", "sampler.samples=200", "sampler.burnin=50", "production.samples=1000"}
	dir := t.TempDir()
	runJobIn(t, dir, path, append(sets, "optimizer.iterations=4")...)
	resultPath := filepath.Join(dir, "result.json")
	earlier, err := output.ReadResult(resultPath)
	if err != nil {
		t.Fatal(err)
	}

	init, err := ReadInit(resultPath)
	if err != nil {
		t.Fatal(err)
	}
	if init.Model != "rbm×pade" || output.FormatShapes(init.Shapes) != "rbm.a[4] rbm.b[4] rbm.W[4×4] pade.beta[1]" {
		t.Fatalf("recorded model %q, shapes %s", init.Model, output.FormatShapes(init.Shapes))
	}
	cfg, err := Load(path, append(sets, "optimizer.iterations=0"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Output.Dir = t.TempDir()
	job, err := BuildInit(comm.NewSerial(), cfg, init)
	if err != nil {
		t.Fatal(err)
	}
	if got := job.Driver.Params(); !slices.Equal(got, earlier.Parameters) {
		t.Fatalf("warm start parameters %v, want %v", got, earlier.Parameters)
	}
	if !strings.Contains(cfg.Source, "-init "+resultPath) {
		t.Errorf("source %q does not name the -init file", cfg.Source)
	}
	res, err := job.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Params, earlier.Parameters) {
		t.Fatal("a run without iterations changed the warm-start parameters")
	}

	for _, tc := range []struct {
		name string
		sets []string
		want []string
	}{
		{"hidden", []string{"wavefunction.hidden=8"}, []string{resultPath, "rbm.W[4×4]", "rbm.W[4×8]", "(25 parameters)", "(45 parameters)"}},
		{"model", []string{"wavefunction.kind=gaussian"}, []string{resultPath, "rbm×pade", "gaussian×pade"}},
	} {
		cfg, err := Load(path, append(sets, tc.sets...))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Output.Dir = t.TempDir()
		_, err = BuildInit(comm.NewSerial(), cfg, init)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want it to name %q", tc.name, err, w)
			}
		}
	}

	// parameters.json records no model: the count decides.
	pj := filepath.Join(t.TempDir(), "parameters.json")
	if err := output.WriteJSON(pj, output.Parameters{Iteration: 3, Error: "diverged", Parameters: []float64{1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	in, err := ReadInit(pj)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err = Load(path, sets)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Output.Dir = t.TempDir()
	if _, err := BuildInit(comm.NewSerial(), cfg, in); err == nil || !strings.Contains(err.Error(), "its parameters are 3 parameters") || !strings.Contains(err.Error(), "(25 parameters)") {
		t.Errorf("parameters.json of 3 values: %v", err)
	}
	for _, bad := range []string{`{"energy": 1}`, `not json`, `{"parameters": [1, "x"]}`} {
		f := filepath.Join(t.TempDir(), "r.json")
		if err := os.WriteFile(f, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadInit(f); err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("ReadInit(%s): %v, want an error naming the file", bad, err)
		}
	}
}
