package vmc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
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

// Driver runs the optimisation and production of one rank.
type Driver struct {
	c   comm.Comm
	sys System
	opt Options
	np  int

	walkers  []Walker
	accs     []*accum        // per walker: the iteration's sums
	measures [][]MeasureFunc // per walker and observable
	prodAccs []*accum        // per walker: production sums, once started

	params   []float64
	lastGood []float64
	iter     int
	history  []Record
	shift    float64 // K for the energy moments: the previous mean
	burned   bool
	ref      float64 // σ²₀ + E₀² of the first iteration, for Diverge
	wallBase float64 // wall seconds of earlier segments (resume)
	started  time.Time
	prodDone int // production samples per walker done
	// cut is set by a walker goroutine that ended its sampling early on a
	// stop, and bound is where the rank then rewinds to (stop.go).
	cut   atomic.Bool
	bound boundary

	it   iterationSums // one reduction per optimisation iteration
	ctl  controlSums   // one per production round of chunks
	prod productionSums
	step stepScratch
	mf   *matrixFree // matrix-free SR, or nil
	lin  *linear     // linear method, or nil

	cx *complexPath // complex trial states (complex.go), or nil
}

// stepScratch holds an iteration's vectors: the energy gradient, the
// force F = G/2, the SR direction δ and the dense S.
type stepScratch struct {
	grad, force, delta, cov []float64
}

// New makes the walkers of this rank; it does no sampling.
func New(c comm.Comm, sys System, opt Options) (*Driver, error) {
	opt, err := withDefaults(opt)
	if err != nil {
		return nil, err
	}
	d := &Driver{c: c, sys: sys, opt: opt, np: sys.NumParams(), started: time.Now()}
	if err := d.chooseSR(); err != nil {
		return nil, err
	}
	if err := d.checkComplex(); err != nil {
		return nil, err
	}
	d.params = sys.Params(nil)
	d.lastGood = append([]float64(nil), d.params...)
	d.layout()
	werr := d.makeWalkers()
	if werr == nil {
		werr = d.checkLinear()
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
	// Verified once here, each buffer then reduces with one collective.
	if err := reduce.Verify(c, d.buffers()...); err != nil {
		return nil, fmt.Errorf("vmc: rank %d: %w", c.Rank(), err)
	}
	return d, nil
}

// withDefaults checks the options and fills in the zero values.
func withDefaults(opt Options) (Options, error) {
	if opt.Walkers < 1 {
		return opt, fmt.Errorf("vmc: %d walkers per rank, need at least 1", opt.Walkers)
	}
	if opt.Iterations < 0 || opt.Production < 0 || opt.BurnIn < 0 || opt.Samples < 0 || opt.Chunk < 0 {
		return opt, fmt.Errorf("vmc: negative count in options %+v", opt)
	}
	if opt.Iterations > 0 && opt.Samples < 1 {
		return opt, fmt.Errorf("vmc: %d samples per iteration, need at least 1", opt.Samples)
	}
	if err := checkObservables(opt.Observables); err != nil {
		return opt, err
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.SyncEvery == 0 {
		opt.SyncEvery = 1
	}
	if opt.Diverge == 0 {
		opt.Diverge = 1e4
	}
	if opt.Chunk == 0 {
		opt.Chunk = max(opt.Samples, 1000)
	}
	if opt.Linear != nil && opt.SR != nil {
		return opt, fmt.Errorf("vmc: the linear method and SR exclude each other")
	}
	if err := checkStages(opt); err != nil {
		return opt, err
	}
	if opt.SRCGAbove == 0 {
		opt.SRCGAbove = DefaultSRCGAbove
	}
	return opt, nil
}

// makeWalkers makes this rank's walkers, their iteration accumulators and
// their observables' measurements.
func (d *Driver) makeWalkers() error {
	for w := range d.opt.Walkers {
		wk, err := d.sys.NewWalker(d.c.Rank(), w, d.opt.Seed)
		if err != nil {
			return fmt.Errorf("vmc: rank %d walker %d: %w", d.c.Rank(), w, err)
		}
		ms := make([]MeasureFunc, len(d.opt.Observables))
		for i, o := range d.opt.Observables {
			if ms[i], err = bind(o, wk); err != nil {
				return fmt.Errorf("vmc: rank %d walker %d: observable %q: %w", d.c.Rank(), w, o.Name(), err)
			}
		}
		if err := d.bindComplex(wk); err != nil {
			return err
		}
		d.walkers = append(d.walkers, wk)
		d.measures = append(d.measures, ms)
		a := newAccum(d.np, d.opt.SR != nil && d.mf == nil)
		if d.mf != nil {
			a.keepO(d.opt.Samples, d.np)
		}
		d.accs = append(d.accs, a)
	}
	return nil
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
	done := ctx.Done()
	return d.forEach(ctx, func(w int) error {
		if err := d.record(w); err != nil {
			return err
		}
		for i := range d.opt.BurnIn {
			if d.halted(i, done) {
				return nil
			}
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

// LastGood is a copy of the parameters before the latest optimisation
// step: the last ones known to give finite local energies when an
// iteration then fails on a non-finite one.
func (d *Driver) LastGood() []float64 { return append([]float64(nil), d.lastGood...) }

// Rank is this driver's rank.
func (d *Driver) Rank() int { return d.c.Rank() }

// Size is the number of ranks.
func (d *Driver) Size() int { return d.c.Size() }

func (d *Driver) wall() float64 { return d.wallBase + time.Since(d.started).Seconds() }

// Run optimises for the remaining iterations and then runs (or continues)
// production. On error the history so far stays available through
// History; on ErrStopped, Snapshot captures the state.
func (d *Driver) Run(ctx context.Context) (*Result, error) {
	for d.iter < d.opt.Iterations && !d.Converged() {
		if _, err := d.Step(ctx); err != nil {
			return nil, err
		}
	}
	return d.Produce(ctx)
}
