package vmc

import (
	"errors"
	"fmt"

	"github.com/vmcmpi/vmcmpi/stats"
)

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
	// SRMin keeps the O vectors and local energies like SRCG and solves
	// in sample space (minSR): δ = Ōᵀ(ŌŌᵀ + shift)⁻¹ε̄ with the M×M Gram
	// matrix of all M samples of all ranks; for M < P. It needs an SR
	// that is a SampleSpace with an absolute shift > 0 (see minsr.go for
	// the communication and cost).
	SRMin
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
	case SRMin:
		return "minsr"
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
	// points where a production may stop and resume (each walker refreshes
	// its cached quantities there); 0 means max(Samples, 1000). Production
	// runs in rounds of whole chunks, as many as fill about 0.1 s (the
	// first of one chunk, each at most twice the one before), with one
	// collective per round.
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
	// Linear, when set, replaces the gradient by the linear method's step
	// −Δ (use it with gradient descent of rate 1, or less to damp); the
	// walkers must be LinearWalkers. SR must then be nil.
	Linear LinearSolver
	// VarianceIterations is the number of first iterations that minimise
	// the variance of E_L instead of the energy (variance.go); the walkers
	// must then be LinearWalkers, and Linear must be nil. 0: none.
	VarianceIterations int
	// ConvergenceWindow W ≥ 2 makes Run stop optimising once the energy's
	// slope over the last W iterations (after the variance stage) is no
	// larger than its error (variance.go); 0 runs all Iterations.
	ConvergenceWindow int
	// LearningRate is recorded in the history's learning-rate column (the
	// driver does not read it off the rule).
	LearningRate float64
	// Workers bounds the walker goroutines of a rank; 0 means GOMAXPROCS.
	Workers int
	// SyncEvery: every SyncEvery iterations the ranks compare a hash of
	// their parameters inside the iteration's reduction (no collective of
	// its own) and, only when they differ, take rank 0's by a broadcast;
	// 0 means every iteration, negative never.
	SyncEvery int
	// ClipLocalEnergy c > 0 clips, in the energy gradient of a complex
	// trial state only, each walker's local energies whose deviation from
	// the walker's median exceeds c times their mean absolute deviation
	// (complex.go); the reported energy is not clipped. 0: off. Real trial
	// states refuse it.
	ClipLocalEnergy float64
	// SamplingPower q in (0, 1) makes the optimisation of a complex trial
	// state sample |Ψ|^{2q} and reweight by |Ψ|^{2(1−q)} (complex_guided.go);
	// production always samples |Ψ|². 0 or 1: plain |Ψ|².
	SamplingPower float64
	// SamplingMinESS guards guided sampling: when the reweighting
	// weights' effective sample size (Σw)²/Σw², over all ranks, falls
	// below this fraction of the samples, the iteration is sampled again
	// from |Ψ|² (complex_guided.go). 0 means 0.1.
	SamplingMinESS float64
	// Diverge: the run is declared divergent when an iteration's variance
	// exceeds Diverge × (σ²₀ + E₀²) of the first iteration (which bounds
	// ⟨E_L²⟩ there); 0 means 1e4.
	Diverge float64
	// Stop is polled once per iteration (and production round) on every
	// rank; true on any rank stops all ranks after the same iteration
	// (round).
	// (A cancelled context is seen sooner, within a few sweeps.)
	Stop func() bool
	// OnIteration runs on every rank after each completed iteration (for
	// progress and checkpoints).
	OnIteration func(Record)
	// OnChunk runs on every rank after each production round (one or
	// more chunks, see Chunk) with the samples per walker done so far.
	OnChunk func(done, total int)
	// Observables are measured at every production sample, merged across
	// walkers and ranks in production's single reduction and returned in
	// Result.Observables, in this order. Their names must differ.
	Observables []Observable
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
	// The error bar's diagnostics (stats.Estimate): the integrated
	// autocorrelation time of E_L in samples, the effective sample size,
	// the split-R̂ of the walkers' chains, and whether the iteration's
	// chains were too short for the error bar to be trusted.
	Tau, ESS, RHat float64
	Short          bool
	// With guided sampling: the weights' effective sample size as a
	// fraction of the samples, and whether it was below
	// Options.SamplingMinESS so that the iteration was sampled again from
	// |Ψ|² (not in the history's columns).
	WeightESS float64
	Resampled bool
}

// HistoryColumns names the fields of Record.Row, in order: the error
// bar's diagnostics (short is 0 or 1) follow the learning rate, and the
// wall clock, which differs from run to run, stays last.
var HistoryColumns = []string{"iteration", "energy", "error", "variance", "acceptance", "grad_norm", "learning_rate",
	"tau", "ess", "rhat", "short", "wall_seconds"}

// legacyColumns is the number of columns before the diagnostics were
// added (wall_seconds the eighth); such rows (older checkpoints) still
// read, with zero diagnostics.
const legacyColumns = 8

// Row is the record as floats in HistoryColumns order.
func (r Record) Row() []float64 {
	short := 0.0
	if r.Short {
		short = 1
	}
	return []float64{float64(r.Iteration), r.Energy, r.Error, r.Variance, r.Acceptance, r.GradNorm, r.LearningRate,
		r.Tau, r.ESS, r.RHat, short, r.Wall}
}

// RecordFromRow inverts Row; it also reads the shorter rows of older
// checkpoints.
func RecordFromRow(row []float64) (Record, error) {
	if len(row) != len(HistoryColumns) && len(row) != legacyColumns {
		return Record{}, fmt.Errorf("vmc: history row has %d values, want %d", len(row), len(HistoryColumns))
	}
	r := Record{Iteration: int(row[0]), Energy: row[1], Error: row[2], Variance: row[3],
		Acceptance: row[4], GradNorm: row[5], LearningRate: row[6], Wall: row[len(row)-1]}
	if len(row) > legacyColumns {
		r.Tau, r.ESS, r.RHat, r.Short = row[7], row[8], row[9], row[10] != 0
	}
	return r, nil
}

// Result is the outcome of a run.
type Result struct {
	Energy float64 // production mean of E_L
	Error  float64 // blocking error bar of the production mean (see stats)
	// Tau is the integrated autocorrelation time of E_L in samples
	// (Error²·Samples/σ² of the chains), ESS the effective sample size
	// Samples/Tau, RHat the split-R̂ of the walkers' chains (≈ 1 when they
	// sample the same distribution; above ~1.01–1.05 they do not agree).
	Tau, ESS, RHat float64
	// Short reports a production too short for its error bar to be
	// trusted (fewer than stats.ShortTaus·Tau samples per walker, or no
	// blocking level with uncorrelated blocks); Warning then says so in a
	// sentence, and is empty otherwise.
	Short      bool
	Warning    string
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
	// Observables holds the production estimates of Options.Observables,
	// in that order.
	Observables []ObservableResult
	// Blocking is the blocking curve of the production energy over all
	// walkers and ranks (error against block size), for diagnostics.
	Blocking []stats.BlockLevel
}

// TraceLen bounds Driver.Trace: 2^14 samples resolve correlation times
// up to a few hundred samples at 128 KiB.
const TraceLen = 1 << 14

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

// FewNumbers formats x for a message: all of a short vector, else its
// first values and how many more there are (a network's parameters would
// fill the terminal).
func FewNumbers(x []float64) string {
	const show = 4
	if len(x) <= show {
		return fmt.Sprint(x)
	}
	s := fmt.Sprint(x[:show])
	return s[:len(s)-1] + fmt.Sprintf(" … and %d more]", len(x)-show)
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
	return fmt.Sprintf("vmc: optimisation diverged at iteration %d: %s (last good parameters %s)", e.Iteration, e.Reason, FewNumbers(e.LastGood))
}
