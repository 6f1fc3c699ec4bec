package study

import (
	"math"
	"slices"

	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// Calibration turns predictive standard deviations into central intervals:
// the 68 % (95 %) interval of a prediction is mean ± C68 (C95) sd. The
// factors are split-conformal quantiles of |measured − predicted|/sd over
// a calibration fold of the training nuclides, all predicted together
// from the others with the linear model refitted without them, so that
// nothing of the test table enters. Which fold (calibration.fold) and
// whether S2n variances carry the noise (calibration.s2n_variance) were
// chosen on a validation split of the training table alone
// (ValidateCalibration).
type Calibration struct {
	C68B   float64 `json:"c68_b"`
	C95B   float64 `json:"c95_b"`
	C68S2n float64 `json:"c68_s2n"`
	C95S2n float64 `json:"c95_s2n"`
	NB     int     `json:"n_edge_b"`
	NS2n   int     `json:"n_edge_s2n"`
}

// Calibration folds (calibration.fold) and S2n variances
// (calibration.s2n_variance), in the order ValidateCalibration breaks ties.
var (
	calibFolds     = []string{"boundary", "chain-ends", "random"}
	s2nVariances   = []string{"latent", "observed"}
	errCalibFolds  = `want "boundary", "chain-ends" or "random"`
	errS2nVariance = `want "latent" or "observed"`
)

// calibFold returns a calibration fold of train (indices ascending) and its
// S2n pairs (i, j): i in the fold, j its N−2 neighbour in train.
//   - boundary: every nuclide lacking a measured neighbour at N ± 1 or
//     Z ± 1 (new measurements extend the known region by a nucleon or two;
//     this fold extrapolates as they do);
//   - chain-ends: the two outermost nuclides at each end of every isotopic
//     chain of at least six;
//   - random: the first of the cross-validation folds (interpolation).
func calibFold(kind string, train []nucl, layout regress.Layout) (idx []int, pairs [][2]int) {
	at := map[[2]int]int{}
	for i, t := range train {
		at[[2]int{t.n, t.z}] = i
	}
	switch kind {
	case "boundary":
		for i, t := range train {
			for _, d := range [][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
				if _, ok := at[[2]int{t.n + d[0], t.z + d[1]}]; !ok {
					idx = append(idx, i)
					break
				}
			}
		}
	case "chain-ends":
		for _, c := range chains(train) {
			if len(c) >= 6 {
				idx = append(idx, c[0], c[1], c[len(c)-2], c[len(c)-1])
			}
		}
		slices.Sort(idx)
	case "random":
		for i := range train {
			if layout.Fold(i) == 0 {
				idx = append(idx, i)
			}
		}
	}
	for _, i := range idx {
		if j, ok := at[[2]int{train[i].n - 2, train[i].z}]; ok {
			pairs = append(pairs, [2]int{i, j})
		}
	}
	return idx, pairs
}

// chains returns the indices of each element's nuclides in order of N,
// the elements in order of Z.
func chains(train []nucl) [][]int {
	by := map[int][]int{}
	var zs []int
	for i, t := range train {
		if by[t.z] == nil {
			zs = append(zs, t.z)
		}
		by[t.z] = append(by[t.z], i)
	}
	slices.Sort(zs)
	out := make([][]int, len(zs))
	for k, z := range zs {
		c := by[z]
		slices.SortFunc(c, func(a, b int) int { return train[a].n - train[b].n })
		out[k] = c
	}
	return out
}

// without returns the nuclides of train not in idx (ascending).
func without(train []nucl, idx []int) []nucl {
	out := make([]nucl, 0, len(train)-len(idx))
	k := 0
	for i, t := range train {
		if k < len(idx) && idx[k] == i {
			k++
			continue
		}
		out = append(out, t)
	}
	return out
}

// conformal returns the ⌈(n+1)p⌉-th smallest of |z| (the largest when that
// exceeds n): the split-conformal factor of level p; with no scores, the
// normal one.
func conformal(z []float64, p float64) float64 {
	if len(z) == 0 {
		return math.Sqrt2 * math.Erfinv(p)
	}
	a := make([]float64, len(z))
	for i, v := range z {
		a[i] = math.Abs(v)
	}
	slices.Sort(a)
	k := min(int(math.Ceil(float64(len(a)+1)*p)), len(a))
	return a[max(k, 1)-1]
}

// calibrate sets the factors from standardised edge-fold errors.
func calibrate(zb, zs []float64) Calibration {
	return Calibration{C68B: conformal(zb, 0.6827), C95B: conformal(zb, 0.95),
		C68S2n: conformal(zs, 0.6827), C95S2n: conformal(zs, 0.95), NB: len(zb), NS2n: len(zs)}
}

// edgePredictions writes the held-out predictions of fold idx into o:
// mean and variance of each B, then of each S2n pair, formed as separation
// forms them. lf is the linear model fitted without the fold: the GP is
// conditioned on the retained nuclides' residuals from it. observed adds
// both nuclides' noise to the S2n variances (else the latent covariance
// alone). It returns the standardised errors.
func (c *corrected) edgePredictions(o []float64, train []nucl, lf *linearModel, idx []int, pairs [][2]int, observed bool) (zb, zs []float64, err error) {
	sc := make([]float64, len(lf.m.Terms))
	r := make([]float64, len(train))
	for i, t := range train {
		r[i] = t.b - lf.predict(sc, t.n, t.z)
	}
	g, err := c.gp.WithTargets(r)
	if err != nil {
		return nil, nil, err
	}
	blk, err := g.HeldOutCov(idx)
	if err != nil {
		return nil, nil, err
	}
	sig := blk.Cov
	pos := map[int]int{}
	ne := len(idx)
	for a, i := range idx {
		pos[i] = a
		o[a], o[ne+a] = lf.predict(sc, train[i].n, train[i].z)+blk.Mean[a], sig.At(a, a)
		zb = append(zb, (train[i].b-o[a])/math.Sqrt(o[ne+a]))
	}
	np := len(pairs)
	s2 := g.Kernel.Noise * g.Kernel.Noise
	for k, p := range pairs {
		a := pos[p[0]]
		mj := lf.predict(sc, train[p[1]].n, train[p[1]].z)
		if b, held := pos[p[1]]; held {
			mj += blk.Mean[b]
			o[2*ne+np+k] = sig.At(a, a) + sig.At(b, b) - 2*sig.At(a, b)
		} else {
			// The neighbour is a retained point: its latent value given
			// the rest, plus the noise of an observation.
			m, v, cv := blk.Latent(p[1])
			mj += m
			o[2*ne+np+k] = sig.At(a, a) + v + s2 - 2*cv[a]
		}
		if !observed {
			// Latent covariance only, as separation (never below rounding).
			o[2*ne+np+k] = math.Max(o[2*ne+np+k]-2*s2, 1e-12)
		}
		o[2*ne+k] = o[a] - mj
		zs = append(zs, (train[p[0]].b-train[p[1]].b-o[2*ne+k])/math.Sqrt(o[2*ne+np+k]))
	}
	return zb, zs, nil
}

// foldPrediction writes the held-out mean and variance of the training
// nuclides of one fold (idx): predicted from the others, with the linear
// model refitted without them (lf) and the GP conditioned on the retained
// residuals from that model (the hyperparameters stay those of the full
// fit). It writes only mean[i] and variance[i] of i in idx.
func (c *corrected) foldPrediction(mean, variance []float64, train []nucl, idx []int, lf *linearModel) error {
	if len(idx) == 0 {
		return nil
	}
	sc := make([]float64, len(c.lin.m.Terms))
	r := make([]float64, len(train))
	for i, t := range train {
		r[i] = t.b - lf.predict(sc, t.n, t.z)
	}
	g, err := c.gp.WithTargets(r)
	if err != nil {
		return err
	}
	mu, va, err := g.HeldOut(idx)
	if err != nil {
		return err
	}
	for a, i := range idx {
		mean[i] = lf.predict(sc, train[i].n, train[i].z) + mu[a]
		variance[i] = va[a]
	}
	return nil
}

// mixtureCalibration calibrates the model average like one model: its
// standardised errors are (measured − mixture mean)/mixture sd.
func mixtureCalibration(w []float64, yb []float64, mb, vb [][]float64, ys []float64, ms, vs [][]float64) Calibration {
	z := func(y []float64, mu, v [][]float64) []float64 {
		cm, cv := make([]float64, len(w)), make([]float64, len(w))
		out := make([]float64, len(y))
		for i := range y {
			for k := range w {
				cm[k], cv[k] = mu[k][i], v[k][i]
			}
			m, va := regress.Mixture(w, cm, cv)
			out[i] = (y[i] - m) / math.Sqrt(va)
		}
		return out
	}
	return calibrate(z(yb, mb, vb), z(ys, ms, vs))
}
