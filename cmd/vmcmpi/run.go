package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

func init() {
	register("run", command{summary: "optimise a trial wave function, then measure its energy", run: runRun})
}

const runUsage = `usage: vmcmpi run [-config FILE] [-set key=value ...] [-out DIR] [-resume DIR]

Optimises the trial wave function of the configuration, then runs a
production with frozen parameters and prints

    energy = E ± error (exact E0)

Without -config it runs the embedded default (two electrons in a 2D
quantum dot, RBM × Padé–Jastrow trained by SR; exact energy 3);
configs/*.toml document every key. Rank 0 writes DIR/result.json and
DIR/history.csv (DIR defaults to output.dir, "out"), and DIR/density.csv
(radial density) for particles in a trap; output.plots draws PNGs.

SIGTERM, SIGUSR1 (SLURM's warning before a time limit) or Ctrl-C stop all
ranks after the same iteration; rank 0 writes DIR/checkpoint.bin (also
every output.checkpoint_every iterations). The same command with
-resume DIR continues and ends bit-identical to an uninterrupted run (same
rank count). Under SLURM the MPI size must equal SLURM_NTASKS.

flags:
`

func runRun(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", runUsage, stderr)
	var cf configFlags
	cf.register(fs, "TOML configuration `file` (default: the embedded default)", "system.omega=0.5")
	resume := fs.String("resume", "", "continue from the checkpoint in `DIR` (same configuration and rank count; DIR is the output directory)")
	if err := cf.parse(fs, args); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if *resume != "" {
		if cf.out != "" && filepath.Clean(cf.out) != filepath.Clean(*resume) {
			return fmt.Errorf("-out %s and -resume %s name different directories (a resumed run continues in its own)", cf.out, *resume)
		}
		cfg.Output.Dir = *resume
	}
	c, err := comm.World()
	if err != nil {
		return err
	}
	defer c.Finalize()
	if err := checkSlurmTasks(c.Size(), os.Getenv); err != nil {
		return err
	}
	// SIGTERM, SIGUSR1 (SLURM) and Ctrl-C stop all ranks after the same
	// iteration with a checkpoint (cluster.go).
	ctx, stop := signalContext()
	defer stop()
	x, err := newClusterRun(c, cfg, *resume != "", stderr)
	if err != nil {
		return err
	}
	job, err := prepareRun(c, cfg, x.setup)
	if err != nil {
		return err
	}
	if err := x.start(job.driver); err != nil {
		return err
	}
	res, err := x.run(ctx)
	if err := job.finish(res, err, stdout); err != nil {
		return err
	}
	return x.finish(stdout)
}

// runJob is one configured run on one rank.
type runJob struct {
	cfg    *Config
	c      comm.Comm
	sys    vmc.System
	opt    vmc.Options
	driver *vmc.Driver
}

// continuousSampler builds the System of a continuous model for one
// sampler.kind; "metropolis" and "importance" are the default walkers,
// other kinds (e.g. "gibbs") register here.
type continuousSampler func(cfg *Config, h *hamiltonian.Trap, m wavefunc.Model) (vmc.System, error)

var continuousSamplers = map[string]continuousSampler{}

func registerContinuousSampler(kind string, b continuousSampler) {
	if _, dup := continuousSamplers[kind]; dup {
		panic("vmcmpi: sampler registered twice: " + kind)
	}
	continuousSamplers[kind] = b
}

func init() {
	for _, k := range []string{"metropolis", "importance"} {
		registerContinuousSampler(k, func(cfg *Config, h *hamiltonian.Trap, m wavefunc.Model) (vmc.System, error) {
			kind, err := sampler.ParseKind(cfg.Sampler.Kind)
			if err != nil {
				return nil, err
			}
			set := sampler.Settings{Kind: kind, Step: cfg.Sampler.Step, Thin: cfg.Sampler.Thin}
			p, err := hamiltonian.NewTrap(*h)
			if err != nil {
				return nil, err
			}
			return vmc.NewContinuous(p, m, set)
		})
	}
}

// buildSystem makes the System of a configuration: a registered lattice
// model, or particles in a trap with a registered wave function.
func buildSystem(cfg *Config) (vmc.System, error) {
	if cfg.System.Model != "continuous" {
		b, ok := latticeBuilders[cfg.System.Model]
		if !ok {
			return nil, cfg.keyError("system.model", quote(cfg.System.Model), "no such model in this binary")
		}
		return b(cfg)
	}
	h, err := cfg.Hamiltonian()
	if err != nil {
		return nil, err
	}
	mb, ok := modelBuilders[cfg.Wavefunction.Kind]
	if !ok {
		return nil, cfg.keyError("wavefunction.kind", quote(cfg.Wavefunction.Kind), "want one of "+quoteAll(modelNames()))
	}
	// Initial random parameters come from a stream of the seed alone, so
	// every rank builds the same model.
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6d6f64656c)) // "model"
	m, err := mb(cfg, h, rng)
	if err != nil {
		return nil, err
	}
	sb, ok := continuousSamplers[cfg.Sampler.Kind]
	if !ok {
		return nil, cfg.keyError("sampler.kind", quote(cfg.Sampler.Kind), "want one of "+quoteAll(sortedKeys(continuousSamplers))+" for particles in a trap")
	}
	return sb(cfg, h, m)
}

// buildOptimizer returns the update rule and, for "sr", the preconditioner.
func buildOptimizer(cfg *Config, np int) (vmc.Rule, vmc.Preconditioner) {
	o := cfg.Optimizer
	rule := func(kind string) vmc.Rule {
		switch kind {
		case "momentum":
			return optim.NewMomentum(o.LearningRate, o.Momentum, np)
		case "adam":
			return optim.NewAdam(o.LearningRate, np)
		}
		return optim.NewGD(o.LearningRate)
	}
	if o.Kind == "sr" {
		return rule(o.Rule), &optim.SR{Shift: o.Shift, CGTol: o.CGTol}
	}
	return rule(o.Kind), nil
}

// prepareRun builds the system, the optimiser and the driver of this rank;
// each adapt may wrap the system and set hooks in the options first.
func prepareRun(c comm.Comm, cfg *Config, adapt ...func(vmc.System, *vmc.Options) vmc.System) (*runJob, error) {
	sys, err := buildSystem(cfg)
	if err != nil {
		return nil, err
	}
	rule, sr := buildOptimizer(cfg, sys.NumParams())
	s := cfg.Sampler
	opt := vmc.Options{
		Walkers: s.Walkers,
		Samples: s.Samples,
		// burnin counts sweeps; a driver Sweep is thin sweeps.
		BurnIn:       (s.BurnIn + s.Thin - 1) / s.Thin,
		Iterations:   cfg.Optimizer.Iterations,
		Production:   cfg.Production.Samples,
		Seed:         uint64(cfg.Seed),
		Rule:         rule,
		SR:           sr,
		SRSolver:     srSolver(cfg.Optimizer.SRSolver),
		LearningRate: cfg.Optimizer.LearningRate,
	}
	for _, a := range adapt {
		sys = a(sys, &opt)
	}
	d, err := vmc.New(c, sys, opt)
	if err != nil {
		return nil, err
	}
	return &runJob{cfg: cfg, c: c, sys: sys, opt: opt, driver: d}, nil
}

// finish writes what the run produced (rank 0 only), prints the energy and
// returns runErr (the driver's error) or a write error. History is written
// even when the run failed, so a NaN or a divergence keeps what was done.
func (j *runJob) finish(res *vmc.Result, runErr error, stdout io.Writer) error {
	if j.c.Rank() != 0 {
		return runErr
	}
	dir := j.cfg.Output.Dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Join(runErr, fmt.Errorf("output: %w", err))
	}
	if err := writeHistory(filepath.Join(dir, "history.csv"), j.driver.History()); err != nil {
		return errors.Join(runErr, err)
	}
	if runErr != nil {
		saved := filepath.Join(dir, "history.csv")
		if errors.Is(runErr, vmc.ErrStopped) {
			return fmt.Errorf("%w (history so far in %s)", runErr, saved)
		}
		// A failed optimisation keeps the parameters worth restarting from:
		// the last good ones before a divergence, else the current ones.
		params := j.driver.Params()
		var de *vmc.DivergenceError
		if errors.As(runErr, &de) {
			params = de.LastGood
		}
		path := filepath.Join(dir, "parameters.json")
		if err := writeParameters(path, j.driver.Iteration(), runErr, params); err != nil {
			return errors.Join(runErr, err)
		}
		return fmt.Errorf("%w (history so far in %s, parameters in %s)", runErr, saved, path)
	}
	if err := writeResult(filepath.Join(dir, "result.json"), j.cfg, j.sys, res); err != nil {
		return err
	}
	e, err, v, acc := res.Energy, res.Error, res.Variance, res.Acceptance
	if h := res.History; res.Samples == 0 && len(h) > 0 {
		// No production: report the last iteration's estimate instead.
		fmt.Fprintln(stdout, "no production samples (production.samples = 0); the last iteration's estimate:")
		last := h[len(h)-1]
		e, err, v, acc = last.Energy, last.Error, last.Variance, last.Acceptance
	}
	fmt.Fprintf(stdout, "energy = %s", formatEnergy(e, err))
	if res.HasExact {
		fmt.Fprintf(stdout, " (exact %s)", strconv.FormatFloat(res.Exact, 'g', 10, 64))
	}
	fmt.Fprintf(stdout, "\nvariance = %.6g, acceptance = %.4f, %d samples on %d rank(s) × %d walkers, %d iterations\nwrote %s\n",
		v, acc, res.Samples, res.Ranks, res.Walkers, res.Iterations, dir)
	return nil
}

func formatEnergy(e, err float64) string {
	return fmt.Sprintf("%.6f ± %.6f", e, err)
}

// resultFile is the schema of result.json.
type resultFile struct {
	Energy     *float64  `json:"energy"`
	Error      *float64  `json:"error"`
	Variance   *float64  `json:"variance"`
	Acceptance *float64  `json:"acceptance"`
	Samples    int64     `json:"samples"`
	Ranks      int       `json:"ranks"`
	Walkers    int       `json:"walkers"`
	Iterations int       `json:"iterations"`
	Exact      *float64  `json:"exact"`
	Parameters []float64 `json:"parameters"`
	Seed       int64     `json:"seed"`
	Config     string    `json:"config"`
	Sites      int       `json:"sites,omitempty"`
}

// num is x, or nil (JSON null) when x is not finite.
func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// writeParameters saves the parameters of a run that failed, with the
// iteration and the reason, so that nothing computed is lost.
func writeParameters(path string, iteration int, reason error, params []float64) error {
	b, err := json.MarshalIndent(struct {
		Iteration  int       `json:"iteration"`
		Error      string    `json:"error"`
		Parameters []float64 `json:"parameters"`
	}{iteration, reason.Error(), params}, "", "  ")
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return writeAtomic(path, append(b, '\n'))
}

func writeResult(path string, cfg *Config, sys vmc.System, res *vmc.Result) error {
	r := resultFile{
		Energy: num(res.Energy), Error: num(res.Error), Variance: num(res.Variance), Acceptance: num(res.Acceptance),
		Samples: res.Samples, Ranks: res.Ranks, Walkers: res.Walkers, Iterations: res.Iterations,
		Parameters: res.Params, Seed: cfg.Seed, Config: cfg.Source,
	}
	if res.HasExact {
		r.Exact = num(res.Exact)
	}
	if s, ok := sys.(interface{ Sites() int }); ok {
		r.Sites = s.Sites()
	}
	for _, p := range r.Parameters {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return fmt.Errorf("result: non-finite parameter %g", p)
		}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("result: %w", err)
	}
	return writeAtomic(path, append(b, '\n'))
}

func writeHistory(path string, hist []vmc.Record) error {
	var b strings.Builder
	b.WriteString(strings.Join(vmc.HistoryColumns, ","))
	b.WriteByte('\n')
	for _, r := range hist {
		for i, v := range r.Row() {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return writeAtomic(path, []byte(b.String()))
}
