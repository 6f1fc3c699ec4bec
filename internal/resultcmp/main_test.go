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

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCompare(t *testing.T) {
	ref := decode(t, `{"cv":{"score":[1.5,2.25],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`)
	for _, tc := range []struct {
		other, want string // want "" means equal
	}{
		{`{"cv":{"score":[1.5,2.25],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ""},
		{`{"cv":{"score":[1.5,2.2500000000000004],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ""},
		{`{"cv":{"score":[1.5,2.2500001],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ".cv.score[1]"},
		{`{"cv":{"score":[1.5,2.25],"chosen_lambda":0.01},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ".cv.chosen_lambda"},
		{`{"cv":{"score":[1.5],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ".cv.score"},
		{`{"cv":{"score":[1.5,2.25],"chosen_lambda":0.001},"weights":{"a":0.25},"method":"ridge"}`, ".weights.b"},
		{`{"cv":{"score":[1.5,2.25],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"lasso"}`, ".method"},
	} {
		n, err := compare("", ref, decode(t, tc.other), 1e-12)
		switch {
		case tc.want == "" && (err != nil || n != 5):
			t.Errorf("%s: %v (%d numbers), want equal with 5 numbers", tc.other, err, n)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want a difference at %s", tc.other, err, tc.want)
		}
	}
}

// -ranks: a 3-rank run against a 1-rank run of 10⁴ samples per rank, with
// error bars 0.01 and 0.01/√3 (the 1/√n scaling).
func TestRankCheck(t *testing.T) {
	ref := vmcResult{Energy: 1, Error: 0.01, Samples: 1e4, Ranks: 1}
	good := vmcResult{Energy: 1.005, Error: 0.01 / math.Sqrt(3), Samples: 3e4, Ranks: 3}
	for _, tc := range []struct {
		r    vmcResult
		want string // "" means ok
	}{
		{good, ""},
		{vmcResult{Energy: 1.05, Error: good.Error, Samples: 3e4, Ranks: 3}, "more than 4 ×"},
		{vmcResult{Energy: 1, Error: good.Error, Samples: 2e4, Ranks: 3}, "20000 samples on 3 ranks, want 30000"},
		{vmcResult{Energy: 1, Error: 0.01, Samples: 3e4, Ranks: 3}, "1.73 × the reference's"},
	} {
		_, _, _, err := rankCheck(ref, tc.r)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v, want ok", tc.r, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: %v, want %q", tc.r, err, tc.want)
		}
	}
}

// The command: files or directories, exit 0 when equal, 1 when a check
// fails, 2 on bad input.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one := write("one/result.json", `{"energy": 1, "error": 0.01, "samples": 10000, "ranks": 1}`)
	three := write("three/result.json", `{"energy": 1.005, "error": 0.0058, "samples": 30000, "ranks": 3}`)
	far := write("far.json", `{"energy": 2, "error": 0.0058, "samples": 30000, "ranks": 3}`)
	bad := write("bad.json", `{"energy": `)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{one, filepath.Join(dir, "one")}, 0, "ok: " + filepath.Join(dir, "one") + " matches"},
		{[]string{one, three}, 1, "FAIL: " + one + " vs " + three + ": .energy: 1 vs 1.0049999999999999"},
		{[]string{"-tol", "0.7", one, three}, 0, "(4 numbers, relative tolerance 0.7)"},
		{[]string{"-ranks", filepath.Join(dir, "one"), filepath.Join(dir, "three")}, 0, "3 rank(s): E = 1.005000 ± 0.005800, 30000 samples, |ΔE| = 0.43 σ, err·√n ratio 1.00: ok"},
		{[]string{"-ranks", one, three, far}, 1, "more than 4 ×"},
		{[]string{one, bad}, 2, "bad.json"},
		{[]string{"-ranks", one, filepath.Join(dir, "missing")}, 2, "missing"},
		{[]string{one}, 2, "usage"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.want) {
			t.Errorf("resultcmp %v: exit %d, output\n%s%s\nwant %d and %q", tc.args, code, stdout.String(), stderr.String(), tc.code, tc.want)
		}
	}
}

// The run's metadata (timestamps, wall time) never makes two runs differ;
// a number beside it still does.
func TestCompareSkipsRunInfo(t *testing.T) {
	a := decode(t, `{"energy": 1.5, "run": {"started": "2026-01-01T00:00:00Z", "wall_seconds": 3}}`)
	b := decode(t, `{"energy": 1.5, "run": {"started": "2026-01-01T00:00:09Z", "wall_seconds": 4}}`)
	if n, err := compare("", a, b, 0); err != nil || n != 1 {
		t.Fatalf("run metadata compared: %d numbers, %v", n, err)
	}
	c := decode(t, `{"energy": 1.6, "run": {"started": "2026-01-01T00:00:00Z", "wall_seconds": 3}}`)
	if _, err := compare("", a, c, 0); err == nil {
		t.Fatal("a differing energy beside run metadata passed")
	}
}
