package study

import (
	"math"
	"runtime"
	"sync"

	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// corrected is a linear mass model plus a Gaussian process of its
// residuals over (Z, N). Its predictions are of measured values: the GP's
// white noise (the model's unresolved scatter) is part of each nuclide's
// variance, and the coefficients' covariance is propagated too, so that
// differences of neighbours (separation energies) carry their correlations.
type corrected struct {
	lin    *linearModel
	gp     *regress.GP
	logML  float64
	cache  map[[2]int]*point
	lenMax float64
	// scaleB and scaleS multiply the chart's standard deviations of B and
	// of two-nucleon separation energies (the 68 % calibration factors).
	scaleB, scaleS float64
	// observed: two-nucleon separations carry both nuclides' noise
	// (calibration.s2n_variance = "observed"), else the latent covariance.
	observed bool
}

// point caches what predictions at one nuclide need.
type point struct {
	n, z int
	x    [2]float64
	t    []float64 // model terms on the chosen branch
	k    regress.Sparse
	mean float64 // model + GP mean
	vv   float64 // predictive variance, once computed
	hasV bool
	// cross[d]: the covariance with the point at offset neighbours[d],
	// once computed (hasCross[d]).
	cross    [len(neighbours)]float64
	hasCross [len(neighbours)]bool
}

// neighbours are the offsets (ΔN, ΔZ) from a point a to the points b
// whose covariance cov(a, b) the chart and the separation energies ask
// for: S2n, S2p, Sn, Sp, and Cov(S2n, S2p) between (N − 2, Z) and (N, Z − 2).
var neighbours = [...][2]int{{-2, 0}, {0, -2}, {-1, 0}, {0, -1}, {2, -2}}

// slot is the index in neighbours of b's offset from a, or −1.
func slot(a, b *point) int {
	for d, o := range neighbours {
		if b.n-a.n == o[0] && b.z-a.z == o[1] {
			return d
		}
	}
	return -1
}

// fitCorrection fits the GP hyperparameters on a deterministic subsample
// of sub residuals (a fit costs O(n³) per likelihood evaluation: 7 s at
// n = 2408 on this machine, against 0.1 s at 600), then conditions the GP
// on all residuals.
func fitCorrection(l *linearModel, train []nucl, sub int, cutoff float64, b regress.GPBounds) (*corrected, error) {
	n := len(train)
	x := make([]float64, 2*n)
	r := make([]float64, n)
	sc := make([]float64, len(l.m.Terms))
	for i, t := range train {
		x[2*i], x[2*i+1] = float64(t.z), float64(t.n)
		r[i] = t.b - l.predict(sc, t.n, t.z)
	}
	// Exactly min(sub, n) nuclides, evenly spaced in table order.
	var xs, rs []float64
	m := min(sub, n)
	for j := range m {
		i := j * n / m
		xs = append(xs, x[2*i], x[2*i+1])
		rs = append(rs, r[i])
	}
	rms := math.Sqrt(l.fit.RSS / l.fit.N)
	start := regress.SEKernel{Amp: rms, Len: []float64{3, 3}, Noise: 0.3 * rms}
	k, _, err := regress.FitKernel(xs, 2, rs, start, b)
	if err != nil {
		return nil, err
	}
	g, err := regress.NewGP(x, 2, r, k)
	if err != nil {
		return nil, err
	}
	g.Cutoff = cutoff
	// The inverse serves held-out folds and every covariance; computing it
	// here leaves no error for later.
	if _, err := g.Inverse(); err != nil {
		return nil, err
	}
	return &corrected{lin: l, gp: g, logML: g.LogMarginal(), cache: map[[2]int]*point{}, scaleB: 1, scaleS: 1}, nil
}

// at returns the cached point (n, z), computing it when absent (not safe
// for concurrent use: prepare the points first).
func (c *corrected) at(n, z int) *point {
	key := [2]int{z, n}
	if p, ok := c.cache[key]; ok {
		return p
	}
	p := c.newPoint(n, z)
	c.cov(p, p)
	c.cache[key] = p
	return p
}

// newPoint is the point (n, z) with its mean, its variance not yet known.
func (c *corrected) newPoint(n, z int) *point {
	p := &point{n: n, z: z, x: [2]float64{float64(z), float64(n)}, t: make([]float64, len(c.lin.m.Terms))}
	c.lin.terms(p.t, n, z)
	c.gp.KernelVector(&p.k, p.x[:])
	for k, t := range p.t {
		p.mean += c.lin.fit.Coef[k] * t
	}
	p.mean += c.gp.MeanOf(&p.k)
	return p
}

// prepare computes the points of nz (N, Z pairs) and their variances on
// all cores; each point depends on its own inputs alone, so the result
// does not depend on the scheduling.
func (c *corrected) prepare(nz [][2]int) {
	var keys [][2]int
	seen := map[[2]int]bool{}
	for _, q := range nz {
		key := [2]int{q[1], q[0]}
		if _, ok := c.cache[key]; !ok && !seen[key] {
			seen[key] = true
			keys = append(keys, q)
		}
	}
	pts := make([]*point, len(keys))
	parallel(len(keys), func(i int) { pts[i] = c.newPoint(keys[i][0], keys[i][1]) })
	for i, q := range keys {
		c.cache[[2]int{q[1], q[0]}] = pts[i]
	}
	// The covariances by second point b: cov(a, b) sums, over a's kernel
	// vector, the inner sums (K⁻¹k_b)_i, each computed once for b and
	// shared by b's variance and every a = b − neighbours[d] (the same
	// numbers as cov computing them pair by pair, in a fraction of the
	// time). Each (a, d) has one b, so no two goroutines write one value.
	n := len(c.gp.Y)
	pool := sync.Pool{New: func() any { return &innerSums{w: make([]float64, n), mark: make([]uint32, n)} }}
	parallel(len(pts), func(i int) {
		b := pts[i]
		w := pool.Get().(*innerSums)
		w.start(c.gp, &b.k)
		b.vv, b.hasV = c.covBy(b, b, w)+c.gp.Kernel.Noise*c.gp.Kernel.Noise, true
		for d, o := range neighbours {
			if a, ok := c.cache[[2]int{b.z - o[1], b.n - o[0]}]; ok {
				a.cross[d], a.hasCross[d] = c.covBy(a, b, w), true
			}
		}
		pool.Put(w)
	})
}

// innerSums holds (K⁻¹k_b)_i of one point b for the training points i
// asked for so far (mark[i] == stamp).
type innerSums struct {
	gp    *regress.GP
	kb    *regress.Sparse
	w     []float64
	mark  []uint32
	stamp uint32
}

func (s *innerSums) start(g *regress.GP, kb *regress.Sparse) {
	s.gp, s.kb = g, kb
	s.stamp++
	if s.stamp == 0 {
		clear(s.mark)
		s.stamp = 1
	}
}

func (s *innerSums) at(i int) float64 {
	if s.mark[i] != s.stamp {
		s.w[i], s.mark[i] = s.gp.InverseRowDot(i, s.kb), s.stamp
	}
	return s.w[i]
}

// covBy is cov(a, b) without the noise, from b's inner sums: the
// arithmetic of cov and regress.GP.CovOf, operation for operation.
func (c *corrected) covBy(a, b *point, w *innerSums) float64 {
	var q float64
	for ja, i := range a.k.Idx {
		q += a.k.Val[ja] * w.at(i)
	}
	return c.linCov(a, b) + (c.gp.Kernel.Signal(a.x[:], b.x[:]) - q)
}

// linCov is the covariance of the linear model's predictions at a and b.
func (c *corrected) linCov(a, b *point) float64 {
	var lin float64
	p := len(a.t)
	for i, ti := range a.t {
		var s float64
		for j, tj := range b.t {
			s += c.lin.fit.Cov[i*p+j] * tj
		}
		lin += ti * s
	}
	return lin
}

// parallel runs f(0..n−1) on GOMAXPROCS goroutines, in chunks.
func parallel(n int, f func(i int)) {
	parallelChunks(n, 64, f)
}

// each runs f(0..n−1) on up to GOMAXPROCS goroutines, one index at a
// time in order of i (for a few large independent units: models, folds).
// Every f writes only what is its own, so the results do not depend on
// the scheduling.
func each(n int, f func(i int)) {
	parallelChunks(n, 1, f)
}

func parallelChunks(n, chunk int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range next {
				for i := lo; i < min(lo+chunk, n); i++ {
					f(i)
				}
			}
		}()
	}
	for lo := 0; lo < n; lo += chunk {
		next <- lo
	}
	close(next)
	wg.Wait()
}

// cov is the predictive covariance of the binding energies of two nuclides
// (noise included when they are the same nuclide).
func (c *corrected) cov(a, b *point) float64 {
	if a == b && a.hasV {
		return a.vv
	}
	if d := slot(a, b); d >= 0 && a.hasCross[d] {
		return a.cross[d]
	}
	lin := c.linCov(a, b)
	kab := c.gp.Kernel.Signal(a.x[:], b.x[:])
	g, _ := c.gp.CovOf(kab, &a.k, &b.k) // the inverse exists (fitCorrection)
	v := lin + g
	if a == b {
		v += c.gp.Kernel.Noise * c.gp.Kernel.Noise
		a.vv, a.hasV = v, true
	}
	return v
}

// chartValues are the predictions at one nuclide.
const (
	cvB = iota
	cvSDB
	cvS2n
	cvSDS2n
	cvS2p
	cvSDS2p
	cvRho // correlation of S2n and S2p
	cvSn
	cvSDSn
	cvSp
	cvSDSp
	chartValues
)

// separation is the mean and variance of B(n, z) − B(n2, z2). For
// two-nucleon separations the variance is, unless observed, that of the
// latent function alone: the white noise stands for each observation's
// unresolved scatter of the mass model, which for same-parity neighbours
// may largely cancel. One-nucleon separations keep the noise of both
// nuclides (odd–even effects do not cancel).
func (c *corrected) separation(n, z, n2, z2 int) (mean, variance float64) {
	p0, q := c.at(n, z), c.at(n2, z2)
	return c.separationOf(p0, q, c.cov(p0, q), n-n2+z-z2 == 2)
}

// separationOf is separation from the two points and their covariance.
func (c *corrected) separationOf(p0, q *point, cross float64, twoNucleon bool) (mean, variance float64) {
	v := c.cov(p0, p0) + c.cov(q, q) - 2*cross
	if twoNucleon && !c.observed {
		v -= 2 * c.gp.Kernel.Noise * c.gp.Kernel.Noise
	}
	return p0.mean - q.mean, math.Max(v, 0)
}

// predictChart writes the chartValues of nuclide (n, z) into dst; the
// standard deviations are scaled by the calibration factors.
func (c *corrected) predictChart(dst []float64, n, z int) {
	p0 := c.at(n, z)
	pn2, pp2, pn1, pp1 := c.at(n-2, z), c.at(n, z-2), c.at(n-1, z), c.at(n, z-1)
	// Each covariance with a neighbour once: S2n and S2p share theirs with
	// Cov(S2n, S2p).
	cn2, cp2 := c.cov(p0, pn2), c.cov(p0, pp2)
	sep := func(q *point, cross float64, two bool) (mean, sd float64) {
		m, v := c.separationOf(p0, q, cross, two)
		return m, math.Sqrt(v)
	}
	v0 := c.cov(p0, p0)
	dst[cvB], dst[cvSDB] = p0.mean, math.Sqrt(v0)
	dst[cvS2n], dst[cvSDS2n] = sep(pn2, cn2, true)
	dst[cvS2p], dst[cvSDS2p] = sep(pp2, cp2, true)
	dst[cvSn], dst[cvSDSn] = sep(pn1, c.cov(p0, pn1), false)
	dst[cvSp], dst[cvSDSp] = sep(pp1, c.cov(p0, pp1), false)
	// Cov(S2n, S2p) as their variances: with the latent covariance the
	// noise of the shared nuclide drops out with the rest.
	cs := v0 - cp2 - cn2 + c.cov(pn2, pp2)
	if !c.observed {
		cs -= c.gp.Kernel.Noise * c.gp.Kernel.Noise
	}
	dst[cvRho] = math.Max(-1, math.Min(1, cs/math.Max(dst[cvSDS2n]*dst[cvSDS2p], 1e-300)))
	dst[cvSDB] *= c.scaleB
	dst[cvSDS2n] *= c.scaleS
	dst[cvSDS2p] *= c.scaleS
}

// pExist is P(S2n > 0 and S2p > 0) under the joint normal prediction.
func pExist(v []float64) float64 {
	return regress.BivariateNormalCDF(v[cvS2n]/v[cvSDS2n], v[cvS2p]/v[cvSDS2p], v[cvRho])
}
