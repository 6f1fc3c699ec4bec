package study

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/internal/repotest"
)

func shippedConfigs(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(repotest.Root(t), "configs", "regress", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs/regress/*.toml (%v)", err)
	}
	// landscape.toml has its own schema (LoadLandscape; landscape_test.go).
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == "landscape.toml" })
	return files
}

func kindOf(path string) Kind {
	if strings.HasPrefix(filepath.Base(path), "bma") {
		return BMA
	}
	return Regress
}

// Every shipped configuration decodes strictly and validates.
func TestConfigsDecode(t *testing.T) {
	for _, f := range shippedConfigs(t) {
		if _, err := Load(f, kindOf(f)); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// Bad configurations are refused with a message naming the file and the
// key.
func TestConfigErrors(t *testing.T) {
	base := "[data]\nfile = \"x.txt\"\n[model]\nfeatures = [\"volume\"]\n"
	bma := "[data]\nfile = \"x\"\n[[models]]\nname = \"a\"\nfeatures = [\"volume\"]\n"
	for _, tc := range []struct {
		text, want string
		kind       Kind
	}{
		{"colour = 1\n" + base, "unknown key colour", Regress},
		{base + "[cv]\nfold = 3\n", "unknown key cv.fold", Regress},
		{"seed = \n" + base, "line 1", Regress},
		{strings.Replace(base, "[model]", "[model]\nmethod = \"magic\"", 1), `model.method = "magic"`, Regress},
		{"[data]\nfile = \"x\"\nformat = \"xls\"\n" + "[model]\nfeatures = [\"a\"]\n", `data.format = "xls"`, Regress},
		{base + "[[models]]\nname = \"a\"\nfeatures = [\"volume\"]\n", "[[models]] and [bma] belong to `vmcmpi bma`", Regress},
		{base + "[bma]\nweights = \"evidence\"\n", "[[models]] and [bma] belong to `vmcmpi bma`", Regress},
		{"[data]\nfile = \"x\"\n[model]\nfeatures = [\"intercept\"]\n", `model.features lists "intercept": set intercept = true`, Regress},
		{base + "[model]\nmethod = \"ols\"\n", "line 5", Regress},
		{base + "[cv]\nbootstrap = 1\n", "cv.bootstrap = 1", Regress},
		{bma + "method = \"ols\"\n", `models[0].method = "ols": BMA candidates`, BMA},
		{bma + "[[models]]\nname = \"a\"\nfeatures = [\"surface\"]\n", "models[1].name \"a\" is used twice", BMA},
		{bma + "[predict]\nfile = \"y\"\nlevel = 1.5\n", "predict.level = 1.5", BMA},
		{bma + "[bma]\nweights = \"pseudo\"\n[cv]\nfolds = 0\n", `bma.weights = "pseudo" needs cv.folds`, BMA},
		{base, "[model] belongs to `vmcmpi regress`", BMA},
		{strings.Replace(base, "[model]", "[model]\nmethod = \"lasso\"\nlambdas = [1, 2]", 1) + "[cv]\nfolds = 0\n", "needs cv.folds", Regress},
		{base, `kind "fit"`, Kind("fit")},
	} {
		_, err := Decode([]byte(tc.text), "t.toml", tc.kind)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "t.toml: ") {
			t.Errorf("config\n%s\nerror %v, want one naming t.toml and containing %q", tc.text, err, tc.want)
		}
	}
}

// Decode fills the defaults of [predict] from [data] and of select from
// the format.
func TestDecodeDefaults(t *testing.T) {
	cfg, err := Decode([]byte("[data]\nfile = \"x\"\nformat = \"csv\"\ntarget = \"y\"\n[model]\nfeatures = [\"a\"]\n[predict]\nfile = \"p\"\n"), "t.toml", Regress)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Predict
	if p.Format != "csv" || p.Target != "y" || p.Level != 0.95 || p.Select != "all" || cfg.Data.Select != "all" ||
		cfg.Seed != 1 || cfg.CV.Folds != 5 || cfg.Output.Dir != "out" || cfg.Kind != Regress || cfg.Source != "t.toml" {
		t.Errorf("decoded %+v, predict %+v", cfg, p)
	}
}

// A configuration built in Go is checked by Validate with the same rules.
func TestValidate(t *testing.T) {
	cfg := Defaults()
	cfg.Kind = BMA
	cfg.Data.File = "x"
	cfg.Models = []Candidate{{Name: "a", Features: []string{"volume"}}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Models[0].Method != "bayes" || cfg.Data.Select != "experimental" {
		t.Errorf("defaults not filled: %+v", cfg)
	}
	cfg.Model.Method = "ridge" // a [model] table in a BMA study
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "configuration: [model] belongs") {
		t.Errorf("Validate: %v", err)
	}
	cfg = Defaults()
	cfg.Kind, cfg.Source, cfg.Data.File = Regress, "mine", "x"
	if err := cfg.Validate(); err == nil || err.Error() != "mine: model.features is empty" {
		t.Errorf("Validate: %v", err)
	}
}
