package output

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/vmc"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The files keep the exact format the command has always written (the
// texts below spell it out; internal/samecheck compares whole runs with a
// binary built before this package existed).
func TestWriteHistoryGolden(t *testing.T) {
	p := filepath.Join(t.TempDir(), "history.csv")
	hist := []vmc.Record{
		{Iteration: 0, Energy: 3.0123456789012345, Error: 1e-5, Variance: 0.25, Acceptance: 0.96, GradNorm: 1.5, LearningRate: 0.1,
			Tau: 1.25, ESS: 4000, RHat: 1.001, Wall: 0.003},
		{Iteration: 1, Energy: math.NaN(), Error: math.Inf(1), Variance: 0, Acceptance: 1, GradNorm: 0, LearningRate: 0.1,
			Tau: math.NaN(), ESS: 10, RHat: 1.2, Short: true, Wall: 12},
	}
	if err := WriteHistory(p, hist); err != nil {
		t.Fatal(err)
	}
	want := "iteration,energy,error,variance,acceptance,grad_norm,learning_rate,tau,ess,rhat,short,wall_seconds\n" +
		"0,3.0123456789012346,1e-05,0.25,0.96,1.5,0.1,1.25,4000,1.001,0,0.003\n" +
		"1,NaN,+Inf,0,1,0,0.1,NaN,10,1.2,1,12\n"
	if got := read(t, p); got != want {
		t.Errorf("history.csv:\n%s\nwant:\n%s", got, want)
	}
	h, err := ReadHistory(p)
	if err != nil {
		t.Fatal(err)
	}
	if h.Iter[1] != 1 || h.Energy[0] != 3.0123456789012346 || !math.IsNaN(h.Energy[1]) || h.Error[0] != 1e-5 {
		t.Errorf("read back %+v", h)
	}
}

func TestWriteResultGolden(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "result.json")
	res := &vmc.Result{Energy: 3.00001, Error: 2e-5, Variance: math.NaN(), Acceptance: 0.95, Samples: 400000, Ranks: 1, Walkers: 4,
		Iterations: 100, Params: []float64{0.5, -1e-3}, Exact: 3, HasExact: true,
		Tau: 2.5, ESS: 160000, RHat: math.NaN(), Short: true, Warning: "series too short"}
	if err := WriteResult(p, NewResult(res, 1, "configs/x.toml", 0)); err != nil {
		t.Fatal(err)
	}
	want := `{
  "energy": 3.00001,
  "error": 0.00002,
  "tau": 2.5,
  "ess": 160000,
  "rhat": null,
  "short": true,
  "warning": "series too short",
  "variance": null,
  "acceptance": 0.95,
  "samples": 400000,
  "ranks": 1,
  "walkers": 4,
  "iterations": 100,
  "exact": 3,
  "parameters": [
    0.5,
    -0.001
  ],
  "seed": 1,
  "config": "configs/x.toml"
}
`
	if got := read(t, p); got != want {
		t.Errorf("result.json:\n%s\nwant:\n%s", got, want)
	}
	res.HasExact = false
	if err := WriteResult(p, NewResult(res, 7, "c", 10)); err != nil {
		t.Fatal(err)
	}
	got := read(t, p)
	if !strings.Contains(got, `"exact": null`) || !strings.HasSuffix(got, "\"config\": \"c\",\n  \"sites\": 10\n}\n") {
		t.Errorf("lattice result without exact energy:\n%s", got)
	}
	r, err := ReadResult(p)
	if err != nil || r.Exact != nil || r.Sites != 10 || r.Seed != 7 || *r.Energy != 3.00001 || r.Variance != nil {
		t.Errorf("read back %+v, %v", r, err)
	}
	res.Params[1] = math.Inf(-1)
	if err := WriteResult(p, NewResult(res, 1, "c", 0)); err == nil || !strings.Contains(err.Error(), "non-finite parameter") {
		t.Errorf("non-finite parameter: %v", err)
	}
	if read(t, p) != got {
		t.Error("a refused result replaced the file")
	}
}

func TestWriteParametersGolden(t *testing.T) {
	p := filepath.Join(t.TempDir(), "parameters.json")
	if err := WriteParameters(p, 3, errors.New("vmc: diverged"), []float64{0.25}); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"iteration\": 3,\n  \"error\": \"vmc: diverged\",\n  \"parameters\": [\n    0.25\n  ]\n}\n"
	if got := read(t, p); got != want {
		t.Errorf("parameters.json:\n%s\nwant:\n%s", got, want)
	}
}

func TestDensityRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "density.csv")
	d := &vmc.Density{Lo: []float64{0, 0.5}, Hi: []float64{0.5, 1}, Count: []float64{10, 4}, Rho: []float64{0.1, 1.0 / 3}, Samples: 7, Overflow: 1}
	if err := WriteDensity(p, d); err != nil {
		t.Fatal(err)
	}
	want := "# one-body radial density, 7 samples, 1 positions beyond r = 1\nr_lo,r_hi,count,density\n" +
		"0,0.5,10,0.10000000000000001\n0.5,1,4,0.33333333333333331\n"
	if got := read(t, p); got != want {
		t.Errorf("density.csv:\n%s\nwant:\n%s", got, want)
	}
	r, err := ReadDensity(p)
	if err != nil {
		t.Fatal(err)
	}
	if w := (RadialDensity{Lo: d.Lo, Hi: d.Hi, Density: d.Rho}); !reflect.DeepEqual(r, w) {
		t.Errorf("read back %+v, want %+v", r, w)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "history.csv")
	if _, err := ReadHistory(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	for _, tc := range []struct{ text, want string }{
		{"iteration,energy,error\n0,1.5,x\n", `line 2, column "error": "x" is not a number`},
		{"step,E\n0,1.5\n", `header "step,E" lacks an iteration, energy or error column`},
		{"", "empty file"},
		{"iter,energy,energy_error\n0,1\n", "wrong number of fields"},
	} {
		if err := os.WriteFile(p, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadHistory(p); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: error %v, want one naming %s and %q", tc.text, err, p, tc.want)
		}
	}
	if err := os.WriteFile(p, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResult(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("bad JSON: %v", err)
	}
}
