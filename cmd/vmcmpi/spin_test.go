package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `vmcmpi exact` on the shipped 10-site Heisenberg ring prints and writes
// the Bethe-ansatz energy −4.515446354 (to its 10 digits).
func TestExactCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	err := runExact([]string{"-config", "../../configs/heisenberg-chain10.toml", "-out", dir}, &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "exact energy = -4.515446354") {
		t.Errorf("output lacks the energy:\n%s", out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "exact.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Energy    float64 `json:"energy"`
		Dimension int     `json:"dimension"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Energy+4.515446354) > 1e-9 || f.Dimension != 252 {
		t.Errorf("exact.json: energy %.12g in dimension %d, want −4.515446354 in 252", f.Energy, f.Dimension)
	}
}

// Bad input is refused before any work, with a message naming the
// problem.
func TestExactBadInput(t *testing.T) {
	// Too large for exact diagonalisation: the bytes needed (2^34 states ×
	// 11 vectors × 8 bytes at the smallest Krylov size), at once.
	var out, errb bytes.Buffer
	err := runExact([]string{"-config", "../../configs/tfim-chain10.toml", "-set", "system.length=34", "-out", t.TempDir()}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "needs 1511828488192 bytes") {
		t.Errorf("34-site TFIM: error %v, want one naming the bytes needed", err)
	}
	for _, args := range [][]string{
		{},
		{"-config", "../../configs/bosons-harmonic.toml"},
		{"-config", "../../configs/tfim-chain10.toml", "-max-memory", "0"},
	} {
		if err := runExact(append(args, "-out", t.TempDir()), &out, &errb); err == nil {
			t.Errorf("vmcmpi exact %v: no error", args)
		}
	}
}

// production.lanczos_samples: the command prints the Lanczos step and
// writes it to result.json, E₁ below E and, on the 4×4 lattice, within 5
// error bars of its exact energy; a finished run without it gets it by
// -resume with the key, its production numbers unchanged.
func TestRunLanczosStep(t *testing.T) {
	if testing.Short() {
		t.Skip("4×4 optimisation and a Lanczos step: ~5 s")
	}
	root := t.TempDir()
	base := []string{"-config", "../../configs/heisenberg-4x4.toml", "-set", "optimizer.iterations=60",
		"-set", "production.samples=1000", "-set", "output.progress=none"}
	var out bytes.Buffer
	with, without := filepath.Join(root, "with"), filepath.Join(root, "without")
	if err := runRun(append(base, "-out", with, "-set", "production.lanczos_samples=300"), &out, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "one Lanczos step: E1 = ") || !strings.Contains(out.String(), "zero-variance extrapolation") {
		t.Errorf("output lacks the Lanczos step:\n%s", out.String())
	}
	var r struct {
		Energy  float64 `json:"energy"`
		Lanczos *struct {
			Samples       int     `json:"samples"`
			Energy        float64 `json:"energy"`
			Energy1       float64 `json:"energy1"`
			Error1        float64 `json:"error1"`
			Lowering      float64 `json:"lowering"`
			LoweringError float64 `json:"lowering_error"`
		} `json:"lanczos"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(with, "result.json")), &r); err != nil {
		t.Fatal(err)
	}
	const exact = -11.228483
	l := r.Lanczos
	if l == nil || l.Samples != 1200 {
		t.Fatalf("result.json lanczos: %+v, want 4 walkers × 300 samples", l)
	}
	if !(l.Lowering < -3*l.LoweringError) || l.Energy1 < exact-5*l.Error1 || math.Abs(l.Lowering-(l.Energy1-l.Energy)) > 1e-12 {
		t.Errorf("E = %v, E₁ = %v ± %v, E₁ − E = %v ± %v: want a significant lowering above the exact %v", l.Energy, l.Energy1, l.Error1, l.Lowering, l.LoweringError, exact)
	}
	out.Reset()
	if err := runRun(append(base, "-out", without), &out, &out); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(without, "result.json")), &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["lanczos"]; ok || strings.Contains(out.String(), "Lanczos step") {
		t.Errorf("a run without production.lanczos_samples reports a Lanczos step:\n%s", out.String())
	}
	before := resultNumbers(t, filepath.Join(without, "result.json"), "config")
	out.Reset()
	if err := runRun([]string{"-resume", without, "-set", "production.lanczos_samples=300"}, &out, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "one Lanczos step") {
		t.Errorf("-resume with production.lanczos_samples: no Lanczos step\n%s", out.String())
	}
	after := resultNumbers(t, filepath.Join(without, "result.json"), "config", "lanczos")
	if before != after {
		t.Errorf("the resumed run changed the production result:\n%s\nwas\n%s", after, before)
	}
}

// [gfmc]: the command prints the projection and writes it to result.json:
// on the sign-free 4×4 Heisenberg lattice the exact energy within 4 error
// bars, below the trial state's; -resume adds it to a finished run without
// changing its production numbers; a complex trial state is refused by
// key.
func TestRunGFMC(t *testing.T) {
	if testing.Short() {
		t.Skip("4×4 optimisation and a projection: ~5 s")
	}
	root := t.TempDir()
	base := []string{"-config", "../../configs/heisenberg-4x4.toml", "-set", "optimizer.iterations=60",
		"-set", "production.samples=1000", "-set", "output.progress=none"}
	gfmc := []string{"-set", "gfmc.steps=400", "-set", "gfmc.walkers=40"}
	var out bytes.Buffer
	with, without := filepath.Join(root, "with"), filepath.Join(root, "without")
	if err := runRun(append(append(base, "-out", with), gfmc...), &out, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "GFMC: E = ") || !strings.Contains(out.String(), "exact for this sign-free model") || !strings.Contains(out.String(), "p = 20: ") {
		t.Errorf("output lacks the projection:\n%s", out.String())
	}
	var r struct {
		Energy float64 `json:"energy"`
		GFMC   *struct {
			Walkers     int       `json:"walkers"`
			Energy      float64   `json:"energy"`
			Error       float64   `json:"error"`
			Projections []int     `json:"projections"`
			Energies    []float64 `json:"energies"`
			FixedNode   bool      `json:"fixed_node"`
		} `json:"gfmc"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(with, "result.json")), &r); err != nil {
		t.Fatal(err)
	}
	const exact = -11.228483
	g := r.GFMC
	if g == nil || g.Walkers != 40 || g.FixedNode || len(g.Energies) != len(g.Projections) {
		t.Fatalf("result.json gfmc: %+v, want 40 walkers, not fixed-node", g)
	}
	if math.Abs(g.Energy-exact) > 4*g.Error || !(g.Energy < r.Energy) {
		t.Errorf("GFMC %v ± %v, want the exact %v, below the trial state's %v", g.Energy, g.Error, exact, r.Energy)
	}
	out.Reset()
	if err := runRun(append(base, "-out", without), &out, &out); err != nil {
		t.Fatal(err)
	}
	before := resultNumbers(t, filepath.Join(without, "result.json"), "config")
	out.Reset()
	if err := runRun(append([]string{"-resume", without}, gfmc...), &out, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "GFMC: E = ") {
		t.Errorf("-resume with gfmc.steps: no projection\n%s", out.String())
	}
	after := resultNumbers(t, filepath.Join(without, "result.json"), "config", "gfmc")
	if before != after {
		t.Errorf("the resumed run changed the production result:\n%s\nwas\n%s", after, before)
	}
	for _, c := range []struct {
		set  []string
		want string
	}{
		{[]string{"wavefunction.kind=rbm-spin-complex"}, "gfmc.steps"},
		{[]string{"gfmc.equilibrate=5"}, "gfmc.equilibrate"},
		{[]string{"gfmc.walkers=1"}, "gfmc.walkers"},
		{[]string{"gfmc.tau=-1"}, "gfmc.tau"},
	} {
		args := append(append([]string{}, base...), "-out", filepath.Join(root, "bad"))
		args = append(args, gfmc...)
		for _, s := range c.set {
			args = append(args, "-set", s)
		}
		out.Reset()
		if err := runRun(args, &out, &out); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want one naming %s", c.set, err, c.want)
		}
	}
}
