package study

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/dataset"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// Score compares predictions with measurements: rms deviations of B and
// S2n, and the fractions inside the central 68 % and 95 % intervals.
type Score struct {
	RMSB       float64 `json:"rms_b"`
	RMSS2n     float64 `json:"rms_s2n"`
	Cover68B   float64 `json:"coverage68_b,omitempty"`
	Cover95B   float64 `json:"coverage95_b,omitempty"`
	Cover68S2n float64 `json:"coverage68_s2n,omitempty"`
	Cover95S2n float64 `json:"coverage95_s2n,omitempty"`
}

// Kernel is a fitted residual GP.
type Kernel struct {
	Amp         float64 `json:"amplitude"`
	LenZ        float64 `json:"length_z"`
	LenN        float64 `json:"length_n"`
	Noise       float64 `json:"noise"`
	LogMarginal float64 `json:"log_marginal"`
}

// LandscapeModel is one mass model of a landscape study.
type LandscapeModel struct {
	Name         string             `json:"name"`
	Reference    string             `json:"reference"`
	RefRMS       float64            `json:"reference_rms,omitempty"`
	RefRange     string             `json:"reference_range,omitempty"`
	Coefficients map[string]float64 `json:"coefficients"`
	StdErr       map[string]float64 `json:"stderr"`
	Iterations   int                `json:"branch_iterations"`
	FitRMS       float64            `json:"fit_rms"`   // training nuclides, the linear model
	CVRMS        float64            `json:"cv_rms_gp"` // held-out folds, GP-corrected
	ELPD         float64            `json:"cv_log_predictive"`
	Kernel       Kernel             `json:"kernel"`
	Calib        Calibration        `json:"calibration"`
	// Seconds: the kernel fit (hyperparameters and conditioning) and the
	// whole correction (with held-out folds, test and chart predictions).
	KernelSeconds float64 `json:"-"`
	GPSeconds     float64 `json:"-"`
	Before        Score   `json:"test_before_gp"`
	After         Score   `json:"test_after_gp"`
}

// DripLine is the two-neutron drip line of one element: the largest N
// with p_ex > 0.5, and the largest N with p_ex above 0.84 and 0.16.
type DripLine struct {
	Z      int  `json:"z"`
	N      int  `json:"n"`
	NLow   int  `json:"n_p84"`
	NHigh  int  `json:"n_p16"`
	Capped bool `json:"at_chart_edge,omitempty"`
}

// Measured is a nuclide of the test table: N, Z and B (MeV).
type Measured struct {
	Z, N int
	B    float64
}

// ChartRow is one nuclide of the chart: the averaged predictions.
type ChartRow struct {
	Z, N               int
	B, SDB, S2n, SDS2n float64
	S2p, SDS2p         float64
	Sn, SDSn, Sp, SDSp float64
	PEx                float64
	Known              bool // measured in the training table
	Test               bool // measured first in the test table
}

// LandscapeResult is everything a landscape study produces, the same on
// every rank; its JSON encoding is result.json.
type LandscapeResult struct {
	Config       string             `json:"config"`
	Train        string             `json:"train"`
	Test         string             `json:"test"`
	NTrain       int                `json:"n_train"`
	NTest        int                `json:"n_test"`
	NTestS2n     int                `json:"n_test_s2n"`
	Folds        int                `json:"folds"`
	Models       []LandscapeModel   `json:"models"`
	WeightKind   string             `json:"weights_from"`
	Weights      map[string]float64 `json:"weights"`
	Stacking     map[string]float64 `json:"stacking_weights"`
	PseudoBMA    map[string]float64 `json:"pseudo_bma_weights"`
	Evidence     map[string]float64 `json:"evidence_weights"`
	Average      Score              `json:"test_average"`
	AverageCalib Calibration        `json:"average_calibration"`
	ChartSize    int                `json:"chart_size"`
	Bound        int                `json:"n_pex_above_half"`
	Drip         []DripLine         `json:"drip_lines"`

	Chart []ChartRow `json:"-"`
	// Per-model test predictions (after the GP), for plots: TestB[k][i].
	TestNuclides [][2]int    `json:"-"`
	TestObs      []float64   `json:"-"`
	TestB        [][]float64 `json:"-"`
	TestLin      [][]float64 `json:"-"`
	// Training residuals for plots: the linear model's (TrainLin) and the
	// held-out GP-corrected predictions (TrainCV), TrainLin[k][i]; and the
	// measured nuclides of the test table (AME2020 points).
	TrainNuclides [][2]int    `json:"-"`
	TrainObs      []float64   `json:"-"`
	TrainLin      [][]float64 `json:"-"`
	TrainCV       [][]float64 `json:"-"`
	Measured      []Measured  `json:"-"`
}

// s2nTargets returns the indices of the nuclides xs whose N−2 isotope is
// in ref, and their observed S2n = B(N, Z) − B(N−2, Z).
func s2nTargets(xs, ref []nucl) (idx []int, obs []float64) {
	b := make(map[[2]int]float64, len(ref))
	for _, t := range ref {
		b[[2]int{t.n, t.z}] = t.b
	}
	for i, t := range xs {
		if bm, ok := b[[2]int{t.n - 2, t.z}]; ok {
			idx = append(idx, i)
			obs = append(obs, t.b-bm)
		}
	}
	return idx, obs
}

// massModels looks up the configured mass models (names validated).
func massModels(names []string) []*dataset.MassModel {
	models := make([]*dataset.MassModel, len(names))
	for k, name := range names {
		models[k], _ = dataset.LookupMassModel(name)
	}
	return models
}

// chartBounds is the N range of element z: from the proton-rich side to
// well past any predicted neutron drip line.
func chartBounds(z, minN int) (lo, hi int) {
	return max(minN, int(0.6*float64(z))-4), min(int(2.2*float64(z))+40, 330)
}

// RunLandscape runs the study on every rank of c and returns the same
// result on each: the linear fits sum sufficient statistics over the
// ranks; model k's Gaussian process, held-out folds, test and chart
// predictions run on rank k mod size and reach the others through one
// all-reduce of a buffer the other ranks leave at zero, so the numbers do
// not depend on the number of ranks.
func RunLandscape(c comm.Comm, cfg *LandscapeConfig) (*LandscapeResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := cfg.Data
	train, trainPath, err := loadNuclides(d.Train, d.TrainFormat, cfg.Source, d.MinN, d.MinZ, d.MaxZ)
	if err != nil {
		return nil, fmt.Errorf("data.train: %w", err)
	}
	all2, testPath, err := loadNuclides(d.Test, d.TestFormat, cfg.Source, d.MinN, d.MinZ, d.MaxZ)
	if err != nil {
		return nil, fmt.Errorf("data.test: %w", err)
	}
	if len(train) < 10*cfg.CV.Folds || len(train) < cfg.GP.Subsample/2 {
		return nil, fmt.Errorf("cv.folds = %d, gp.subsample = %d: only %d training nuclides (need 10 per fold and half the subsample)", cfg.CV.Folds, cfg.GP.Subsample, len(train))
	}
	test := newOnly(all2, train)
	if len(test) == 0 {
		return nil, fmt.Errorf("data.test: no nuclide is new relative to data.train")
	}
	// Test nuclides whose N−2 neighbour is measured in the test table.
	s2nIdx, s2nObs := s2nTargets(test, all2)
	models := massModels(cfg.Models)
	lins, err := fitLinear(c, models, train, cfg.Seed)
	if err != nil {
		return nil, err
	}
	var chart [][2]int
	for z := cfg.Chart.ZMin; z <= cfg.Chart.ZMax; z++ {
		lo, hi := chartBounds(z, d.MinN)
		for n := lo; n <= hi; n++ {
			chart = append(chart, [2]int{n, z})
		}
	}
	layout := foldLayout(cfg)
	edge, pairs := calibFold(cfg.Calib.Fold, train, layout)
	// Every held-out prediction (the folds and the calibration fold) comes
	// from the linear models refitted without the nuclides held out.
	folds := foldsOf(len(train), layout)
	refit, err := fitWithout(c, models, train, append(folds, edge), cfg.Seed)
	if err != nil {
		return nil, err
	}
	nt, ns := len(train), len(test)
	size := header + 2*nt + 2*ns + 2*len(s2nIdx) + 2*len(edge) + 2*len(pairs) + chartValues*len(chart)
	buf := reduce.New()
	secs := make([]reduce.Vector, len(models))
	for k := range models {
		secs[k] = buf.Vector("landscape/"+models[k].Name, size)
	}
	bounds, _ := cfg.bounds()
	// This rank's models run on its cores at once: each writes only its
	// own section, so the numbers do not depend on the threads either.
	var own []int
	for k := range lins {
		if k%c.Size() == c.Rank() {
			own = append(own, k)
		}
	}
	errs := make([]error, len(lins))
	each(len(own), func(j int) {
		k := own[j]
		without := make([]*linearModel, len(refit))
		for f := range refit {
			without[f] = refit[f][k]
		}
		if err := correctOne(secs[k].Data(), lins[k], without, train, test, s2nIdx, folds, edge, pairs, chart, cfg, bounds); err != nil {
			// Mark the failure for every rank (NaN survives the sum).
			secs[k].Data()[0] = math.NaN()
			errs[k] = fmt.Errorf("model %s: %w", lins[k].m.Name, err)
		}
	})
	if err := buf.AllReduce(c); err != nil {
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	res := &LandscapeResult{Config: cfg.Source, Train: trainPath, Test: testPath, NTrain: nt, NTest: ns, NTestS2n: len(s2nIdx), Folds: cfg.CV.Folds, ChartSize: len(chart)}
	for k := range models {
		if math.IsNaN(secs[k].Data()[0]) {
			return nil, fmt.Errorf("model %s: the Gaussian-process correction failed on rank %d", models[k].Name, k%c.Size())
		}
	}
	for _, t := range all2 {
		res.Measured = append(res.Measured, Measured{Z: t.z, N: t.n, B: t.b})
	}
	res.assemble(lins, secs, train, test, s2nIdx, s2nObs, edge, pairs, chart, cfg)
	if bad := nonFinite(res); len(bad) > 0 {
		return nil, finiteError(cfg.Source, bad)
	}
	return res, nil
}

// foldLayout assigns the training nuclides to the cross-validation folds.
func foldLayout(cfg *LandscapeConfig) regress.Layout {
	return regress.Layout{Folds: cfg.CV.Folds, Seed: cfg.Seed}
}

// header is the number of values before a model's predictions: the
// kernel, its log marginal likelihood, a marker, the calibration and two
// timings (reported, never written to result.json).
const header = 12

// correctOne fits model l's residual GP and writes, into out: the kernel,
// the calibration (header values), the held-out mean and variance of
// each training B, the predictive mean and variance of each test B and
// S2n, those of the calibration fold and the chart. without[f] is the
// linear model fitted without folds[f] (the last: without edge).
func correctOne(out []float64, l *linearModel, without []*linearModel, train, test []nucl, s2nIdx []int, folds [][]int, edge []int, pairs [][2]int, chart [][2]int, cfg *LandscapeConfig, b regress.GPBounds) error {
	start := time.Now()
	cm, err := fitCorrection(l, train, cfg.GP.Subsample, cfg.GP.Cutoff, b)
	if err != nil {
		return err
	}
	cm.observed = cfg.Calib.S2nVariance == "observed"
	out[10] = time.Since(start).Seconds()
	defer func() { out[11] = time.Since(start).Seconds() }()
	nt, ns, m := len(train), len(test), len(s2nIdx)
	// The calibration fold and the cross-validation folds are independent
	// held-out predictions writing disjoint parts of out.
	o := out[header:]
	var zb, zs []float64
	errs := make([]error, len(folds)+1)
	each(len(folds)+1, func(f int) {
		if f == 0 {
			zb, zs, errs[0] = cm.edgePredictions(out[header+2*nt+2*ns+2*m:], train, without[len(folds)], edge, pairs, cm.observed)
			return
		}
		errs[f] = cm.foldPrediction(o[:nt], o[nt:2*nt], train, folds[f-1], without[f-1])
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	cal := calibrate(zb, zs)
	cm.scaleB, cm.scaleS = cal.C68B, cal.C68S2n
	k := cm.gp.Kernel
	copy(out, []float64{k.Amp, k.Len[0], k.Len[1], k.Noise, cm.logML, 1, cal.C68B, cal.C95B, cal.C68S2n, cal.C95S2n})
	o = o[2*nt:]
	var need [][2]int
	for _, t := range test {
		need = append(need, [2]int{t.n, t.z}, [2]int{t.n - 2, t.z})
	}
	for _, q := range chart {
		n, z := q[0], q[1]
		need = append(need, q, [2]int{n - 1, z}, [2]int{n - 2, z}, [2]int{n, z - 1}, [2]int{n, z - 2})
	}
	cm.prepare(need)
	for i, t := range test {
		p := cm.at(t.n, t.z)
		o[i], o[ns+i] = p.mean, cm.cov(p, p)
	}
	o = o[2*ns:]
	for j, i := range s2nIdx {
		o[j], o[m+j] = cm.separation(test[i].n, test[i].z, test[i].n-2, test[i].z)
	}
	o = o[2*m+2*len(edge)+2*len(pairs):]
	parallel(len(chart), func(j int) {
		cm.predictChart(o[j*chartValues:(j+1)*chartValues], chart[j][0], chart[j][1])
	})
	return nil
}
