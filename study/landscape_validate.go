package study

import (
	"fmt"
	"math"
	"slices"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/dataset"
	"github.com/vmcmpi/vmcmpi/reduce"
)

// CalibrationVariant is one way of calibrating intervals (a calibration
// fold and an S2n variance) scored on the validation split: per model, the
// fractions of validation B and S2n inside the 68 % and 95 % intervals.
type CalibrationVariant struct {
	Fold        string                `json:"fold"`
	S2nVariance string                `json:"s2n_variance"`
	Coverage    map[string][4]float64 `json:"coverage_b68_b95_s2n68_s2n95"`
	Chi2        float64               `json:"chi2"`
}

// CalibrationValidation chooses the calibration on the training table
// alone: a validation split of it (ValidationSplits) is held out, the
// study is refitted on the rest (linear models, hyperparameters, each
// variant's calibration fold within the rest) and predicts it.
//
// The rule, fixed before any variant was scored: the variant with the
// smallest χ² = Σ_models Σ_levels ((coverage − p)/√(p(1 − p)/n))² over the
// four levels (B and S2n at p = 0.6827 and 0.95; n the validation B or
// S2n count) wins; ties go to the earlier variant in the order of
// calibFolds × s2nVariances.
type CalibrationValidation struct {
	Split       string               `json:"validation_split"`
	NVal        int                  `json:"n_validation_b"`
	NValS2n     int                  `json:"n_validation_s2n"`
	Variants    []CalibrationVariant `json:"variants"`
	Fold        string               `json:"chosen_fold"`
	S2nVariance string               `json:"chosen_s2n_variance"`
}

// ValidationSplits are the validation splits of ValidateCalibration:
//   - "chain-ends": the outermost measured nuclide at each end of every
//     isotopic chain of at least eight;
//   - "outer-layer": built as the test set is built, one step beyond a
//     measured region. The test nuclides are nuclides the training table
//     lists with an estimated ('#') value next to its measured ones; the
//     split is the measured nuclides whose neighbour on one side of their
//     isotopic chain (N − 1 or N + 1) is measured and on the other side is
//     listed as estimated by the training table itself. Held out together,
//     they leave a measured region whose edge faces them as the training
//     table's edge faces its own estimates (chains of any length, both
//     ends, and the rims of holes; the ends facing nothing the table
//     estimates, and isolated nuclides, are left out).
var ValidationSplits = []string{"chain-ends", "outer-layer"}

// validationSplit returns the indices (ascending) of the validation
// nuclides of train; estimated holds the (N, Z) the training table lists
// with estimated values.
func validationSplit(kind string, train []nucl, estimated map[[2]int]bool) []int {
	var idx []int
	switch kind {
	case "chain-ends":
		for _, c := range chains(train) {
			if len(c) >= 8 {
				idx = append(idx, c[0], c[len(c)-1])
			}
		}
	case "outer-layer":
		known := map[[2]int]bool{}
		for _, t := range train {
			known[[2]int{t.n, t.z}] = true
		}
		for i, t := range train {
			lo, hi := [2]int{t.n - 1, t.z}, [2]int{t.n + 1, t.z}
			if known[lo] && estimated[hi] || known[hi] && estimated[lo] {
				idx = append(idx, i)
			}
		}
	}
	slices.Sort(idx)
	return idx
}

// estimatedOf returns the (N, Z) of the rows of a table whose values are
// estimates ('#'), whatever their N and Z.
func estimatedOf(file, format, source string) (map[[2]int]bool, error) {
	path, err := resolveDataPath(file, source)
	if err != nil {
		return nil, err
	}
	f, err := dataset.ParseFormat(format)
	if err != nil {
		return nil, err
	}
	ns, err := dataset.ReadAMEFile(path, f, dataset.AMEOptions{Estimated: true})
	if err != nil {
		return nil, err
	}
	out := map[[2]int]bool{}
	for _, x := range ns {
		if !x.Experimental {
			out[[2]int{x.N, x.Z}] = true
		}
	}
	return out, nil
}

// ValidateCalibration scores every calibration variant on the validation
// split of cfg's training table named by split (one of ValidationSplits)
// and chooses one by the rule above. The test table is not read. Models
// are spread over the ranks as in RunLandscape; every rank returns the
// same result.
func ValidateCalibration(c comm.Comm, cfg *LandscapeConfig, split string) (*CalibrationValidation, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !slices.Contains(ValidationSplits, split) {
		return nil, fmt.Errorf("validation split %q: want one of %q", split, ValidationSplits)
	}
	d := cfg.Data
	all, _, err := loadNuclides(d.Train, d.TrainFormat, cfg.Source, d.MinN, d.MinZ, d.MaxZ)
	if err != nil {
		return nil, fmt.Errorf("data.train: %w", err)
	}
	estimated, err := estimatedOf(d.Train, d.TrainFormat, cfg.Source)
	if err != nil {
		return nil, fmt.Errorf("data.train: %w", err)
	}
	vIdx := validationSplit(split, all, estimated)
	train := without(all, vIdx)
	if len(vIdx) == 0 || len(train) < 10*cfg.CV.Folds {
		return nil, fmt.Errorf("data.train: %d nuclides, %d in the validation split: too few to validate", len(all), len(vIdx))
	}
	val := make([]nucl, len(vIdx))
	for a, i := range vIdx {
		val[a] = all[i]
	}
	// Validation nuclides whose N−2 neighbour is retained.
	s2n, s2nObs := s2nTargets(val, train)
	models := massModels(cfg.Models)
	lins, err := fitLinear(c, models, train, cfg.Seed)
	if err != nil {
		return nil, err
	}
	layout := foldLayout(cfg)
	folds := make([][]int, len(calibFolds))
	pairs := make([][][2]int, len(calibFolds))
	for f, kind := range calibFolds {
		folds[f], pairs[f] = calibFold(kind, train, layout)
	}
	refit, err := fitWithout(c, models, train, folds, cfg.Seed)
	if err != nil {
		return nil, err
	}
	nv := len(calibFolds) * len(s2nVariances)
	bounds, _ := cfg.bounds()
	buf := reduce.New()
	secs := make([]reduce.Vector, len(models))
	for k := range models {
		secs[k] = buf.Vector("validate/"+models[k].Name, 4*nv)
	}
	var ownErr error
	for k, l := range lins {
		if k%c.Size() != c.Rank() {
			continue
		}
		out := secs[k].Data()
		cm, err := fitCorrection(l, train, cfg.GP.Subsample, cfg.GP.Cutoff, bounds)
		if err == nil {
			err = cm.validate(out, train, val, s2n, s2nObs, folds, pairs, refit, k)
		}
		if err != nil {
			out[0] = math.NaN()
			ownErr = fmt.Errorf("model %s: %w", l.m.Name, err)
		}
	}
	if err := buf.AllReduce(c); err != nil {
		return nil, err
	}
	if ownErr != nil {
		return nil, ownErr
	}
	res := &CalibrationValidation{Split: split, NVal: len(val), NValS2n: len(s2n)}
	best := -1
	for f, kind := range calibFolds {
		for s, sv := range s2nVariances {
			v := CalibrationVariant{Fold: kind, S2nVariance: sv, Coverage: map[string][4]float64{}}
			j := f*len(s2nVariances) + s
			for k, m := range models {
				x := secs[k].Data()
				if math.IsNaN(x[0]) {
					return nil, fmt.Errorf("model %s: validation failed on rank %d", m.Name, k%c.Size())
				}
				var cov [4]float64
				copy(cov[:], x[4*j:4*j+4])
				v.Coverage[m.Name] = cov
				for q, p := range []float64{0.6827, 0.95, 0.6827, 0.95} {
					n := float64(len(val))
					if q >= 2 {
						n = float64(len(s2n))
					}
					dz := (cov[q] - p) / math.Sqrt(p*(1-p)/n)
					v.Chi2 += dz * dz
				}
			}
			if best < 0 || v.Chi2 < res.Variants[best].Chi2 {
				best = len(res.Variants)
			}
			res.Variants = append(res.Variants, v)
		}
	}
	res.Fold, res.S2nVariance = res.Variants[best].Fold, res.Variants[best].S2nVariance
	return res, nil
}

// validate writes, for each variant (fold f, S2n variance s), the
// coverage fractions of the validation nuclides (B 68, 95 %, S2n 68, 95 %)
// into out[4j:4j+4], j = f·len(s2nVariances) + s. refit[f][k] is model k
// fitted without calibration fold f.
func (cm *corrected) validate(out []float64, train, val []nucl, s2n []int, s2nObs []float64, folds [][]int, pairs [][][2]int, refit [][]*linearModel, k int) error {
	var need [][2]int
	for _, v := range val {
		need = append(need, [2]int{v.n, v.z}, [2]int{v.n - 2, v.z})
	}
	cm.prepare(need)
	yb, mb, vb := make([]float64, len(val)), make([]float64, len(val)), make([]float64, len(val))
	for a, v := range val {
		p := cm.at(v.n, v.z)
		yb[a], mb[a], vb[a] = v.b, p.mean, cm.cov(p, p)
	}
	ms, vs := make([][]float64, len(s2nVariances)), make([][]float64, len(s2nVariances))
	for s, kind := range s2nVariances {
		cm.observed = kind == "observed"
		ms[s], vs[s] = make([]float64, len(s2n)), make([]float64, len(s2n))
		for j, a := range s2n {
			ms[s][j], vs[s][j] = cm.separation(val[a].n, val[a].z, val[a].n-2, val[a].z)
		}
	}
	for f := range folds {
		scratch := make([]float64, 2*len(folds[f])+2*len(pairs[f]))
		for s, kind := range s2nVariances {
			zb, zs, err := cm.edgePredictions(scratch, train, refit[f][k], folds[f], pairs[f], kind == "observed")
			if err != nil {
				return err
			}
			cal := calibrate(zb, zs)
			j := f*len(s2nVariances) + s
			out[4*j], out[4*j+1] = coverage(yb, mb, vb, cal.C68B, cal.C95B)
			out[4*j+2], out[4*j+3] = coverage(s2nObs, ms[s], vs[s], cal.C68S2n, cal.C95S2n)
		}
	}
	return nil
}
