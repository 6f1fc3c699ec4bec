package study

import (
	"math"
	"slices"

	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// Calibration turns predictive standard deviations into central intervals:
// the 68 % (95 %) interval of a prediction is mean ± C68 (C95) sd. The
// factors are split-conformal quantiles of |measured − predicted|/sd over
// the boundary fold: every training nuclide lacking a measured neighbour
// at N ± 1 or Z ± 1, all predicted together from the interior. New
// measurements extend the known region by a nucleon or two, where a
// random fold (which interpolates) would understate the errors; the
// boundary fold extrapolates as they do, and its quantiles absorb the
// heavy tails a normal predictive misses. Nothing of the test table enters.
type Calibration struct {
	C68B   float64 `json:"c68_b"`
	C95B   float64 `json:"c95_b"`
	C68S2n float64 `json:"c68_s2n"`
	C95S2n float64 `json:"c95_s2n"`
	NB     int     `json:"n_edge_b"`
	NS2n   int     `json:"n_edge_s2n"`
}

// edgeFold returns the boundary fold (indices ascending) and its S2n pairs
// (i, j): i in the fold, j its N−2 neighbour in the training table.
func edgeFold(train []nucl) (idx []int, pairs [][2]int) {
	at := map[[2]int]int{}
	for i, t := range train {
		at[[2]int{t.n, t.z}] = i
	}
	for i, t := range train {
		for _, d := range [][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			if _, ok := at[[2]int{t.n + d[0], t.z + d[1]}]; !ok {
				idx = append(idx, i)
				break
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

// edgePredictions writes the held-out predictions of the edge fold into
// o: mean and variance of each B (model plus GP), then of each S2n pair,
// formed as separation forms them (the difference of the two corrected
// predictions, with the latent covariance). It returns the standardised
// errors.
func (c *corrected) edgePredictions(o []float64, train []nucl, idx []int, pairs [][2]int) (zb, zs []float64, err error) {
	blk, err := c.gp.HeldOutCov(idx)
	if err != nil {
		return nil, nil, err
	}
	sig := blk.Cov
	pos := map[int]int{}
	sc := make([]float64, len(c.lin.m.Terms))
	ne := len(idx)
	for a, i := range idx {
		pos[i] = a
		o[a], o[ne+a] = c.lin.predict(sc, train[i].n, train[i].z)+blk.Mean[a], sig.At(a, a)
		zb = append(zb, (train[i].b-o[a])/math.Sqrt(o[ne+a]))
	}
	np := len(pairs)
	s2 := c.gp.Kernel.Noise * c.gp.Kernel.Noise
	for k, p := range pairs {
		a := pos[p[0]]
		mj := c.lin.predict(sc, train[p[1]].n, train[p[1]].z)
		if b, held := pos[p[1]]; held {
			mj += blk.Mean[b]
			o[2*ne+np+k] = sig.At(a, a) + sig.At(b, b) - 2*sig.At(a, b)
		} else {
			// The neighbour is a retained point: its latent value given
			// the rest (the noise is added here and taken off below).
			m, v, cv := blk.Latent(p[1])
			mj += m
			o[2*ne+np+k] = sig.At(a, a) + v + s2 - 2*cv[a]
		}
		// Latent covariance only, as separation (never below rounding).
		o[2*ne+np+k] = math.Max(o[2*ne+np+k]-2*s2, 1e-12)
		o[2*ne+k] = o[a] - mj
		zs = append(zs, (train[p[0]].b-train[p[1]].b-o[2*ne+k])/math.Sqrt(o[2*ne+np+k]))
	}
	return zb, zs, nil
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
