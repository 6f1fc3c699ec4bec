package vmc

import (
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/stats"
)

// The driver's reductions. Each is one reduce.Buffer, laid out once in New
// and verified across ranks there, so that each all-reduce below is a
// single collective:
//
//   - iterationSums, once per optimisation iteration: energy, pooled blocking levels,
//     acceptance, the stop flag, non-finite energies per rank, Σ O_k,
//     Σ (E_L−K) O_k, Σ O_k O_l (dense SR) or Σ O_k² (matrix-free), and a
//     hash of the parameters;
//   - the S·v products of matrix-free SR (matrixFree.buf), once per product;
//   - controlSums, once per production round of chunks: the stop flag,
//     non-finite energies, Σ n, Σ n·mean, which give the last round's
//     production mean for the shift of the final moments, and the ranks'
//     proposals for the next round's length;
//   - productionSums, once at the end of production: energy, blocking,
//     acceptance and the observables.

// energySums are the energy views that the iteration and production
// buffers share: moments of E_L about a shift K, the walkers' blocking
// levels pooled over chains (stats.AddSums: Σ n_c, Σ n_c·mean_c, the
// between-chain spread and per level Σ n, Σ ss, Σ lag, chains) and the
// move counts.
type energySums struct {
	moments            *reduce.Moments
	chains             reduce.Vector
	accepted, proposed reduce.Scalar
}

// declareEnergy lays out the energy sums for chains of at most maxN
// samples.
func declareEnergy(b *reduce.Buffer, maxN int) energySums {
	return energySums{
		moments:  b.Moments("energy"),
		chains:   b.Vector("chain_levels", stats.SumsLen(maxN)),
		accepted: b.Scalar("accepted"), proposed: b.Scalar("proposed"),
	}
}

// merge adds one walker's energy sums, the between-chain spread about the
// moments' shift.
func (s energySums) merge(a *accum) {
	s.moments.Merge(a.n, a.mean, a.m2)
	a.blk.AddSums(s.chains.Data(), s.moments.Shift())
	s.accepted.Add(a.acc)
	s.proposed.Add(a.prop)
}

// combined is the mean over all chains with its error bar, τ, ESS and R̂
// from their pooled blocking levels.
func (s energySums) combined() stats.Estimate {
	return stats.FromSums(s.chains.Data(), s.moments.Shift())
}

// acceptance is accepted / proposed moves.
func (s energySums) acceptance() float64 { return s.accepted.Value() / s.proposed.Value() }

// iterationSums is the optimisation iteration's buffer.
type iterationSums struct {
	buf                *reduce.Buffer
	energy             energySums
	stop               reduce.Scalar
	nonfinite          reduce.Vector // per rank: walkers that met a NaN or Inf
	sumO, sumEO, sumOO reduce.Vector // sumOO: P² (dense SR), P (matrix-free) or none
	params             reduce.Consensus
}

// controlSums is a production round's buffer.
type controlSums struct {
	buf       *reduce.Buffer
	stop      reduce.Scalar
	nonfinite reduce.Vector
	n, nMean  reduce.Scalar // Σ n and Σ n·mean of the walkers' energies
	chunks    reduce.Scalar // Σ over ranks of the next round's proposed length
}

// productionSums is the buffer of production's final reduction.
type productionSums struct {
	buf         *reduce.Buffer
	energy      energySums
	observables []observableSums
}

// layout declares the driver's buffers and allocates the iteration's
// vectors.
func (d *Driver) layout() {
	np, size := d.np, d.c.Size()
	b := reduce.New()
	it := iterationSums{buf: b, energy: declareEnergy(b, d.opt.Samples), stop: b.Scalar("stop"), nonfinite: b.Vector("nonfinite", size),
		sumO: b.Vector("sum_o", np), sumEO: b.Vector("sum_eo", np)}
	switch {
	case d.mf != nil:
		// Only the diagonal of Σ O_k O_l: the preconditioner and the
		// relative shift need it, and S·v comes from the kept O vectors.
		it.sumOO = b.Vector("sum_oo_diag", np)
		d.step.delta = make([]float64, np)
		d.mf.layout(np)
		if d.mf.min != nil {
			d.layoutMinSR()
		}
	case d.opt.SR != nil:
		it.sumOO = b.Vector("sum_oo", np*np)
		d.step.cov = make([]float64, np*np)
		d.step.delta = make([]float64, np)
	}
	if d.opt.Linear != nil || d.opt.VarianceIterations > 0 {
		d.layoutLinear(b)
	}
	d.layoutComplex(b)
	it.params = b.Consensus("params")
	d.it = it
	d.step.grad = make([]float64, np)
	d.step.force = make([]float64, np)

	c := reduce.New()
	d.ctl = controlSums{buf: c, stop: c.Scalar("stop"), nonfinite: c.Vector("nonfinite", size),
		n: c.Scalar("n"), nMean: c.Scalar("n_mean"), chunks: c.Scalar("round_chunks")}

	p := reduce.New()
	d.prod = productionSums{buf: p, energy: declareEnergy(p, d.opt.Production)}
	for _, o := range d.opt.Observables {
		d.prod.observables = append(d.prod.observables, declareObservable(p, o, d.opt.Production))
	}
}

// buffers lists the buffers to verify.
func (d *Driver) buffers() []*reduce.Buffer {
	bs := []*reduce.Buffer{d.it.buf, d.ctl.buf, d.prod.buf}
	switch {
	case d.mf != nil && d.mf.min != nil:
		bs = append(bs, d.mf.min.rows, d.mf.min.gram)
	case d.mf != nil:
		bs = append(bs, d.mf.buf)
	}
	return bs
}

// nonfiniteRanks lists the ranks whose entry in a reduced nonfinite vector
// is set.
func nonfiniteRanks(v reduce.Vector) []int {
	var ranks []int
	for r, x := range v.Data() {
		if x > 0 {
			ranks = append(ranks, r)
		}
	}
	return ranks
}
