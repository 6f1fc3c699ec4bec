package vmc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/stats"
)

// Walker is one Markov chain of a System.
type Walker interface {
	// Sweep advances the chain to the next configuration to measure and
	// returns the moves accepted and proposed on the way.
	Sweep() (accepted, proposed int)
	// Measure returns the local energy at the current configuration and
	// writes O_k = ∂ln Ψ/∂θ_k into o; o is nil when only the energy is
	// needed (production).
	Measure(o []float64) float64
	// Refresh recomputes cached quantities after the parameters changed.
	Refresh()
	// MarshalBinary encodes the configuration and RNG state.
	MarshalBinary() ([]byte, error)
	// UnmarshalBinary restores what MarshalBinary encoded.
	UnmarshalBinary([]byte) error
}

// System is a variational wave function together with its Hamiltonian and
// sampler settings: it owns the parameters and makes walkers.
type System interface {
	// NumParams is the number of variational parameters P.
	NumParams() int
	// Params copies the parameters into dst (allocated when nil).
	Params(dst []float64) []float64
	// SetParams replaces the parameters; walkers are refreshed afterwards.
	SetParams(p []float64)
	// NewWalker returns walker index of rank, seeded from (seed, rank,
	// index) and ready to sample (burn-in is the driver's job).
	NewWalker(rank, index int, seed uint64) (Walker, error)
	// Exact returns the exact ground-state energy when known.
	Exact() (float64, bool)
}

// Rule is a parameter update rule (solvers/optim's Rule satisfies it).
type Rule interface {
	// Step updates params in place from the (preconditioned) gradient.
	Step(params, grad []float64)
	// Name identifies the rule in checkpoints.
	Name() string
	// State is the rule's internal state (moments, step count), for
	// checkpoints.
	State() []float64
	// SetState restores what State returned.
	SetState(s []float64) error
}

// Preconditioner solves (S + shift) δ = f for stochastic reconfiguration,
// S the centred P×P covariance of the O_k, row-major (solvers/optim's SR
// satisfies it).
type Preconditioner interface {
	// Solve writes δ into dst.
	Solve(dst, S, f []float64) error
}

// MatrixFree is a Preconditioner that can also solve (S + shift) δ = f from
// products S·v alone, without S (solvers/optim's SR satisfies it).
type MatrixFree interface {
	Preconditioner
	// SolveOp writes δ into dst; diag is the diagonal of S and apply(dst,
	// v) writes S·v (without the shift), identically on every rank.
	SolveOp(dst, diag, f []float64, apply func(dst, v []float64)) error
}

// SRSolver selects how stochastic reconfiguration solves its equations.
type SRSolver int

const (
	// SRAuto uses SRDense up to SRCGAbove parameters and SRCG above, when
	// the preconditioner is MatrixFree.
	SRAuto SRSolver = iota
	// SRDense sums Σ O_k O_l (P²/2 per sample, P² doubles in the
	// all-reduce) and hands the dense S to Preconditioner.Solve.
	SRDense
	// SRCG keeps the iteration's O vectors (Samples × P per walker) and
	// solves matrix-free with MatrixFree.SolveOp: each product S·v costs
	// 2·P per sample and one all-reduce of P doubles.
	SRCG
)

// String is the configuration name of the solver.
func (s SRSolver) String() string {
	switch s {
	case SRAuto:
		return "auto"
	case SRDense:
		return "dense"
	case SRCG:
		return "cg"
	}
	return fmt.Sprintf("SRSolver(%d)", int(s))
}

// DefaultSRCGAbove is the number of parameters above which SRAuto solves
// matrix-free. Below it the dense path is kept for being exact (Cholesky,
// no tolerance) and storing no samples; above it its P²/2 products per
// sample, P³/3 factorisation and all-reduce of P² doubles dominate an
// iteration by far. BenchmarkSRSolver finds CG faster already at a few
// hundred parameters, so a lower SRCGAbove pays when Samples × P doubles
// per walker fit in memory.
const DefaultSRCGAbove = 1000

// Options configure a Driver. Zero values are usable where noted.
type Options struct {
	// Walkers per rank (at least 1).
	Walkers int
	// Samples per walker and optimisation iteration (at least 1 when
	// Iterations > 0).
	Samples int
	// BurnIn is the number of Sweep calls each walker discards before the
	// first iteration and before production.
	BurnIn int
	// Iterations of optimisation; 0 evaluates the energy only.
	Iterations int
	// Production samples per walker with frozen parameters; 0 skips it.
	Production int
	// Chunk is the number of production samples per walker between two
	// stop-flag checks; 0 means max(Samples, 1000).
	Chunk int
	// Seed of all random streams.
	Seed uint64
	// Rule updates the parameters; nil keeps them fixed.
	Rule Rule
	// SR, when set, preconditions the gradient (stochastic reconfiguration).
	SR Preconditioner
	// SRSolver chooses the dense or the matrix-free SR path; the zero
	// value is SRAuto. SRCG needs an SR that is MatrixFree.
	SRSolver SRSolver
	// SRCGAbove is SRAuto's threshold on P; 0 means DefaultSRCGAbove.
	SRCGAbove int
	// LearningRate is recorded in the history when the rule does not
	// report its own (a LearningRate() float64 method).
	LearningRate float64
	// Workers bounds the walker goroutines of a rank; 0 means GOMAXPROCS.
	Workers int
	// SyncEvery broadcasts the parameters from rank 0 every SyncEvery
	// iterations; 0 means 10, negative never.
	SyncEvery int
	// Diverge: the run is declared divergent when an iteration's variance
	// exceeds Diverge × (σ²₀ + E₀²) of the first iteration (which bounds
	// ⟨E_L²⟩ there); 0 means 1e4.
	Diverge float64
	// Stop is polled once per iteration (and production chunk) on every
	// rank; true on any rank stops all ranks after the same iteration.
	Stop func() bool
	// OnIteration runs on every rank after each completed iteration (for
	// progress and checkpoints).
	OnIteration func(Record)
	// OnChunk runs on every rank after each production chunk with the
	// samples per walker done so far.
	OnChunk func(done, total int)
}

// Record is one row of the optimisation history.
type Record struct {
	Iteration    int
	Energy       float64 // mean local energy of the iteration's samples
	Error        float64 // its error bar
	Variance     float64 // variance of E_L
	Acceptance   float64 // accepted / proposed moves
	GradNorm     float64 // |G| of the energy gradient
	LearningRate float64 // the rule's step size at this iteration
	Wall         float64 // seconds since the run started
}

// HistoryColumns names the fields of Record.Row, in order.
var HistoryColumns = []string{"iteration", "energy", "error", "variance", "acceptance", "grad_norm", "learning_rate", "wall_seconds"}

// Row is the record as floats in HistoryColumns order.
func (r Record) Row() []float64 {
	return []float64{float64(r.Iteration), r.Energy, r.Error, r.Variance, r.Acceptance, r.GradNorm, r.LearningRate, r.Wall}
}

// RecordFromRow inverts Row.
func RecordFromRow(row []float64) (Record, error) {
	if len(row) != len(HistoryColumns) {
		return Record{}, fmt.Errorf("vmc: history row has %d values, want %d", len(row), len(HistoryColumns))
	}
	return Record{Iteration: int(row[0]), Energy: row[1], Error: row[2], Variance: row[3],
		Acceptance: row[4], GradNorm: row[5], LearningRate: row[6], Wall: row[7]}, nil
}

// Result is the outcome of a run.
type Result struct {
	Energy     float64 // production mean of E_L
	Error      float64 // blocking error bar of the production mean
	Variance   float64 // variance of E_L
	Acceptance float64 // accepted / proposed moves in production
	Samples    int64   // production samples over all walkers and ranks
	Ranks      int
	Walkers    int // per rank
	Iterations int // optimisation iterations completed
	Params     []float64
	Exact      float64 // the System's exact energy, when HasExact
	HasExact   bool
	History    []Record
}

// ErrStopped is returned (wrapped) when a stop was requested; the driver
// is then in a consistent state for Snapshot.
var ErrStopped = errors.New("vmc: stopped on request")

// LocalEnergyError reports a NaN or infinite local energy.
type LocalEnergyError struct {
	Iteration int   // optimisation iteration, or −1 in production
	Ranks     []int // ranks on which it occurred
	Rank      int   // the rank reporting
}

func (e *LocalEnergyError) Error() string {
	where := fmt.Sprintf("iteration %d", e.Iteration)
	if e.Iteration < 0 {
		where = "production"
	}
	return fmt.Sprintf("vmc: non-finite local energy in %s on rank %v (reported by rank %d)", where, e.Ranks, e.Rank)
}

// DivergenceError reports an optimisation that blew up. LastGood holds
// the parameters before the step that led to it; the system has been reset
// to them.
type DivergenceError struct {
	Iteration int
	Reason    string
	LastGood  []float64
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("vmc: optimisation diverged at iteration %d: %s (last good parameters %v)", e.Iteration, e.Reason, e.LastGood)
}

// Driver runs the optimisation and production of one rank.
type Driver struct {
	c   comm.Comm
	sys System
	opt Options
	np  int

	walkers []Walker
	accs    []*accum

	params   []float64
	lastGood []float64
	iter     int
	history  []Record
	shift    float64 // K for the energy moments: the previous mean
	burned   bool
	ref      float64 // σ²₀ + E₀² of the first iteration, for Diverge
	wallBase float64 // wall seconds of earlier segments (resume)
	started  time.Time

	// production progress
	prodDone int
	prodAccs []*accum

	// the iteration's reduce buffer and its views
	buf                 *reduce.Buffer
	bE                  *reduce.Moments
	bN, bNM, bN2V       reduce.Scalar
	bAcc, bProp, bStop  reduce.Scalar
	bBad                reduce.Vector
	bO, bEO, bOO        reduce.Vector
	grad, f, delta, cov []float64

	// matrix-free SR (mf != nil): ⟨O⟩, the diagonal of S, n, the S·v
	// operator handed to the solver, and the first error inside it
	mf         MatrixFree
	mean, diag []float64
	nSamples   float64
	applyFn    func(dst, v []float64)
	applyErr   error
}

// New makes the walkers of this rank; it does no sampling.
func New(c comm.Comm, sys System, opt Options) (*Driver, error) {
	if opt.Walkers < 1 {
		return nil, fmt.Errorf("vmc: %d walkers per rank, need at least 1", opt.Walkers)
	}
	if opt.Iterations < 0 || opt.Production < 0 || opt.BurnIn < 0 || opt.Samples < 0 || opt.Chunk < 0 {
		return nil, fmt.Errorf("vmc: negative count in options %+v", opt)
	}
	if opt.Iterations > 0 && opt.Samples < 1 {
		return nil, fmt.Errorf("vmc: %d samples per iteration, need at least 1", opt.Samples)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.SyncEvery == 0 {
		opt.SyncEvery = 10
	}
	if opt.Diverge == 0 {
		opt.Diverge = 1e4
	}
	if opt.Chunk == 0 {
		opt.Chunk = max(opt.Samples, 1000)
	}
	if opt.SRCGAbove == 0 {
		opt.SRCGAbove = DefaultSRCGAbove
	}
	d := &Driver{c: c, sys: sys, opt: opt, np: sys.NumParams(), started: time.Now()}
	if err := d.chooseSR(); err != nil {
		return nil, err
	}
	d.params = sys.Params(nil)
	d.lastGood = append([]float64(nil), d.params...)
	var werr error
	for w := range opt.Walkers {
		wk, err := sys.NewWalker(c.Rank(), w, opt.Seed)
		if err != nil {
			werr = fmt.Errorf("vmc: rank %d walker %d: %w", c.Rank(), w, err)
			break
		}
		d.walkers = append(d.walkers, wk)
		a := newAccum(d.np, opt.SR != nil && d.mf == nil)
		if d.mf != nil {
			a.keepO(opt.Samples, d.np)
		}
		d.accs = append(d.accs, a)
	}
	// Walkers start from random positions, so one rank may fail where the
	// others succeed (hard spheres that cannot be placed): agree, so that no
	// rank waits in the first collective for one that gave up.
	status := []float64{0}
	if werr != nil {
		status[0] = 1
	}
	if err := c.AllReduce(status, comm.Max); err != nil {
		return nil, errors.Join(werr, fmt.Errorf("vmc: rank %d: agreeing on walker creation: %w", c.Rank(), err))
	}
	if werr != nil {
		return nil, werr
	}
	if status[0] > 0 {
		return nil, fmt.Errorf("vmc: rank %d: another rank could not create its walkers", c.Rank())
	}
	d.layout()
	return d, nil
}

func (d *Driver) layout() {
	b := reduce.New()
	d.bE = b.Moments("energy")
	d.bN, d.bNM, d.bN2V = b.Scalar("chain_n"), b.Scalar("chain_n_mean"), b.Scalar("chain_n2_var")
	d.bAcc, d.bProp = b.Scalar("accepted"), b.Scalar("proposed")
	d.bStop = b.Scalar("stop")
	d.bBad = b.Vector("nonfinite", d.c.Size())
	d.bO = b.Vector("sum_o", d.np)
	d.bEO = b.Vector("sum_eo", d.np)
	switch {
	case d.mf != nil:
		// Only the diagonal of Σ O_k O_l: the preconditioner and the
		// relative shift need it, and S·v comes from the kept O vectors.
		d.bOO = b.Vector("sum_oo_diag", d.np)
		d.delta = make([]float64, d.np)
		d.mean = make([]float64, d.np)
		d.diag = make([]float64, d.np)
		d.applyFn = d.applyS
	case d.opt.SR != nil:
		d.bOO = b.Vector("sum_oo", d.np*d.np)
		d.cov = make([]float64, d.np*d.np)
		d.delta = make([]float64, d.np)
	}
	d.buf = b
	d.grad = make([]float64, d.np)
	d.f = make([]float64, d.np)
}

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

// forEach runs fn on every walker index with at most Workers goroutines.
func (d *Driver) forEach(ctx context.Context, fn func(w int) error) error {
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(d.opt.Workers)
	for w := range d.walkers {
		g.Go(func() error { return fn(w) })
	}
	return g.Wait()
}

func (d *Driver) burnIn(ctx context.Context) error {
	return d.forEach(ctx, func(w int) error {
		for range d.opt.BurnIn {
			d.walkers[w].Sweep()
		}
		return nil
	})
}

func (d *Driver) stopRequested(ctx context.Context) bool {
	return ctx.Err() != nil || (d.opt.Stop != nil && d.opt.Stop())
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Iteration is the number of completed optimisation iterations.
func (d *Driver) Iteration() int { return d.iter }

// History is the optimisation history so far (shared; do not modify).
func (d *Driver) History() []Record { return d.history }

// Params returns a copy of the current parameters.
func (d *Driver) Params() []float64 { return append([]float64(nil), d.params...) }

// Rank is this driver's rank.
func (d *Driver) Rank() int { return d.c.Rank() }

// Size is the number of ranks.
func (d *Driver) Size() int { return d.c.Size() }

func (d *Driver) wall() float64 { return d.wallBase + time.Since(d.started).Seconds() }

func (d *Driver) learningRate() float64 {
	if r, ok := d.opt.Rule.(interface{ LearningRate() float64 }); ok {
		return r.LearningRate()
	}
	return d.opt.LearningRate
}

// Run optimises for the remaining iterations and then runs (or continues)
// production. On error the history so far stays available through
// History; on ErrStopped, Snapshot captures the state.
func (d *Driver) Run(ctx context.Context) (*Result, error) {
	for d.iter < d.opt.Iterations {
		if _, err := d.Step(ctx); err != nil {
			return nil, err
		}
	}
	return d.Produce(ctx)
}

// Step runs one optimisation iteration: sample, one all-reduce, update.
func (d *Driver) Step(ctx context.Context) (Record, error) {
	if !d.burned {
		if err := d.burnIn(ctx); err != nil {
			return Record{}, err
		}
		d.burned = true
	}
	sr := d.opt.SR != nil
	np := d.np
	K := d.shift
	err := d.forEach(ctx, func(w int) error {
		d.sampleWalker(w, K)
		return nil
	})
	if err != nil {
		return Record{}, err
	}

	// Merge in walker order, so the sums do not depend on scheduling.
	d.buf.Reset()
	d.bE.SetShift(K)
	so, seo := d.bO.Data(), d.bEO.Data()
	var soo []float64
	if sr {
		soo = d.bOO.Data()
	}
	bad := 0
	for _, a := range d.accs {
		d.mergeEnergy(a)
		for k := range np {
			so[k] += a.so[k]
			seo[k] += a.seo[k]
		}
		for k := range soo {
			soo[k] += a.soo[k]
		}
		bad += a.bad
	}
	d.bBad.Data()[d.c.Rank()] = float64(bad)
	if d.stopRequested(ctx) {
		d.bStop.Set(1)
	}
	if err := d.buf.AllReduce(d.c); err != nil {
		return Record{}, fmt.Errorf("vmc: iteration %d: %w", d.iter, err)
	}
	if err := d.checkBad(d.iter); err != nil {
		return Record{}, err
	}

	n := d.bE.N()
	E, variance := d.bE.Mean(), d.bE.Variance()
	_, errE := stats.CombineSums(d.bN.Value(), d.bNM.Value(), d.bN2V.Value())
	rec := Record{Iteration: d.iter, Energy: E, Error: errE, Variance: variance,
		Acceptance: d.bAcc.Value() / d.bProp.Value(), LearningRate: d.learningRate()}

	if d.iter == 0 && len(d.history) == 0 {
		d.ref = variance + E*E
	}
	if !finite(E) || !finite(variance) {
		return rec, d.diverged(fmt.Sprintf("energy %g, variance %g", E, variance))
	}
	if variance > d.opt.Diverge*d.ref && variance > 0 {
		return rec, d.diverged(fmt.Sprintf("variance %g exceeds %g × (σ²₀ + E₀²) = %g", variance, d.opt.Diverge, d.opt.Diverge*d.ref))
	}

	// F_k = ⟨E_L O_k⟩ − ⟨E_L⟩⟨O_k⟩ = Σ(E_L−K)O_k/n − (⟨E_L⟩−K)⟨O_k⟩.
	gn := 0.0
	for k := range np {
		d.f[k] = seo[k]/n - (E-K)*so[k]/n
		d.grad[k] = 2 * d.f[k]
		gn += d.grad[k] * d.grad[k]
	}
	rec.GradNorm = math.Sqrt(gn)

	if d.opt.Rule != nil && np > 0 {
		copy(d.lastGood, d.params)
		step := d.grad
		if d.mf != nil {
			if err := d.solveMatrixFree(ctx, n); err != nil {
				return rec, fmt.Errorf("vmc: iteration %d: stochastic reconfiguration (matrix-free): %w", d.iter, err)
			}
			step = d.delta
		} else if sr {
			for k := range np {
				for l := range k {
					soo[k*np+l] = soo[l*np+k]
				}
			}
			optim.Covariance(d.cov, soo, so, n)
			if err := d.opt.SR.Solve(d.delta, d.cov, d.f); err != nil {
				return rec, fmt.Errorf("vmc: iteration %d: stochastic reconfiguration: %w", d.iter, err)
			}
			step = d.delta
		}
		d.opt.Rule.Step(d.params, step)
		for _, p := range d.params {
			if !finite(p) {
				return rec, d.diverged("non-finite parameters after the update")
			}
		}
		if d.opt.SyncEvery > 0 && (d.iter+1)%d.opt.SyncEvery == 0 {
			if err := d.c.Bcast(d.params, 0); err != nil {
				return rec, fmt.Errorf("vmc: iteration %d: parameter broadcast: %w", d.iter, err)
			}
		}
		if err := d.setParams(ctx); err != nil {
			return rec, err
		}
	}
	d.shift = E
	rec.Wall = d.wall()
	d.history = append(d.history, rec)
	d.iter++
	if d.opt.OnIteration != nil {
		d.opt.OnIteration(rec)
	}
	if d.bStop.Value() > 0 {
		return rec, fmt.Errorf("after iteration %d: %w", d.iter, ErrStopped)
	}
	return rec, nil
}

// sampleWalker draws the iteration's samples of walker w into its
// accumulator: energy moments and blocking, Σ O_k, Σ (E_L−K) O_k and, for
// SR, the upper triangle of Σ O_k O_l (dense) or the O vectors themselves
// and Σ O_k² (matrix-free). It allocates nothing.
func (d *Driver) sampleWalker(w int, K float64) {
	wk, a := d.walkers[w], d.accs[w]
	np := d.np
	a.reset()
	// Cached quantities are recomputed from the positions at every
	// iteration, as a restored walker's are, so a resumed run stays
	// bit-identical even when no update refreshed them.
	wk.Refresh()
	for i := range d.opt.Samples {
		ac, pr := wk.Sweep()
		a.acc += float64(ac)
		a.prop += float64(pr)
		o := a.o
		if a.obs != nil {
			o = a.obs[i*np : (i+1)*np]
		}
		e := wk.Measure(o)
		if !finite(e) {
			a.bad++
			break
		}
		a.add(e)
		de := e - K
		for k, ok := range o {
			a.so[k] += ok
			a.seo[k] += de * ok
		}
		switch {
		case a.obs != nil:
			a.rows++
			for k, ok := range o {
				a.soo[k] += ok * ok
			}
		case a.soo != nil:
			// Upper triangle only: S is symmetric, and this P²/2 loop
			// per sample is the dense path's main cost.
			for k, ok := range o {
				row := a.soo[k*np+k : k*np+np]
				for l, ol := range o[k:] {
					row[l] += ok * ol
				}
			}
		}
	}
}

func (d *Driver) mergeEnergy(a *accum) {
	d.bE.Merge(a.n, a.mean, a.m2)
	cn, cm, cv := a.blk.Summary()
	if cn > 0 {
		d.bN.Add(cn)
		d.bNM.Add(cn * cm)
		d.bN2V.Add(cn * cn * cv)
	}
	d.bAcc.Add(a.acc)
	d.bProp.Add(a.prop)
}

func (d *Driver) checkBad(iter int) error {
	var ranks []int
	for r, v := range d.bBad.Data() {
		if v > 0 {
			ranks = append(ranks, r)
		}
	}
	if ranks != nil {
		return &LocalEnergyError{Iteration: iter, Ranks: ranks, Rank: d.c.Rank()}
	}
	return nil
}

func (d *Driver) diverged(reason string) error {
	copy(d.params, d.lastGood)
	d.sys.SetParams(d.params)
	for _, w := range d.walkers {
		w.Refresh()
	}
	return &DivergenceError{Iteration: d.iter, Reason: reason, LastGood: append([]float64(nil), d.lastGood...)}
}

func (d *Driver) setParams(ctx context.Context) error {
	d.sys.SetParams(d.params)
	return d.forEach(ctx, func(w int) error {
		d.walkers[w].Refresh()
		return nil
	})
}

// Produce runs (or continues) the production phase with frozen parameters
// and returns the final result.
func (d *Driver) Produce(ctx context.Context) (*Result, error) {
	if d.prodAccs == nil {
		d.prodAccs = make([]*accum, len(d.walkers))
		for w := range d.prodAccs {
			d.prodAccs[w] = newAccum(0, false)
		}
	}
	if d.prodDone == 0 && d.opt.Production > 0 {
		if err := d.burnIn(ctx); err != nil {
			return nil, err
		}
		d.burned = true
	}
	ctl := reduce.New()
	cStop := ctl.Scalar("stop")
	cBad := ctl.Vector("nonfinite", d.c.Size())
	for d.prodDone < d.opt.Production {
		chunk := min(d.opt.Chunk, d.opt.Production-d.prodDone)
		err := d.forEach(ctx, func(w int) error {
			wk, a := d.walkers[w], d.prodAccs[w]
			// A chunk boundary is where a run may stop and resume from
			// positions alone; recomputing the cached quantities here in
			// every run keeps a resumed run bit-identical.
			wk.Refresh()
			for range chunk {
				ac, pr := wk.Sweep()
				a.acc += float64(ac)
				a.prop += float64(pr)
				e := wk.Measure(nil)
				if !finite(e) {
					a.bad++
					return nil
				}
				a.add(e)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		d.prodDone += chunk
		ctl.Reset()
		bad := 0
		for _, a := range d.prodAccs {
			bad += a.bad
		}
		cBad.Data()[d.c.Rank()] = float64(bad)
		if d.stopRequested(ctx) {
			cStop.Set(1)
		}
		if err := ctl.AllReduce(d.c); err != nil {
			return nil, fmt.Errorf("vmc: production: %w", err)
		}
		for r, v := range cBad.Data() {
			if v > 0 {
				e := &LocalEnergyError{Iteration: -1, Rank: d.c.Rank()}
				for r2, v2 := range cBad.Data()[r:] {
					if v2 > 0 {
						e.Ranks = append(e.Ranks, r+r2)
					}
				}
				return nil, e
			}
		}
		if d.opt.OnChunk != nil {
			d.opt.OnChunk(d.prodDone, d.opt.Production)
		}
		if cStop.Value() > 0 && d.prodDone < d.opt.Production {
			return nil, fmt.Errorf("production after %d of %d samples per walker: %w", d.prodDone, d.opt.Production, ErrStopped)
		}
	}

	// Shift the energy moments by the production mean itself (one tiny
	// all-reduce), so Σ(E−K)² carries no cancellation even without
	// optimisation iterations to provide a previous mean.
	var pm [2]float64
	for _, a := range d.prodAccs {
		pm[0] += a.n
		pm[1] += a.n * a.mean
	}
	if err := d.c.AllReduce(pm[:], comm.Sum); err != nil {
		return nil, fmt.Errorf("vmc: production: %w", err)
	}
	shift := d.shift
	if m := pm[1] / pm[0]; pm[0] > 0 && finite(m) {
		shift = m
	}
	d.buf.Reset()
	d.bE.SetShift(shift)
	for _, a := range d.prodAccs {
		d.mergeEnergy(a)
	}
	if err := d.buf.AllReduce(d.c); err != nil {
		return nil, fmt.Errorf("vmc: production: %w", err)
	}
	res := &Result{
		Variance:   d.bE.Variance(),
		Samples:    int64(d.bE.N()),
		Ranks:      d.c.Size(),
		Walkers:    len(d.walkers),
		Iterations: d.iter,
		Params:     d.Params(),
		History:    d.history,
	}
	res.Exact, res.HasExact = d.sys.Exact()
	if res.Samples > 0 {
		res.Energy, res.Error = stats.CombineSums(d.bN.Value(), d.bNM.Value(), d.bN2V.Value())
		res.Acceptance = d.bAcc.Value() / d.bProp.Value()
	} else {
		res.Energy, res.Error, res.Variance, res.Acceptance = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	return res, nil
}
