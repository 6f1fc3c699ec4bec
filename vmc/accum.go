package vmc

import (
	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/stats"
)

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
	e     []float64 // the rows' local energies (minSR)
	rows  int
	t, sv []float64

	// Production: the observables' sums, in Options order, and the
	// energies kept for Result.Trace (first walker only; cap bounds it).
	extra []obsAccum
	trace []float64

	ar cacheline.Arena[float64] // the memory of the slices above
}

// newAccum returns a walker's accumulator in memory of its own: its sums
// are written at every sample, while other walkers write theirs.
func newAccum(np int, sr bool) *accum {
	a := cacheline.New[accum]()
	a.o, a.so, a.seo = a.ar.Make(np), a.ar.Make(np), a.ar.Make(np)
	if sr {
		a.soo = a.ar.Make(np * np)
	}
	return a
}

// keepO makes the accumulator store each sample's O vector (matrix-free
// SR) and sum only the squares O_k² into soo.
func (a *accum) keepO(samples, np int) {
	a.obs = a.ar.Make(samples * np)
	a.e = a.ar.Make(samples)
	a.soo = a.ar.Make(np)
	a.t = a.ar.Make(samples)
	a.sv = a.ar.Make(np)
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

// copySums makes a's production sums (energy, blocking, acceptance,
// observables) an exact copy of src's, in a's own memory; the trace is the
// caller's. It allocates only the first time a's blockers receive levels.
func (a *accum) copySums(src *accum) {
	a.n, a.mean, a.m2, a.acc, a.prop, a.bad = src.n, src.mean, src.m2, src.acc, src.prop, src.bad
	a.blk.CopyFrom(&src.blk)
	for i := range a.extra {
		a.extra[i].copySums(&src.extra[i])
	}
}

// copySums makes a's sums an exact copy of src's, an accumulator of the
// same observable.
func (a *obsAccum) copySums(src *obsAccum) {
	a.n, a.npend = src.n, src.npend
	copy(a.sum, src.sum)
	copy(a.sum2, src.sum2)
	copy(a.pend, src.pend)
	for k := range a.blk {
		a.blk[k].CopyFrom(&src.blk[k])
	}
}
