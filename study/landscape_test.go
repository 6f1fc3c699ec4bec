package study

import (
	"bytes"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

const ame16, ame20 = "../../shared/data/ame/mass16.txt", "../../shared/data/ame/mass_1.mas20.txt"

// smallLandscape is the study restricted to Z ≤ 28 (20 with -short),
// which runs in seconds.
func smallLandscape(t *testing.T) *LandscapeConfig {
	t.Helper()
	cfg, err := LoadLandscape("../configs/regress/landscape.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Data.Train, cfg.Data.Test = ame16, ame20
	cfg.Data.MaxZ, cfg.Chart.ZMax, cfg.GP.Subsample = 28, 28, 150
	if testing.Short() {
		cfg.Data.MaxZ, cfg.Chart.ZMax, cfg.GP.Subsample = 20, 20, 60
		cfg.Models, cfg.GP.Cutoff = []string{"ld", "dz10"}, 1e-3 // 3 ranks: one idle
	}
	if _, _, err := loadNuclides(ame16, "ame2016", "", 8, 8, 0); err != nil {
		t.Skipf("AME tables not available: %v", err)
	}
	return cfg
}

func runLandscapeOn(t *testing.T, ranks int, cfg *LandscapeConfig) ([]byte, *LandscapeResult) {
	t.Helper()
	outs := make([][]byte, ranks)
	var first *LandscapeResult
	err := comm.RunLocal(ranks, func(c comm.Comm) error {
		res, err := RunLandscape(c, cfg)
		if err != nil {
			return err
		}
		js, err := res.JSON()
		outs[c.Rank()] = append(js, res.ChartCSV()...)
		if c.Rank() == 0 {
			first = res
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r < ranks; r++ {
		if !bytes.Equal(outs[r], outs[0]) {
			t.Fatalf("rank %d of %d differs from rank 0", r, ranks)
		}
	}
	return outs[0], first
}

// 1, 2 and 3 in-process ranks give byte-identical result.json and chart.
func TestLandscapeRankIndependent(t *testing.T) {
	cfg := smallLandscape(t)
	one, res := runLandscapeOn(t, 1, cfg)
	for _, n := range []int{2, 3} {
		if got, _ := runLandscapeOn(t, n, cfg); !bytes.Equal(got, one) {
			t.Errorf("%d ranks differ from 1 rank", n)
		}
	}
	if res.NTest == 0 || res.Bound == 0 || len(res.Drip) != cfg.Chart.ZMax-cfg.Chart.ZMin+1 {
		t.Errorf("n_test %d, bound %d, %d drip lines", res.NTest, res.Bound, len(res.Drip))
	}
}

// The test nuclides are exactly the measured AME2020 nuclides absent from
// the measured AME2016 ones: none is used in fitting or weighting.
func TestLandscapeSplit(t *testing.T) {
	cfg := smallLandscape(t)
	_, res := runLandscapeOn(t, 1, cfg)
	train, _, _ := loadNuclides(ame16, "ame2016", "", 8, 8, cfg.Data.MaxZ)
	all, _, _ := loadNuclides(ame20, "ame2020", "", 8, 8, cfg.Data.MaxZ)
	known := map[[2]int]bool{}
	for _, x := range train {
		known[[2]int{x.n, x.z}] = true
	}
	want := 0
	for _, x := range all {
		if !known[[2]int{x.n, x.z}] {
			want++
		}
	}
	if res.NTest != want || res.NTrain != len(train) {
		t.Errorf("n_test %d n_train %d, want %d and %d", res.NTest, res.NTrain, want, len(train))
	}
	for _, nz := range res.TestNuclides {
		if known[nz] {
			t.Errorf("test nuclide N=%d Z=%d is in the training table", nz[0], nz[1])
		}
	}
}

func TestLandscapeBadInput(t *testing.T) {
	for _, c := range []struct{ set, want string }{
		{`models = ["ld", "frdm"]`, "models[1]"},
		{"[gp]\nlength = [0.0, 3.0]", "gp.length"},
		{"[gp]\nnoise = [-1.0, 3.0]", "gp.noise"},
		{"[cv]\nfolds = 1", "cv.folds"},
		{"[calibration]\nfold = \"outer\"", "calibration.fold"},
		{"[calibration]\ns2n_variance = \"both\"", "calibration.s2n_variance"},
	} {
		text := c.set + "\n[data]\ntrain = \"a\"\ntest = \"b\"\n"
		if strings.HasPrefix(c.set, "[") {
			text = "[data]\ntrain = \"a\"\ntest = \"b\"\n" + c.set + "\n"
		}
		_, err := DecodeLandscape([]byte(text), "x.toml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one naming %s", c.set, err, c.want)
		}
	}
	cfg := smallLandscape(t)
	cfg.Data.MaxZ, cfg.CV.Folds, cfg.GP.Subsample = 9, 5, 10
	if _, err := RunLandscape(comm.NewSerial(), cfg); err == nil || !strings.Contains(err.Error(), "cv.folds") {
		t.Errorf("too few nuclides: %v", err)
	}
}

// The whole chart: the GP lowers every model's test rms of B and S2n by at
// least 40 %, and the average is within 5 % of the best corrected model.
func TestLandscapeFull(t *testing.T) {
	if testing.Short() {
		t.Skip("the full chart takes about a minute")
	}
	cfg := smallLandscape(t)
	cfg.Data.MaxZ, cfg.Chart.ZMax, cfg.GP.Subsample = 0, 120, 600
	res, err := RunLandscape(comm.NewSerial(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	best := res.Models[0].After.RMSB
	for _, m := range res.Models {
		t.Logf("%-9s fit %.3f  test B %.3f → %.3f  S2n %.3f → %.3f  cov68 %.2f cov95 %.2f  kernel %+v",
			m.Name, m.FitRMS, m.Before.RMSB, m.After.RMSB, m.Before.RMSS2n, m.After.RMSS2n, m.After.Cover68B, m.After.Cover95B, m.Kernel)
		t.Logf("%-9s S2n cov68 %.2f cov95 %.2f; calibration %+v", m.Name, m.After.Cover68S2n, m.After.Cover95S2n, m.Calib)
		if m.After.RMSB > 0.6*m.Before.RMSB || m.After.RMSS2n > 0.6*m.Before.RMSS2n {
			t.Errorf("%s: the GP lowers the test rms by less than 40 %%", m.Name)
		}
		best = min(best, m.After.RMSB)
	}
	a := res.Average
	t.Logf("average: B %.3f S2n %.3f cov68 %.2f cov95 %.2f; weights %v; p_ex > 0.5: %d", a.RMSB, a.RMSS2n, a.Cover68B, a.Cover95B, res.Weights, res.Bound)
	if a.RMSB > 1.05*best {
		t.Errorf("average test rms %.3f above 1.05 × best %.3f", a.RMSB, best)
	}
	// The average's calibrated intervals cover as they should (71 test B,
	// 44 test S2n); each model's within a binomial 2σ of the nominal level
	// (the bands are about ±1.3σ wide at these sizes).
	inBand := func(what string, got, lo, hi float64) {
		if got < lo || got > hi {
			t.Errorf("%s coverage %.3f outside [%.2f, %.2f]", what, got, lo, hi)
		}
	}
	inBand("average B 68 %", a.Cover68B, 0.60, 0.76)
	inBand("average B 95 %", a.Cover95B, 0.90, 0.98)
	inBand("average S2n 68 %", a.Cover68S2n, 0.60, 0.76)
	inBand("average S2n 95 %", a.Cover95S2n, 0.90, 0.98)
	for _, m := range res.Models {
		inBand(m.Name+" B 68 %", m.After.Cover68B, 0.57, 0.80)
		inBand(m.Name+" B 95 %", m.After.Cover95B, 0.89, 1)
		inBand(m.Name+" S2n 68 %", m.After.Cover68S2n, 0.54, 0.82)
		inBand(m.Name+" S2n 95 %", m.After.Cover95S2n, 0.88, 1)
	}
}

// The conformal factor is the ⌈(n+1)p⌉-th smallest |z|; the boundary fold
// of a 3×3 block is its eight outer nuclides, with the S2n pairs of those
// whose N−2 neighbour is measured (the N = 12 column).
func TestConformalAndBoundary(t *testing.T) {
	if c := conformal([]float64{-3, 1, 2, 0.5}, 0.5); c != 2 {
		t.Errorf("conformal 0.5 of |z| {0.5, 1, 2, 3}: %g, want 2 (the 3rd)", c)
	}
	if c := conformal([]float64{-3, 1, 2, 0.5}, 0.95); c != 3 {
		t.Errorf("conformal 0.95: %g, want the largest, 3", c)
	}
	if c := conformal(nil, 0.95); math.Abs(c-1.959964) > 1e-6 {
		t.Errorf("conformal 0.95 without scores: %g, want the normal 1.96", c)
	}
	var train []nucl
	for z := 10; z < 13; z++ {
		for n := 10; n < 13; n++ {
			train = append(train, nucl{n: n, z: z})
		}
	}
	idx, pairs := calibFold("boundary", train, regress.Layout{})
	if len(idx) != 8 || slices.Contains(idx, 4) {
		t.Errorf("boundary fold %v, want all but the centre (index 4)", idx)
	}
	want := [][2]int{{2, 0}, {5, 3}, {8, 6}} // N = 12 (all on the boundary) with N = 10
	if !slices.Equal(pairs, want) {
		t.Errorf("S2n pairs %v, want %v", pairs, want)
	}
	// Chain ends: the two outermost of a chain of seven (N = 20..26, in
	// shuffled order), nothing of a chain of five.
	var ch []nucl
	for _, n := range []int{23, 20, 26, 21, 24, 25, 22} {
		ch = append(ch, nucl{n: n, z: 9})
	}
	for n := 20; n < 25; n++ {
		ch = append(ch, nucl{n: n, z: 10})
	}
	idx, pairs = calibFold("chain-ends", ch, regress.Layout{})
	if want := []int{1, 2, 3, 5}; !slices.Equal(idx, want) { // N = 20, 26, 21, 25
		t.Errorf("chain ends %v, want %v", idx, want)
	}
	if want := [][2]int{{2, 4}, {5, 0}}; !slices.Equal(pairs, want) { // N = 26, 25 with 24, 23
		t.Errorf("chain-end S2n pairs %v, want %v", pairs, want)
	}
	if v := validationSplit("chain-ends", ch, nil); !slices.Equal(v, []int(nil)) {
		t.Errorf("validation split of chains of 7 and 5: %v, want none (chains of ≥ 8)", v)
	}
	// Outer layer: the chain Z = 9 (N = 20..26) between estimates at N =
	// 19 and 27 gives its two ends; the chain Z = 10 (N = 20..24) without
	// its estimated N = 22 gives the rims of the hole (N = 21, 23), not its
	// ends, which face nothing estimated.
	var holed []nucl
	for _, x := range ch {
		if x.n != 22 || x.z != 10 {
			holed = append(holed, x)
		}
	}
	est := map[[2]int]bool{{19, 9}: true, {27, 9}: true, {22, 10}: true, {25, 11}: true}
	if v, want := validationSplit("outer-layer", holed, est), []int{1, 2, 8, 9}; !slices.Equal(v, want) {
		t.Errorf("outer layer %v, want %v (N = 20, 26 of Z = 9; 21, 23 of Z = 10)", v, want)
	}
}

// The calibration is chosen on a validation split of the training table
// alone (the test table is never read): every variant is scored and the
// rule's choice is the smallest χ². VMCMPI_LANDSCAPE_VALIDATE=1 runs the
// whole table; VMCMPI_LANDSCAPE_SPLIT names the split (default
// outer-layer).
func TestLandscapeCalibrationChoice(t *testing.T) {
	cfg := smallLandscape(t)
	whole := os.Getenv("VMCMPI_LANDSCAPE_VALIDATE") != ""
	split := os.Getenv("VMCMPI_LANDSCAPE_SPLIT")
	if split == "" {
		split = "outer-layer"
	}
	if whole {
		cfg.Data.MaxZ, cfg.GP.Subsample = 0, 600
	}
	cfg.Data.Test = "no-such-table"
	v, err := ValidateCalibration(comm.NewSerial(), cfg, split)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Variants) != len(calibFolds)*len(s2nVariances) || v.NVal == 0 || v.NValS2n == 0 {
		t.Fatalf("%d variants, %d validation B, %d S2n", len(v.Variants), v.NVal, v.NValS2n)
	}
	best := v.Variants[0]
	for _, x := range v.Variants {
		t.Logf("%-10s %-8s χ² %7.2f  %v", x.Fold, x.S2nVariance, x.Chi2, x.Coverage)
		for name, c := range x.Coverage {
			for _, f := range c {
				if !(f >= 0 && f <= 1) {
					t.Errorf("%s %s/%s: coverage %v", name, x.Fold, x.S2nVariance, c)
				}
			}
		}
		if x.Chi2 < best.Chi2 {
			best = x
		}
	}
	if v.Fold != best.Fold || v.S2nVariance != best.S2nVariance {
		t.Errorf("chose %s/%s, smallest χ² is %s/%s", v.Fold, v.S2nVariance, best.Fold, best.S2nVariance)
	}
	t.Logf("validation split %s: %d B, %d S2n; chosen %s/%s", v.Split, v.NVal, v.NValS2n, v.Fold, v.S2nVariance)
	if _, err := ValidateCalibration(comm.NewSerial(), cfg, "no-such-split"); err == nil || !strings.Contains(err.Error(), "no-such-split") {
		t.Errorf("unknown split: %v", err)
	}
}

// The covariances prepare computes by second point (shared inner sums)
// are those cov computes pair by pair, bit for bit.
func TestPreparedCovariances(t *testing.T) {
	cfg := smallLandscape(t)
	train, _, err := loadNuclides(ame16, "ame2016", "", 8, 8, 20)
	if err != nil {
		t.Fatal(err)
	}
	lins, err := fitLinear(comm.NewSerial(), massModels([]string{"dz10"}), train, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := cfg.bounds()
	fast, err := fitCorrection(lins[0], train, 60, 1e-3, b)
	if err != nil {
		t.Fatal(err)
	}
	slow := *fast
	slow.cache = map[[2]int]*point{}
	var need [][2]int
	for z := 8; z <= 20; z++ {
		for n := 6; n <= 30; n++ {
			need = append(need, [2]int{n, z})
		}
	}
	fast.prepare(need)
	for _, q := range need {
		for _, o := range neighbours {
			n, z := q[0]+o[0], q[1]+o[1]
			if n < 6 || n > 30 || z < 8 {
				continue // outside need
			}
			pf, qf := fast.at(q[0], q[1]), fast.at(n, z)
			ps, qs := slow.at(q[0], q[1]), slow.at(n, z)
			if f, s := fast.cov(pf, pf), slow.cov(ps, ps); f != s {
				t.Fatalf("variance at %v: %v prepared, %v pair by pair", q, f, s)
			}
			if f, s := fast.cov(pf, qf), slow.cov(ps, qs); f != s || !pf.hasCross[slot(pf, qf)] {
				t.Fatalf("cov(%v, %v): %v prepared (%v), %v pair by pair", q, [2]int{n, z}, f, pf.hasCross, s)
			}
		}
	}
}

// The study's numbers do not depend on the number of threads of a rank.
func TestLandscapeThreadIndependent(t *testing.T) {
	cfg := smallLandscape(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var outs [][]byte
	for _, p := range []int{1, 3} {
		runtime.GOMAXPROCS(p)
		out, _ := runLandscapeOn(t, 1, cfg)
		outs = append(outs, out)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("1 and 3 threads differ")
	}
}
