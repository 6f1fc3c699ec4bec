package config

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSchemaComplete: the schema documents exactly the keys of Config,
// each with a meaning and a range, every table's keys together.
func TestSchemaComplete(t *testing.T) {
	var documented []string
	for _, k := range Schema() {
		documented = append(documented, k.Key)
		if k.Doc == "" || k.Range == "" {
			t.Errorf("%s: missing meaning or range", k.Key)
		}
	}
	want := schemaKeys()
	slices.Sort(want)
	got := slices.Clone(documented)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("schema keys\n%v\nwant the keys of Config\n%v", got, want)
	}
	seen := map[string]bool{}
	for i, k := range documented {
		table, _, _ := strings.Cut(k, ".")
		if seen[table] && !strings.HasPrefix(documented[i-1], table) {
			t.Errorf("%s: the keys of [%s] are not together", k, table)
		}
		seen[table] = true
	}
}

// runConfigs are the run configurations shipped in configs/ (the
// regression and Ising studies have schemas of their own).
func runConfigs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../configs/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs/*.toml: %v", err)
	}
	return files
}

// sameConfig compares two configurations key by key (Source and the set
// of explicit keys aside).
func sameConfig(t *testing.T, what string, got, want *Config) {
	t.Helper()
	g, w := *got, *want
	g.Source, w.Source, g.explicit, w.explicit = "", "", nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got\n%+v\nwant\n%+v", what, g, w)
	}
}

// TestWriteTOMLRoundTrip: for every shipped configuration and the
// embedded default, the printed configuration decodes to the same
// effective configuration (decode → encode → decode; derived defaults
// such as σ² = 1/ω printed as their values), prints the same text again
// (the notes on derived values too, now that the values are set), and is
// complete: decoded over an all-zero base instead of the defaults, it is
// still the same configuration.
func TestWriteTOMLRoundTrip(t *testing.T) {
	for _, path := range append([]string{""}, runConfigs(t)...) {
		cfg, err := Load(path, []string{"sampler.walkers=3", "optimizer.momentum=0.5"})
		if err != nil {
			t.Fatal(err)
		}
		var text bytes.Buffer
		if err := cfg.WriteTOML(&text); err != nil {
			t.Fatal(err)
		}
		again, err := Decode(text.Bytes(), "printed "+path, Defaults())
		if err != nil {
			t.Fatalf("%s: the printed configuration does not decode: %v\n%s", path, err, text.String())
		}
		sameConfig(t, path+" over the defaults", again, cfg.Effective())
		sameConfig(t, path+" printed again", again.Effective(), again)
		zero, err := Decode(text.Bytes(), "printed "+path, Config{})
		if err != nil {
			t.Fatalf("%s: over a zero base: %v", path, err)
		}
		sameConfig(t, path+" over a zero base", zero, cfg.Effective())
		again.Source = cfg.Source
		var text2 bytes.Buffer
		if err := again.WriteTOML(&text2); err != nil {
			t.Fatal(err)
		}
		if text2.String() != text.String() {
			t.Errorf("%s: printing the decoded configuration gives another text", path)
		}
		f1, _ := cfg.Effective().Flatten()
		f2, _ := again.Flatten()
		if !reflect.DeepEqual(f1, f2) {
			t.Errorf("%s: flattened keys differ (a resume would refuse the printed configuration)", path)
		}
	}
}

// TestWriteTOMLCommented: every key is preceded by its meaning, and
// unused keys are marked.
func TestWriteTOMLCommented(t *testing.T) {
	cfg, err := Load("", []string{"wavefunction.kind=gaussian", "optimizer.kind=adam"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := cfg.WriteTOML(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"# trap frequency ω: V = ½ω² Σ r² (Hartree; > 0)\nomega = 1.0\n",
		"hidden units of the RBM, or of the deep-set read-out (≥ 1 for rbm, ≥ 0 for the read-out) — unused\nhidden = 4\n",
		"— unused\nmomentum = 0.9\n",
		"\n[optimizer]\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("printed configuration lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "— unused\nalpha =") {
		t.Errorf("wavefunction.alpha marked unused for a Gaussian")
	}
}

func TestWarnings(t *testing.T) {
	for _, tc := range []struct {
		sets []string
		want []string
	}{
		{[]string{"wavefunction.kind=gaussian", "wavefunction.hidden=8"}, []string{"wavefunction.hidden"}},
		{[]string{"optimizer.kind=adam", "optimizer.momentum=0.5", "optimizer.shift=0.1"}, []string{"optimizer.momentum", "optimizer.shift"}},
		{[]string{"optimizer.kind=momentum", "optimizer.momentum=0.5"}, nil},
		{[]string{"system.model=tfim", "wavefunction.kind=rbm-spin", "sampler.kind=flip", "system.omega=2"}, []string{"system.omega"}},
		{[]string{"system.model=heisenberg", "wavefunction.kind=rbm-spin", "sampler.kind=exchange", "system.field=1"}, []string{"system.field"}},
		{[]string{"sampler.kind=gibbs", "wavefunction.jastrow=none", "sampler.step=0.3"}, []string{"sampler.step"}},
	} {
		// Over a minimal file, so that only the -set keys are explicit.
		cfg := Defaults()
		for _, s := range tc.sets {
			if err := cfg.Set(s); err != nil {
				t.Fatal(err)
			}
		}
		cfg.Source = "test"
		var got []string
		for _, w := range cfg.Warnings() {
			key := strings.Fields(strings.TrimPrefix(w, "test: "))[0]
			got = append(got, key)
			if !strings.Contains(w, "is set but not used with") {
				t.Errorf("warning %q does not say why", w)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: warnings for %v, want %v", tc.sets, got, tc.want)
		}
	}
}

// TestShippedConfigsSetOnlyUsedKeys: no shipped configuration sets a key
// its kinds ignore (it would mislead whoever copies it).
func TestShippedConfigsSetOnlyUsedKeys(t *testing.T) {
	for _, path := range runConfigs(t) {
		cfg, err := Load(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range cfg.Warnings() {
			t.Error(w)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct{ toml, set, want string }{
		{"[optimizer]\nlearnig_rate = 0.1\n", "optimizer.learnig_rate=0.1", "did you mean optimizer.learning_rate?"},
		{"[sampler]\niterations = 10\n", "sampler.iterations=10", "did you mean optimizer.iterations?"},
		{"[system]\nomgea = 2.0\n", "system.omgea=2", "did you mean system.omega?"},
		{"[wavefunction]\nhiden = 2\n", "wavefunction.hiden=2", "did you mean wavefunction.hidden?"},
		{"sed = 2\n", "sed=2", "did you mean seed?"},
	} {
		_, err := Decode([]byte(tc.toml), "f.toml", Defaults())
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "vmcmpi config") {
			t.Errorf("%q: error %v, want one containing %q and naming `vmcmpi config`", tc.toml, err, tc.want)
		}
		c := Defaults()
		if err := c.Set(tc.set); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("-set %s: error %v, want one containing %q", tc.set, err, tc.want)
		}
	}
	// Far from every key: no suggestion.
	if _, err := Decode([]byte("[output]\nzzzzzzzz = 1\n"), "f.toml", Defaults()); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("unrelated key: error %v, want no suggestion", err)
	}
	// A type error stays a type error.
	if _, err := Decode([]byte("[system]\nomega = \"x\"\n"), "f.toml", Defaults()); err == nil || strings.Contains(err.Error(), "unknown key") {
		t.Errorf("type error reported as %v", err)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"omega", "omgea", 2}, {"seed", "sed", 1}} {
		if got := editDistance(tc.a, tc.b); got != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
		if got := editDistance(tc.b, tc.a); got != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.b, tc.a, got, tc.d)
		}
	}
}

// `vmcmpi config` prints derived defaults as their values with a note
// saying how they follow ω; a run of the printed configuration gives the
// numbers of the original, bit for bit: an RBM (σ², importance step, SR
// rate at ω = 0.5), a Gibbs-sampled RBM (σ² = 1/(2ω)), an FFNN (envelope)
// with the pair correlation (r_max), and Metropolis (step 1/√ω).
func TestEffectiveConfigRunsTheSame(t *testing.T) {
	short := []string{"optimizer.iterations=3", "sampler.samples=100", "sampler.burnin=20", "sampler.walkers=2", "production.samples=1000"}
	for _, tc := range []struct {
		path string
		sets []string
		want []string
	}{
		{"", []string{"system.omega=0.5", "wavefunction.sigma2=0", "sampler.step=0", "optimizer.learning_rate=0"},
			[]string{"sigma2 = 2.0", "step = 0.4", "learning_rate = 0.2", "# = 1/ω, the default at system.omega = 0.5 (sigma2 = 0 follows it)"}},
		{"../configs/ho2-rbm-gibbs.toml", []string{"wavefunction.sigma2=0", "system.omega=0.5"},
			[]string{"sigma2 = 1.0", "# = 1/(2ω) with Gibbs sampling, the default"}},
		{"../configs/dot2-ffnn-pade.toml", []string{"wavefunction.envelope=-1", "system.omega=0.25", `observables.measure=["pair_correlation"]`},
			[]string{"envelope = 0.25", "r_max = 10.0", "(envelope = -1 follows it)"}},
		{"../configs/bosons-1d-metropolis.toml", []string{"sampler.step=0", "system.omega=4"},
			[]string{"step = 0.5", "# = 1/√ω for Metropolis, the default at system.omega = 4"}},
	} {
		sets := append(append([]string(nil), short...), tc.sets...)
		cfg, err := Load(tc.path, sets)
		if err != nil {
			t.Fatal(err)
		}
		var text bytes.Buffer
		if err := cfg.WriteTOML(&text); err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(text.String(), w) {
				t.Errorf("%s: printed configuration lacks %q", tc.path, w)
			}
		}
		printed := filepath.Join(t.TempDir(), "printed.toml")
		if err := os.WriteFile(printed, text.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		a, b := runJob(t, tc.path, sets...), runJob(t, printed)
		if math.Float64bits(a.Energy) != math.Float64bits(b.Energy) || math.Float64bits(a.Error) != math.Float64bits(b.Error) || !slices.Equal(a.Params, b.Params) {
			t.Errorf("%s: printed configuration gives E = %v ± %v, the original %v ± %v", tc.path, b.Energy, b.Error, a.Energy, a.Error)
		}
		for i := range a.Observables {
			if !slices.Equal(a.Observables[i].Mean, b.Observables[i].Mean) {
				t.Errorf("%s: observable %s differs", tc.path, a.Observables[i].Name)
			}
		}
	}
}
