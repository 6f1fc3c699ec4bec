package main

// Tests that keep the documentation true: every file named in README.md,
// in the comments of configs/ and in jobs/slurm/ exists, README lists every
// shipped configuration, and every configuration runs (shortened) with the
// command its own comment names. Together about ten seconds.

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/vmcmpi/vmcmpi/config"
	"github.com/vmcmpi/vmcmpi/generative"
	"github.com/vmcmpi/vmcmpi/internal/repotest"
)

// shippedConfigs lists configs/**/*.toml relative to the module root.
func shippedConfigs(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(root, "configs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".toml") {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("configs/: %v (%d files)", err, len(files))
	}
	return files
}

// docTexts returns the documentation to check, by file: README.md, every
// file of jobs/slurm/, and the comment lines of every configuration.
func docTexts(t *testing.T, root string) map[string]string {
	t.Helper()
	docs := map[string]string{}
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	docs["README.md"] = read("README.md")
	jobs, _ := filepath.Glob(filepath.Join(root, "jobs", "slurm", "*"))
	for _, j := range jobs {
		rel, _ := filepath.Rel(root, j)
		docs[rel] = read(rel)
	}
	for _, c := range shippedConfigs(t, root) {
		var comments []string
		for _, line := range strings.Split(read(c), "\n") {
			if _, after, ok := strings.Cut(line, "#"); ok {
				comments = append(comments, after)
			}
		}
		docs[c] = strings.Join(comments, "\n")
	}
	return docs
}

// repoPath matches a path into the repository's folders; bareTOML a
// configuration named without its folder.
var (
	repoPath = regexp.MustCompile("(?:^|[\\s`'\"(=])((?:configs|jobs|internal|cmd|examples|config|output|figures)/[A-Za-z0-9_.*/-]*[A-Za-z0-9_*-])")
	bareTOML = regexp.MustCompile("(?:^|[\\s`'\"(|,])([A-Za-z0-9_-]+\\.toml)\\b")
)

func TestDocsNameExistingFiles(t *testing.T) {
	root := repotest.Root(t)
	configs := shippedConfigs(t, root)
	// internal/slurmtest/vmc.toml, and the file README's `vmcmpi config`
	// example writes.
	base := map[string]bool{"vmc.toml": true, "my.toml": true}
	for _, c := range configs {
		base[filepath.Base(c)] = true
	}
	checked := 0
	for name, text := range docTexts(t, root) {
		for _, m := range repoPath.FindAllStringSubmatch(text, -1) {
			p := strings.TrimSuffix(m[1], ".")
			matches, _ := filepath.Glob(filepath.Join(root, p))
			if len(matches) == 0 {
				t.Errorf("%s names %s, which does not exist", name, p)
			}
			checked++
		}
		for _, m := range bareTOML.FindAllStringSubmatch(text, -1) {
			if !base[m[1]] {
				t.Errorf("%s names the configuration %s, which is not in configs/", name, m[1])
			}
			checked++
		}
	}
	if checked < 50 {
		t.Errorf("only %d names checked: the patterns no longer match the documentation", checked)
	}
	readme := docTexts(t, root)["README.md"]
	for _, c := range configs {
		if !strings.Contains(readme, strings.TrimPrefix(c, "configs/")) {
			t.Errorf("README.md does not list %s", c)
		}
	}
	// The data files the regression configurations read are the ones
	// README tells the reader to download.
	dataFile := regexp.MustCompile(`(?m)^file\s*=\s*"([^"]+)"`)
	for _, c := range configs {
		b, _ := os.ReadFile(filepath.Join(root, c))
		for _, m := range dataFile.FindAllStringSubmatch(string(b), -1) {
			if !strings.Contains(readme, filepath.Base(m[1])) {
				t.Errorf("%s reads %s, which README.md does not name", c, filepath.Base(m[1]))
			}
		}
	}
}

// commandOf is the vmcmpi command a configuration's comment runs it with.
var commandOf = regexp.MustCompile(`(?m)^#.*\bvmcmpi (run|regress|bma|ising|landscape|exact) -config (configs/\S+)`)

// TestEveryConfigRuns runs every shipped configuration, shortened, with the
// command its comment names (run for the run configurations that name
// none), then tabulates the runs with vmcmpi collect.
func TestEveryConfigRuns(t *testing.T) {
	root := repotest.Root(t)
	t.Chdir(root) // configurations name their data relative to the root
	out := t.TempDir()
	var runs int
	for _, c := range shippedConfigs(t, root) {
		text, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		cmd := "run"
		for _, m := range commandOf.FindAllStringSubmatch(string(text), -1) {
			if m[2] != c {
				t.Errorf("%s: its comment runs %s", c, m[2])
			}
			cmd = m[1]
		}
		if cmd == "run" && strings.Count(c, "/") > 1 {
			t.Errorf("%s: no `vmcmpi <command> -config %s` line in its comment", c, c)
			continue
		}
		dir := filepath.Join(out, strings.TrimSuffix(strings.ReplaceAll(strings.TrimPrefix(c, "configs/"), "/", "-"), ".toml"))
		var args []string
		switch cmd {
		case "run":
			args = []string{"-config", c, "-out", dir, "-set", "optimizer.iterations=2", "-set", "production.samples=200",
				"-set", "sampler.samples=100", "-set", "output.progress=none"}
			if strings.Contains(string(text), "lanczos_samples") {
				// A Lanczos-step sample costs a local energy per
				// connected configuration (80 ms at 10×10).
				args = append(args, "-set", "production.lanczos_samples=2")
			}
			if strings.Contains(string(text), "[gfmc]") {
				// A GFMC interval moves every walker of the population.
				args = append(args, "-set", "gfmc.steps=10", "-set", "gfmc.walkers=4", "-set", "gfmc.equilibrate=2", "-set", "gfmc.project=2")
			}
			runs++
		case "regress", "bma":
			if _, err := os.Stat(filepath.Join("..", "shared", "data", "ame")); err != nil {
				t.Logf("%s skipped: AME data absent", c)
				continue
			}
			args = []string{"-config", c, "-out", dir}
		case "ising":
			args = []string{"-config", shortIsing(t, c, out), "-out", dir}
		case "landscape":
			if _, err := os.Stat(filepath.Join("..", "shared", "data", "ame")); err != nil {
				t.Logf("%s skipped: AME data absent", c)
				continue
			}
			args = []string{"-config", shortLandscape(t, c, out), "-out", dir}
		case "exact":
			args = []string{"-config", c}
		}
		var stdout, stderr bytes.Buffer
		if err := commands[cmd].run(args, &stdout, &stderr); err != nil {
			t.Errorf("vmcmpi %s %s: %v\n%s", cmd, strings.Join(args, " "), err, stderr.String())
			continue
		}
		if cmd != "exact" {
			if _, err := os.Stat(filepath.Join(dir, "result.json")); cmd != "ising" && err != nil {
				t.Errorf("vmcmpi %s -config %s wrote no result.json", cmd, c)
			}
		}
	}
	// The run configurations' results, one row each.
	var table bytes.Buffer
	var dirs []string
	for _, c := range shippedConfigs(t, root) {
		if strings.Count(c, "/") == 1 {
			dirs = append(dirs, filepath.Join(out, strings.TrimSuffix(filepath.Base(c), ".toml")))
		}
	}
	if err := runCollect(append([]string{"-fields", "energy,error,exact"}, dirs...), &table, os.Stderr); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(table.String(), "\n"); n != runs+1 {
		t.Errorf("vmcmpi collect: %d lines for %d runs:\n%s", n, runs, table.String())
	}
}

// shortIsing writes a shortened copy of the Ising study c into dir: two
// temperatures, few Monte Carlo samples, one training epoch.
func shortIsing(t *testing.T, c, dir string) string {
	t.Helper()
	cfg, err := generative.LoadConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Model.Temperatures) > 2 {
		cfg.Model.Temperatures = cfg.Model.Temperatures[:2]
	}
	cfg.Model.NT = min(cfg.Model.NT, 2)
	cfg.MC.Thermalize, cfg.MC.Samples, cfg.MC.Every = 50, 100, 1
	cfg.MC.LowTSamples, cfg.MC.MeasureSweeps = min(cfg.MC.LowTSamples, 100), min(cfg.MC.MeasureSweeps, 1000)
	cfg.RBM.LowTEpochs = min(cfg.RBM.LowTEpochs, 1)
	cfg.RBM.Epochs = min(cfg.RBM.Epochs, 1)
	cfg.RBM.FirstEpochs = min(cfg.RBM.FirstEpochs, 1)
	cfg.Eval.BurnIn, cfg.Eval.Samples = 20, 50
	cfg.Eval.AISRuns = min(cfg.Eval.AISRuns, 4)
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(cfg); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "short-"+filepath.Base(c))
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigCommandRoundTrip: for every run configuration, vmcmpi config
// prints a file that loads to the same configuration and prints the same
// text again (decode → encode → decode).
func TestConfigCommandRoundTrip(t *testing.T) {
	root := repotest.Root(t)
	for _, c := range shippedConfigs(t, root) {
		if strings.Count(c, "/") > 1 {
			continue // regression and Ising studies have schemas of their own
		}
		path := filepath.Join(root, c)
		var first, second, stderr bytes.Buffer
		if err := runConfig([]string{"-config", path}, &first, &stderr); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if stderr.Len() > 0 {
			t.Errorf("%s: warnings %s", c, stderr.String())
		}
		printed := filepath.Join(t.TempDir(), "printed.toml")
		if err := os.WriteFile(printed, first.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := runConfig([]string{"-config", printed}, &second, &stderr); err != nil {
			t.Fatalf("%s printed: %v\n%s", c, err, first.String())
		}
		body := func(b bytes.Buffer) []string { return strings.Split(b.String(), "\n")[1:] } // without the source line
		if !slices.Equal(body(first), body(second)) {
			t.Errorf("%s: printing the printed configuration gives another text", c)
		}
		a, err := config.Load(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := config.Load(printed, nil)
		if err != nil {
			t.Fatal(err)
		}
		fa, _ := a.Effective().Flatten() // derived defaults are printed as their values
		fb, _ := b.Flatten()
		if len(fa) < 40 || !maps.Equal(fa, fb) {
			t.Errorf("%s: the printed configuration loads to another one", c)
		}
	}
}

// shortLandscape writes a copy of a landscape configuration restricted to
// light nuclei (Z ≤ 20 fitted and charted) with a small kernel subsample:
// the same code path in a second instead of the whole chart's minute.
func shortLandscape(t *testing.T, c, dir string) string {
	t.Helper()
	b, err := os.ReadFile(c)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, r := range [][2]string{{"max_z = 0 ", "max_z = 20 "}, {"subsample = 600 ", "subsample = 60 "}, {"z_max = 120", "z_max = 20"}} {
		if !strings.Contains(text, r[0]) {
			t.Fatalf("%s: no %q to shorten", c, r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	p := filepath.Join(dir, "short-"+filepath.Base(c))
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
