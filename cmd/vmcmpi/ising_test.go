package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/generative"
)

const isingSmall = `
[model]
length = 4
temperatures = [2.0, 3.0]
[mc]
thermalize = 200
samples = 400
every = 2
[rbm]
hidden = 3
k = 2
batch = 40
chains = 20
epochs = 4
learning_rate = 0.01
[eval]
chains = 4
burn_in = 50
samples = 200
ais_runs = 10
ais_steps = 50
[output]
checkpoint_every = 2
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIsingCommand runs a tiny study end to end, then checks that -resume
// from its final checkpoint reproduces the same results file.
func TestIsingCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "s.toml", isingSmall)
	out := filepath.Join(dir, "out")
	var so, se bytes.Buffer
	if code := dispatch([]string{"ising", "-config", cfg, "-out", out}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	for _, f := range []string{"results.json", "results.csv", "ising.png", "checkpoint.bin", "data/T2.txt", "data/T3.txt"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	var rep generative.Report
	b, _ := os.ReadFile(filepath.Join(out, "results.json"))
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Points) != 2 || rep.Points[0].RBM == nil || rep.Points[0].LogLikelihood == nil {
		t.Fatalf("results.json: %v %+v", err, rep)
	}
	if !strings.Contains(so.String(), "RBM e =") {
		t.Errorf("stdout: %s", so.String())
	}
	// Reading the written data back instead of generating it gives the
	// same Monte Carlo observables (the directory given by -set).
	out2 := filepath.Join(dir, "out2")
	if code := dispatch([]string{"ising", "-config", cfg, "-set", "mc.data_dir=" + filepath.Join(out, "data"), "-out", out2}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	var rep2 generative.Report
	b2, _ := os.ReadFile(filepath.Join(out2, "results.json"))
	if err := json.Unmarshal(b2, &rep2); err != nil {
		t.Fatal(err)
	}
	if rep2.Points[1].MC.E != rep.Points[1].MC.E || rep2.Points[1].MC.Chi != rep.Points[1].MC.Chi {
		t.Errorf("MC from file %+v, generated %+v", rep2.Points[1].MC, rep.Points[1].MC)
	}
}

func TestIsingBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	writeFile(t, empty, "T2.txt", "")
	for _, c := range []struct {
		name, text, want string
	}{
		{"negT", strings.Replace(isingSmall, "[2.0, 3.0]", "[2.0, -1.0]", 1), "model.temperatures"},
		{"zeroT", strings.Replace(isingSmall, "[2.0, 3.0]", "[0.0]", 1), "model.temperatures"},
		{"unknown", isingSmall + "\n[rbm2]\nx = 1\n", "unknown key rbm2"},
		{"memory", strings.Replace(isingSmall, "length = 4", "length = 2000", 1), "max_memory_mib"},
		{"hidden", strings.Replace(isingSmall, "hidden = 3", "hidden = 5000000", 1), "max_memory_mib"},
		{"empty", strings.Replace(isingSmall, "[mc]", "[mc]\ndata_dir = \""+empty+"\"", 1), "empty data file"},
	} {
		cfg := writeFile(t, dir, c.name+".toml", c.text)
		var so, se bytes.Buffer
		code := dispatch([]string{"ising", "-config", cfg, "-out", filepath.Join(dir, "o-"+c.name)}, &so, &se)
		if code != 1 || !strings.Contains(se.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q, want 1 and %q", c.name, code, se.String(), c.want)
		}
		if !strings.Contains(se.String(), c.name) && c.name != "empty" {
			t.Errorf("%s: error does not name the file: %q", c.name, se.String())
		}
	}
	var so, se bytes.Buffer
	if code := dispatch([]string{"ising"}, &so, &se); code != 1 || !strings.Contains(se.String(), "-config") {
		t.Errorf("no config: exit %d, %q", code, se.String())
	}
	if code := dispatch([]string{"ising", "-config", "../../configs/ising/ising-8.toml", "-set", "rbm.hiden=3"}, &so, &se); code != 1 || !strings.Contains(se.String(), "unknown key rbm.hiden") {
		t.Errorf("bad -set: exit %d, %q", code, se.String())
	}
	if code := dispatch([]string{"ising", "-bogus"}, &so, &se); code != 1 {
		t.Errorf("bad flag: exit %d", code)
	}
	if code := dispatch([]string{"ising", "-h"}, &so, &se); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
}
