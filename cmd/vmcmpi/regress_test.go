package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/internal/repotest"
)

func regressConfigs(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(repotest.Root(t), "configs", "regress", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs/regress/*.toml (%v)", err)
	}
	return files
}

func isBMAConfig(path string) bool { return strings.HasPrefix(filepath.Base(path), "bma") }

// Every shipped regression configuration decodes strictly and validates.
func TestRegressConfigsDecode(t *testing.T) {
	for _, f := range regressConfigs(t) {
		if _, err := LoadRegressConfig(f, isBMAConfig(f)); err != nil {
			t.Errorf("%v", err)
		}
	}
}

func TestRegressConfigErrors(t *testing.T) {
	base := "[data]\nfile = \"x.txt\"\n[model]\nfeatures = [\"volume\"]\n"
	for _, tc := range []struct {
		text, want string
		bma        bool
	}{
		{"colour = 1\n" + base, "unknown key colour", false},
		{base + "[cv]\nfold = 3\n", "unknown key cv.fold", false},
		{strings.Replace(base, "[model]", "[model]\nmethod = \"magic\"", 1), `model.method = "magic"`, false},
		{"[data]\nfile = \"x\"\nformat = \"xls\"\n" + "[model]\nfeatures = [\"a\"]\n", `data.format = "xls"`, false},
		{base + "[[models]]\nname = \"a\"\nfeatures = [\"volume\"]\n", "[[models]] and [bma] belong to `vmcmpi bma`", false},
		{"[data]\nfile = \"x\"\n[[models]]\nname = \"a\"\nfeatures = [\"volume\"]\nmethod = \"ols\"\n", `method = "ols": BMA candidates`, true},
		{"[data]\nfile = \"x\"\n[[models]]\nname = \"a\"\nfeatures = [\"volume\"]\n[[models]]\nname = \"a\"\nfeatures = [\"surface\"]\n", "used twice", true},
		{"[data]\nfile = \"x\"\n[[models]]\nname = \"a\"\nfeatures = [\"volume\"]\n[predict]\nfile = \"y\"\nlevel = 1.5\n", "predict.level", true},
		{strings.Replace(base, "[model]", "[model]\nmethod = \"lasso\"\nlambdas = [1, 2]", 1) + "[cv]\nfolds = 0\n", "needs cv.folds", false},
	} {
		_, err := DecodeRegressConfig([]byte(tc.text), "t.toml", tc.bma)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "t.toml") {
			t.Errorf("config\n%s\nerror %v, want one naming t.toml and containing %q", tc.text, err, tc.want)
		}
	}
}

// runJobOn runs a job on n in-process ranks and returns rank 0's result
// after checking that all ranks agree.
func runJobOn(t *testing.T, n int, cfg *RegressConfig, bma bool) []byte {
	t.Helper()
	out := make([][]byte, n)
	err := comm.RunLocal(n, func(c comm.Comm) error {
		res, err := regressJob(c, cfg, bma)
		if err != nil {
			return err
		}
		js, err := json.Marshal(res)
		out[c.Rank()] = js
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r < n; r++ {
		if !bytes.Equal(out[r], out[0]) {
			t.Fatalf("%d ranks: rank %d's result differs from rank 0's", n, r)
		}
	}
	return out[0]
}

// compareJSON compares two result.json documents number by number to 1e-12
// relative.
func compareJSON(a, b []byte) error {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return err
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return err
	}
	return cmpValue("", x, y)
}

func cmpValue(path string, x, y any) error {
	switch xv := x.(type) {
	case float64:
		yv, ok := y.(float64)
		if !ok || math.Abs(xv-yv) > 1e-12*math.Max(math.Abs(xv), math.Abs(yv)) {
			return fmt.Errorf("%s: %v vs %v", path, x, y)
		}
	case map[string]any:
		ym, ok := y.(map[string]any)
		if !ok || len(ym) != len(xv) {
			return fmt.Errorf("%s: different keys", path)
		}
		for k, v := range xv {
			if err := cmpValue(path+"."+k, v, ym[k]); err != nil {
				return err
			}
		}
	case []any:
		ya, ok := y.([]any)
		if !ok || len(ya) != len(xv) {
			return fmt.Errorf("%s: different lengths", path)
		}
		for i := range xv {
			if err := cmpValue(fmt.Sprintf("%s[%d]", path, i), xv[i], ya[i]); err != nil {
				return err
			}
		}
	default:
		if !reflect.DeepEqual(x, y) {
			return fmt.Errorf("%s: %v vs %v", path, x, y)
		}
	}
	return nil
}

// The shipped configurations give the same result.json (CV scores, chosen
// λ, weights, coverage) on 1, 2 and 3 ranks.
func TestRegressConfigsRankIndependent(t *testing.T) {
	root := repotest.Root(t)
	if _, err := os.Stat(filepath.Join(root, "..", "shared", "data", "ame", "mass16.txt")); err != nil {
		t.Skip("AME data absent: ../shared/data/ame/mass16.txt not found next to the repository")
	}
	t.Chdir(root)
	for _, f := range regressConfigs(t) {
		bma := isBMAConfig(f)
		cfg, err := LoadRegressConfig(f, bma)
		if err != nil {
			t.Fatal(err)
		}
		one := runJobOn(t, 1, cfg, bma)
		for _, n := range []int{2, 3} {
			if testing.Short() && n == 2 {
				continue
			}
			if err := compareJSON(one, runJobOn(t, n, cfg, bma)); err != nil {
				t.Errorf("%s: %d ranks vs 1: %v", filepath.Base(f), n, err)
			}
		}
	}
}

// End to end: fit AME2016, predict the nuclides new in AME2020, write the
// files.
func TestBMAEndToEnd(t *testing.T) {
	root := repotest.Root(t)
	if _, err := os.Stat(filepath.Join(root, "..", "shared", "data", "ame", "mass_1.mas20.txt")); err != nil {
		t.Skip("AME data absent: ../shared/data/ame/ not found next to the repository")
	}
	t.Chdir(root)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := runBMA([]string{"-config", "configs/regress/bma-ame2020.toml", "-out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var res struct {
		N          int                `json:"n"`
		Weights    map[string]float64 `json:"weights"`
		Prediction struct {
			N        int     `json:"n"`
			Coverage float64 `json:"coverage"`
		} `json:"prediction"`
	}
	data, err := os.ReadFile(filepath.Join(out, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, w := range res.Weights {
		sum += w
	}
	// 2432 training rows: PROVENANCE.md's experimental A ≥ 16 count.
	if res.N != 2432 || len(res.Weights) != 5 || math.Abs(sum-1) > 1e-12 || res.Prediction.N == 0 {
		t.Fatalf("result %+v", res)
	}
	// 95% intervals: with ~70 new nuclides the coverage has a binomial
	// sd of ~2.5%; anything below 75% would mean broken intervals.
	if res.Prediction.Coverage < 0.75 {
		t.Errorf("coverage %g of %d new nuclides", res.Prediction.Coverage, res.Prediction.N)
	}
	for _, f := range []string{"predictions.csv", "predict.csv", "residuals-n.png", "residuals-z.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty", f)
		}
	}
	t.Logf("%s", stdout.String())
}

// A CSV table (header, named columns) with polynomial features and a Lasso
// path, no AME data needed; a bad cell is reported with its line.
func TestRegressCSV(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	b.WriteString("x,w,y\n")
	for range 400 {
		x, w := rng.Float64()*4-2, rng.NormFloat64()
		fmt.Fprintf(&b, "%.17g,%.17g,%.17g\n", x, w, 1+2*x-0.5*x*x*x+0.1*rng.NormFloat64())
	}
	if err := os.WriteFile(filepath.Join(dir, "poly.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := `seed = 2
[data]
file = "poly.csv"
format = "csv"
target = "y"
[model]
features = ["x", "w", "x^2", "x*w", "w^2", "x^3"]
intercept = true
method = "lasso"
lambda_path = 20
lambda_ratio = 1e-6
standardize = true
[cv]
folds = 5
one_se = true
bootstrap = 20
`
	cfgPath := filepath.Join(dir, "poly.toml")
	if err := os.WriteFile(cfgPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	if err := runRegress([]string{"-config", cfgPath, "-out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var res struct {
		Coefficients map[string]float64
		CV           struct {
			Lambdas []float64
			Chosen  float64 `json:"chosen_lambda"`
		}
		Bootstrap struct{ StdErr map[string]float64 }
	}
	data, _ := os.ReadFile(filepath.Join(out, "result.json"))
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	// The true model is 1 + 2x − 0.5x³ with noise 0.1: the coefficients
	// are recovered to a few bootstrap errors, and λ comes from the grid.
	for name, want := range map[string]float64{"intercept": 1, "x": 2, "x^3": -0.5} {
		got, se := res.Coefficients[name], res.Bootstrap.StdErr[name]
		if math.Abs(got-want) > 0.1 || se <= 0 {
			t.Errorf("%s = %g (bootstrap se %g), true %g", name, got, se, want)
		}
	}
	if len(res.CV.Lambdas) != 20 || res.CV.Chosen <= 0 {
		t.Errorf("cv %+v", res.CV)
	}
	if _, err := os.Stat(filepath.Join(out, "cv.png")); err != nil {
		t.Error("cv.png missing")
	}
	// A bad cell: the error names file and line.
	bad := strings.Replace(b.String(), "\n", "\n1,oops,2\n", 3) // line 4 is the bad one
	_ = os.WriteFile(filepath.Join(dir, "poly.csv"), []byte(bad), 0o644)
	err := runRegress([]string{"-config", cfgPath, "-out", out}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "poly.csv:4:") {
		t.Errorf("bad cell error %v, want poly.csv:4", err)
	}
}

// A rank that cannot read the data still joins the all-reduce: every rank
// returns an error instead of waiting forever.
func TestRegressRankFailure(t *testing.T) {
	dir := t.TempDir()
	data := "x,y\n1,2\n2,4\n3,6.5\n4,8\n5,9.5\n6,12.5\n"
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := "[data]\nfile = %q\nformat = \"csv\"\ntarget = \"y\"\n[model]\nfeatures = [\"x\"]\n[cv]\nfolds = 2\n"
	cfgGood, err := DecodeRegressConfig([]byte(fmt.Sprintf(conf, good)), "good.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	cfgBad, err := DecodeRegressConfig([]byte(fmt.Sprintf(conf, filepath.Join(dir, "missing.csv"))), "bad.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 3)
	_ = comm.RunLocal(3, func(c comm.Comm) error {
		cfg := cfgGood
		if c.Rank() == 1 {
			cfg = cfgBad
		}
		_, errs[c.Rank()] = regressJob(c, cfg, false)
		return nil
	})
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "missing.csv") {
		t.Errorf("failing rank: %v", errs[1])
	}
	for _, r := range []int{0, 2} {
		if errs[r] == nil || !strings.Contains(errs[r].Error(), "other rank") {
			t.Errorf("rank %d: %v, want an error about the other rank", r, errs[r])
		}
	}
}
