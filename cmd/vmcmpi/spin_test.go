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
