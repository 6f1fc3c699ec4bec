package study

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/internal/repotest"
)

// runOn runs a study on n in-process ranks, checks that all ranks agree
// byte for byte, and returns rank 0's result.json, predictions.csv and
// predict.csv.
func runOn(t *testing.T, n int, cfg *Config) []byte {
	t.Helper()
	out := make([][]byte, n)
	err := comm.RunLocal(n, func(c comm.Comm) error {
		res, err := Run(c, cfg)
		if err != nil {
			return err
		}
		js, err := res.JSON()
		out[c.Rank()] = append(js, res.Train.CSV()...)
		if res.Predicted != nil {
			out[c.Rank()] = append(out[c.Rank()], res.Predicted.CSV()...)
		}
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

// The shipped configurations give bit-identical results (CV scores, chosen
// λ, weights, intervals, coverage) on 1, 2 and 3 ranks: each (lane, fold)
// cell of statistics is summed by one rank, so the all-reduce is exact.
func TestConfigsRankIndependent(t *testing.T) {
	root := repotest.Root(t)
	if _, err := os.Stat(filepath.Join(root, "..", "shared", "data", "ame", "mass16.txt")); err != nil {
		t.Skip("AME data absent: ../shared/data/ame/mass16.txt not found next to the repository")
	}
	t.Chdir(root)
	for _, f := range shippedConfigs(t) {
		cfg, err := Load(f, kindOf(f))
		if err != nil {
			t.Fatal(err)
		}
		one := runOn(t, 1, cfg)
		for _, n := range []int{2, 3} {
			if testing.Short() && n == 2 {
				continue
			}
			if !bytes.Equal(one, runOn(t, n, cfg)) {
				t.Errorf("%s: %d ranks differ from 1", filepath.Base(f), n)
			}
		}
	}
}

// writeFile writes text to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A CSV table with polynomial features and a standardised Lasso path:
// the true coefficients of 1 + 2x − 0.5x³ come back within a few
// bootstrap errors, and λ is chosen from the grid.
func TestLassoPath(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	b.WriteString("x,w,y\n")
	for range 400 {
		x, w := rng.Float64()*4-2, rng.NormFloat64()
		fmt.Fprintf(&b, "%.17g,%.17g,%.17g\n", x, w, 1+2*x-0.5*x*x*x+0.1*rng.NormFloat64())
	}
	writeFile(t, dir, "poly.csv", b.String())
	cfg, err := Load(writeFile(t, dir, "poly.toml", `seed = 2
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
`), Regress)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(comm.NewSerial(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{"intercept": 1, "x": 2, "x^3": -0.5} {
		got, se := res.Coefficients[name], res.Bootstrap.StdErr[name]
		if math.Abs(got-want) > 0.1 || se <= 0 {
			t.Errorf("%s = %g (bootstrap se %g), true %g", name, got, se, want)
		}
	}
	if cv := res.CV; len(cv.Lambdas) != 20 || cv.Chosen <= 0 || *res.Lambda != cv.Chosen || res.Method != "lasso" {
		t.Errorf("cv %+v, λ %v", cv, res.Lambda)
	}
	// A bad cell: the error names file and line.
	writeFile(t, dir, "poly.csv", strings.Replace(b.String(), "\n", "\n1,oops,2\n", 3)) // line 4 is the bad one
	if _, err := Run(comm.NewSerial(), cfg); err == nil || !strings.Contains(err.Error(), "poly.csv:4:") {
		t.Errorf("bad cell error %v, want poly.csv:4", err)
	}
}

// Predictions of [predict] rows: OLS intervals are mean ± z·sd (z the
// 97.5 % normal quantile), coverage counts the targets inside, new_only
// drops the (n, z) already in the training rows, and the files hold the
// same numbers.
func TestPredict(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	var train, pred strings.Builder
	train.WriteString("n,z,a,y\n")
	pred.WriteString("n,z,a,y\n")
	for i := range 60 {
		n, z := float64(10+i%7), float64(8+i/7)
		fmt.Fprintf(&train, "%g,%g,%g,%.6f\n", n, z, n+z, 3+0.5*n-0.25*z+0.2*rng.NormFloat64())
	}
	for i := range 8 {
		n, z := float64(15+i), 8.0 // n = 15, 16 are in the training rows
		fmt.Fprintf(&pred, "%g,%g,%g,%.6f\n", n, z, n+z, 3+0.5*n-0.25*z+0.2*rng.NormFloat64())
	}
	writeFile(t, dir, "train.csv", train.String())
	writeFile(t, dir, "new.csv", pred.String())
	cfg, err := Load(writeFile(t, dir, "p.toml", `[data]
file = "train.csv"
format = "csv"
target = "y"
[model]
features = ["n", "z"]
intercept = true
[predict]
file = "new.csv"
new_only = true
level = 0.95
`), Regress)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(comm.NewSerial(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Predicted
	if len(p.Y) != 6 || p.N[0] != 17 || p.Line[0] != 4 {
		t.Fatalf("predicted rows n = %v, lines %v: want n = 17…22 from line 4", p.N, p.Line)
	}
	const z975 = 1.959963984540054 // Φ⁻¹(0.975)
	inside := 0
	for i := range p.Y {
		// The bisection stops at 1e-12 relative.
		if lo := p.Mean[i] - z975*p.SD[i]; math.Abs(p.Lo[i]-lo) > 1e-9*math.Abs(lo) {
			t.Errorf("row %d: lo %.12g, want %.12g", i, p.Lo[i], lo)
		}
		if hi := p.Mean[i] + z975*p.SD[i]; math.Abs(p.Hi[i]-hi) > 1e-9*math.Abs(hi) {
			t.Errorf("row %d: hi %.12g, want %.12g", i, p.Hi[i], hi)
		}
		if p.Y[i] >= p.Lo[i] && p.Y[i] <= p.Hi[i] {
			inside++
		}
	}
	s := res.Prediction
	if s.N != 6 || s.Inside != inside || s.Coverage != float64(inside)/6 || !s.NewOnly || s.Level != 0.95 {
		t.Errorf("prediction summary %+v, inside %d", s, inside)
	}
	files, err := res.WriteFiles(filepath.Join(dir, "out"))
	if err != nil || len(files) != 3 {
		t.Fatalf("WriteFiles: %v %v", files, err)
	}
	got, _ := os.ReadFile(files[2])
	lines := strings.Split(string(got), "\n")
	if lines[0] != "line,n,z,a,y,prediction,sd,residual,lo,hi,inside" || len(lines) != 8 ||
		!strings.HasPrefix(lines[1], "4,17,8,25,") || !strings.HasSuffix(lines[1], fmt.Sprintf(",%s,%s,%d", fmtG(p.Lo[0]), fmtG(p.Hi[0]), b2i(p.Inside(0)))) {
		t.Errorf("predict.csv:\n%s", got)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A rank that cannot read the data still joins the all-reduce: every rank
// returns an error instead of waiting forever.
func TestRankFailure(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "x,y\n1,2\n2,4\n3,6.5\n4,8\n5,9.5\n6,12.5\n")
	conf := "[data]\nfile = %q\nformat = \"csv\"\ntarget = \"y\"\n[model]\nfeatures = [\"x\"]\n[cv]\nfolds = 2\n"
	cfgGood, err := Decode([]byte(fmt.Sprintf(conf, good)), "good.toml", Regress)
	if err != nil {
		t.Fatal(err)
	}
	cfgBad, err := Decode([]byte(fmt.Sprintf(conf, filepath.Join(dir, "missing.csv"))), "bad.toml", Regress)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 3)
	_ = comm.RunLocal(3, func(c comm.Comm) error {
		cfg := cfgGood
		if c.Rank() == 1 {
			cfg = cfgBad
		}
		_, errs[c.Rank()] = Run(c, cfg)
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
