package config

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// DensityBins is the resolution of the radial density histogram.
const DensityBins = 60

// Job is one configured run on one rank: the system, the driver's options
// and the driver, with the run's checkpoints and outputs. Build makes it;
// Run drives it; WriteOutputs and WriteDensity leave its files in
// Config.Output.Dir.
type Job struct {
	Config *Config
	Comm   comm.Comm
	// System is the built system.
	System  vmc.System
	Options vmc.Options
	Driver  *vmc.Driver
	// Density is the radial density observable among Options.Observables,
	// nil when the run has no production of particles in a trap.
	Density *vmc.RadialDensity
	// Reported are the observables whose reports WriteObservables writes
	// (the energy split of particles and those of [observables]).
	Reported []vmc.Observable

	// Lanczos is the Lanczos step after production when
	// production.lanczos_samples > 0 (nil before Run, or when it was
	// interrupted or failed: LanczosErr says why).
	Lanczos    *vmc.LanczosResult
	LanczosErr error
	// GFMC is the projection after production when gfmc.steps > 0 (nil
	// before Run, or when it was interrupted or failed: GFMCErr says why).
	GFMC    *vmc.GFMCResult
	GFMCErr error

	// OnIteration and OnChunk, when set, run on every rank after each
	// optimisation iteration and each production chunk (for progress
	// reports), before a periodic checkpoint.
	OnIteration func(vmc.Record)
	OnChunk     func(done, total int)
	// OnGFMC, when set, runs on every rank after each GFMC interval.
	OnGFMC func(done, total int)

	cp      *vmc.Checkpointer
	spin    *hamiltonian.Spin // a lattice's operator, for the exact observables
	saveErr error
	chunks  int
	launch  launchInfo // for result.json (metadata.go)
	resumed string     // the checkpoint Resume restored (extend.go)
}

// Build makes the system of cfg and the job that runs it on the ranks of
// c; every rank calls it with the same configuration.
func Build(c comm.Comm, cfg *Config) (*Job, error) {
	sys, err := cfg.BuildSystem()
	if err != nil {
		return nil, err
	}
	return NewJob(c, cfg, sys)
}

// NewJob makes the job of cfg around sys (built by cfg.BuildSystem,
// perhaps wrapped by the caller): it adds the radial density when there is
// a production, checkpoints every output.checkpoint_every iterations and
// production rounds, and makes the driver.
func NewJob(c comm.Comm, cfg *Config, sys vmc.System) (*Job, error) {
	flat, err := cfg.Flatten()
	if err != nil {
		return nil, err
	}
	j := &Job{Config: cfg, Comm: c, Options: cfg.DriverOptions(sys.NumParams()),
		cp: &vmc.Checkpointer{Comm: c, Dir: cfg.Output.Dir, Config: flat, Ignore: ResumeMayDiffer, Added: AtDefault}}
	// Particles in a trap get the radial density out to 5/√ω, where a
	// Gaussian ground-state density has fallen below e^{-25} of its
	// centre value; lattices get none.
	if s := cfg.System; j.Options.Production > 0 && s.Model == "continuous" {
		rd, err := vmc.NewRadialDensity(s.Dimensions, DensityBins, 5/math.Sqrt(s.Omega))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.Source, err)
		}
		j.Density = rd
		j.Options.Observables = append(j.Options.Observables, rd)
	}
	if j.Options.Production > 0 {
		if err := j.buildObservables(sys, j.Density); err != nil {
			return nil, err
		}
	}
	j.System = sys
	j.hook()
	if err := j.measureLaunch(); err != nil {
		return nil, err
	}
	if j.Driver, err = vmc.New(c, sys, j.Options); err != nil {
		return nil, err
	}
	return j, nil
}

// DriverOptions are the driver's options of the configuration for a
// system of np parameters: walkers, samples, burn-in, iterations,
// production, seed, update rule and preconditioner.
func (c *Config) DriverOptions(np int) vmc.Options {
	rule, sr := c.BuildOptimizer(np)
	s := c.Sampler
	opt := vmc.Options{
		Walkers: s.Walkers,
		Samples: s.Samples,
		// burnin counts sweeps; a driver Sweep is thin sweeps.
		BurnIn:       (s.BurnIn + s.Thin - 1) / s.Thin,
		Iterations:   c.Optimizer.Iterations,
		Production:   c.Production.Samples,
		Seed:         uint64(c.Seed),
		Rule:         rule,
		SR:           sr,
		SRSolver:     srSolver(c.Optimizer.SRSolver),
		LearningRate: c.LearningRate(),
		Linear:       c.buildLinear(),
	}
	c.stageOptions(&opt)
	return opt
}

// buildLinear is the linear method's solver for optimizer.kind = "linear"
// (optimizer.shift its initial diagonal shift; the rule, gradient descent
// with optimizer.learning_rate, default 1, applies its step; with
// optimizer.linear_shift_select = "correlated" the shift is chosen by
// correlated sampling), or nil.
func (c *Config) buildLinear() vmc.LinearSolver {
	if c.Optimizer.Kind != "linear" {
		return nil
	}
	l := &optim.Linear{Shift: c.Optimizer.Shift}
	if c.Optimizer.LinearShiftSelect == "correlated" {
		return &vmc.CorrelatedShift{Solver: l}
	}
	return l
}

// BuildOptimizer returns the update rule of a system of np parameters
// and, for optimizer.kind = "sr", the preconditioner (with the schedules,
// clipping and relative shift of optimizer_stages.go when configured).
func (c *Config) BuildOptimizer(np int) (vmc.Rule, vmc.Preconditioner) {
	o := c.Optimizer
	o.LearningRate = c.LearningRate()
	rule := func(kind string) vmc.Rule {
		switch kind {
		case "momentum":
			return o.scheduled(optim.NewMomentum(o.LearningRate, o.Momentum, np))
		case "adam":
			return o.scheduled(optim.NewAdam(o.LearningRate, np))
		}
		return o.scheduled(optim.NewGD(o.LearningRate))
	}
	if o.Kind == "sr" {
		return rule(o.Rule), &optim.SR{Shift: o.Shift, CGTol: o.CGTol, RelShift: o.RelativeShift, ShiftDecay: o.shiftDecay()}
	}
	return rule(o.Kind), nil
}

// hook sets the driver's callbacks: the caller's reports, then the
// periodic checkpoints; a failed checkpoint stops the run.
func (j *Job) hook() {
	every := j.Config.Output.CheckpointEvery
	j.Options.Stop = func() bool { return j.saveErr != nil }
	j.Options.OnIteration = func(r vmc.Record) {
		if j.OnIteration != nil {
			j.OnIteration(r)
		}
		if every > 0 && (r.Iteration+1)%every == 0 {
			j.save()
		}
		if r.Iteration+1 == j.Options.Iterations {
			j.saveOptimised()
		}
	}
	j.Options.OnChunk = func(done, total int) {
		if j.OnChunk != nil {
			j.OnChunk(done, total)
		}
		j.chunks++
		if every > 0 && j.chunks%every == 0 && done < total {
			j.save()
		}
	}
}

// save writes a checkpoint (collective); a failure stops the run at the
// next iteration and is reported by Run.
func (j *Job) save() {
	if j.saveErr != nil {
		return
	}
	if err := j.cp.Save(j.Driver); err != nil {
		j.saveErr = err
	}
}

// CheckpointPath is the file of the job's checkpoints.
func (j *Job) CheckpointPath() string { return j.cp.Path() }

// Resume restores the driver from the checkpoint in the output directory
// (collective); the configuration must match the checkpoint's, apart from
// the [output] table, optimizer.iterations and production.samples (an
// extension, see extend.go), and so must the rank count.
func (j *Job) Resume() error { return j.resume() }

// StoppedError is the error of a run stopped on request (a cancelled
// context) after its state was saved; it wraps vmc.ErrStopped.
type StoppedError struct {
	Checkpoint string // the file written
	Where      error  // the driver's error: where the run stopped
}

func (e *StoppedError) Error() string {
	if e.Where != nil {
		return fmt.Sprintf("%v; checkpoint written to %s", e.Where, e.Checkpoint)
	}
	return fmt.Sprintf("%v: checkpoint written to %s", vmc.ErrStopped, e.Checkpoint)
}

func (e *StoppedError) Unwrap() error { return vmc.ErrStopped }

// Run drives the optimisation and the production to their end, or until
// ctx is cancelled: then all ranks stop at the same iteration boundary, a
// checkpoint is written and the error is a *StoppedError.
//
// With production.lanczos_samples a Lanczos step follows production
// (Job.Lanczos), then with gfmc.steps a GFMC projection (Job.GFMC); a
// stop or failure during either keeps the finished production's result
// and leaves the reason in LanczosErr or GFMCErr.
func (j *Job) Run(ctx context.Context) (*vmc.Result, error) {
	res, err := j.Driver.Run(ctx)
	if j.saveErr != nil {
		return nil, fmt.Errorf("checkpoint failed, run stopped: %w", j.saveErr)
	}
	if err == nil && j.Config.Production.LanczosSamples > 0 {
		// Production's result stands whatever befalls the step: every
		// rank learns a failure on any rank inside LanczosStep, so all keep
		// res and report the step missing alike.
		j.LanczosErr = j.lanczos(ctx)
	}
	if err == nil && j.Config.GFMC.Steps > 0 {
		// Like the Lanczos step: production's result stands.
		j.GFMCErr = j.gfmc(ctx)
	}
	if !errors.Is(err, vmc.ErrStopped) {
		return res, err
	}
	if serr := j.cp.Save(j.Driver); serr != nil {
		return nil, fmt.Errorf("%w; writing the checkpoint failed too: %v", err, serr)
	}
	return nil, &StoppedError{Checkpoint: j.cp.Path(), Where: err}
}

// WriteOutputs writes, on rank 0, what a run produced into output.dir:
// history.csv always (a NaN or a divergence keeps what was done), then
// result.json when runErr is nil, or parameters.json (the last good
// parameters: those before the step that diverged or gave a non-finite
// local energy, else the current ones) when the run failed other than by
// a stop. It returns runErr, annotated with the files kept, joined with
// any write error; a result.json that cannot be written is saved in the
// temporary directory instead (an *output.FallbackError names it). Other
// ranks return runErr.
func (j *Job) WriteOutputs(res *vmc.Result, runErr error) error {
	if j.Comm.Rank() != 0 {
		return runErr
	}
	dir := j.Config.Output.Dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		err = fmt.Errorf("output: %w", err)
		if runErr == nil && res != nil {
			return output.Fallback(err, "result.json", j.result(res))
		}
		return errors.Join(runErr, err)
	}
	saved := filepath.Join(dir, "history.csv")
	herr := output.WriteHistory(saved, j.Driver.History())
	if herr != nil {
		saved = "nowhere: " + herr.Error()
	}
	if runErr != nil {
		if errors.Is(runErr, vmc.ErrStopped) {
			return errors.Join(fmt.Errorf("%w (history so far in %s)", runErr, saved), herr)
		}
		params := j.Driver.Params()
		var de *vmc.DivergenceError
		var le *vmc.LocalEnergyError
		switch {
		case errors.As(runErr, &de):
			params = de.LastGood
		case errors.As(runErr, &le) && le.Iteration >= 0:
			params = j.Driver.LastGood()
		}
		path := filepath.Join(dir, "parameters.json")
		if err := output.WriteParameters(path, j.Driver.Iteration(), runErr, params); err != nil {
			return errors.Join(runErr, herr, err)
		}
		return errors.Join(fmt.Errorf("%w (history so far in %s, last good parameters in %s)", runErr, saved, path), herr)
	}
	r := j.result(res)
	if err := output.WriteResult(filepath.Join(dir, "result.json"), r); err != nil {
		return output.Fallback(errors.Join(herr, err), "result.json", r)
	}
	return errors.Join(herr, output.WriteDiagnostics(dir, res, j.Driver.Trace()))
}

// result is the result.json document of res.
func (j *Job) result(res *vmc.Result) output.Result {
	sites := 0
	if s, ok := j.System.(interface{ Sites() int }); ok {
		sites = s.Sites()
	}
	r := j.withMetadata(output.NewResult(res, j.Config.Seed, j.Config.Source, sites))
	r.Reference = j.Config.Output.Reference
	if j.Lanczos != nil {
		r.Lanczos = output.NewLanczos(j.Lanczos)
	}
	if j.GFMC != nil {
		r.GFMC = output.NewGFMC(j.GFMC)
	}
	return r
}

// WriteDensity writes density.csv on rank 0 when the job has a density;
// res is the run's result, which holds the histogram of all ranks.
func (j *Job) WriteDensity(res *vmc.Result) error {
	if j.Density == nil || res == nil || j.Comm.Rank() != 0 {
		return nil
	}
	d, err := j.Density.Density(res)
	if err != nil {
		return err
	}
	return output.WriteDensity(filepath.Join(j.Config.Output.Dir, "density.csv"), d)
}

// FromFlat rebuilds the configuration that Flatten listed as flat (the
// form a checkpoint stores), so that a run can be resumed from its
// checkpoint alone; name labels messages. It refuses a listing that does
// not flatten back to itself.
func FromFlat(flat map[string]string, name string) (*Config, error) {
	cfg := Defaults()
	cfg.Wavefunction.Layers = nil
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := cfg.Set(k + "=" + flatToTOML(flat[k])); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	cfg.explicit = nil // keys a kind ignores were defaults, not the user's
	cfg.Source = name
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	again, err := cfg.Flatten()
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if again[k] != flat[k] {
			return nil, fmt.Errorf("%s: %s = %s could not be restored (got %s)", name, k, flat[k], again[k])
		}
	}
	// A key this version reads that the stored listing lacks takes its
	// default when a resume may change it (an [output] key added since)
	// or when that default is what the older program did.
	for k := range again {
		if _, ok := flat[k]; !ok && !ResumeMayDiffer(k) && !AtDefault(k, again[k]) {
			return nil, fmt.Errorf("%s: the stored configuration lists %d keys and lacks %s, which this version reads", name, len(flat), k)
		}
	}
	return &cfg, nil
}

// flatToTOML turns a Flatten value back into TOML: lists print as
// "[4 8]" or "[energy r2]", which TOML writes "[4, 8]" and
// ["energy", "r2"].
func flatToTOML(v string) string {
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") || strings.Contains(v, ",") {
		return v
	}
	items := strings.Fields(v[1 : len(v)-1])
	for i, it := range items {
		if _, err := strconv.ParseFloat(it, 64); err != nil {
			items[i] = strconv.Quote(it)
		}
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// lanczos runs the Lanczos step on the lattice's final parameters, with
// the sampler's walkers and burn-in and streams of its own.
func (j *Job) lanczos(ctx context.Context) error {
	lat, ok := j.System.(*vmc.Lattice)
	if !ok {
		return fmt.Errorf("%s: production.lanczos_samples: the Lanczos step is for spin lattices", j.Config.Source)
	}
	r, err := lat.LanczosStep(ctx, j.Comm, vmc.LanczosOptions{
		Walkers: j.Options.Walkers,
		BurnIn:  j.Options.BurnIn,
		Samples: j.Config.Production.LanczosSamples,
		Seed:    j.Options.Seed,
		Workers: j.Options.Workers,
	})
	if err != nil {
		return fmt.Errorf("%s: production.lanczos_samples: %w", j.Config.Source, err)
	}
	j.Lanczos = r
	return nil
}

// gfmc projects the lattice's final trial state with GFMC, its
// population drawn by the sampler's burn-in.
func (j *Job) gfmc(ctx context.Context) error {
	lat, ok := j.System.(*vmc.Lattice)
	if !ok {
		return fmt.Errorf("%s: gfmc.steps: the GFMC projection is for spin lattices", j.Config.Source)
	}
	g := j.Config.GFMC
	r, err := lat.GFMC(ctx, j.Comm, vmc.GFMCOptions{
		Walkers:     g.Walkers,
		BurnIn:      j.Options.BurnIn,
		Tau:         g.Tau,
		Steps:       g.Steps,
		Equilibrate: g.Equilibrate,
		Project:     g.Project,
		Seed:        j.Options.Seed,
		Workers:     j.Options.Workers,
		Progress:    j.OnGFMC,
	})
	if err != nil {
		return fmt.Errorf("%s: gfmc: %w", j.Config.Source, err)
	}
	j.GFMC = r
	return nil
}
