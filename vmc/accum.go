package vmc

import "github.com/vmcmpi/vmcmpi/stats"

// accum is one walker's sums over one iteration or the production.
type accum struct {
	n, mean, m2     float64 // Welford
	blk             stats.Blocker
	acc, prop       float64
	bad             int
	o, so, seo, soo []float64

	// Matrix-free SR: the iteration's O vectors, row i = sample i
	// (centred after the all-reduce), the number of rows filled, and the
	// scratch of S·v: t = Õ v and sv = Õᵀ t.
	obs   []float64
	rows  int
	t, sv []float64

	// Production: the observables' sums, in Options order.
	extra []obsAccum
}

func newAccum(np int, sr bool) *accum {
	a := &accum{o: make([]float64, np), so: make([]float64, np), seo: make([]float64, np)}
	if sr {
		a.soo = make([]float64, np*np)
	}
	return a
}

// keepO makes the accumulator store each sample's O vector (matrix-free
// SR) and sum only the squares O_k² into soo.
func (a *accum) keepO(samples, np int) {
	a.obs = make([]float64, samples*np)
	a.soo = make([]float64, np)
	a.t = make([]float64, samples)
	a.sv = make([]float64, np)
}

func (a *accum) reset() {
	a.n, a.mean, a.m2, a.acc, a.prop, a.bad, a.rows = 0, 0, 0, 0, 0, 0, 0
	a.blk.Reset()
	clear(a.so)
	clear(a.seo)
	clear(a.soo)
}

// add records one energy sample; O_k sums are the caller's.
func (a *accum) add(e float64) {
	a.n++
	dl := e - a.mean
	a.mean += dl / a.n
	a.m2 += dl * (e - a.mean)
	a.blk.Add(e)
}
