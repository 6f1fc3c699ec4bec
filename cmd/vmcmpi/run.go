package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/config"
	"github.com/vmcmpi/vmcmpi/figures"
	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/progress"
	"github.com/vmcmpi/vmcmpi/vmc"
)

func init() {
	register("run", command{summary: "optimise a trial wave function, then measure its energy", run: runRun})
}

const runUsage = `usage: vmcmpi run [-config FILE] [-set key=value ...] [-out DIR] [-resume DIR | -force | -init FILE]

Optimises the trial wave function of the configuration, then runs a
production with frozen parameters and prints

    energy = E ± error (exact E0)

Without -config it runs the embedded default (two electrons in a 2D
quantum dot, RBM × Padé–Jastrow trained by SR; exact energy 3);
` + "`vmcmpi config`" + ` prints every key with its default, unit and
range. Rank 0 writes DIR/result.json and DIR/history.csv (DIR defaults
to output.dir, "out"), and DIR/density.csv (radial density) for
particles in a trap; output.plots draws PNGs.

SIGTERM, SIGUSR1 (SLURM's warning before a time limit) or Ctrl-C stop all
ranks within seconds, at the last completed iteration or production round
(the unfinished one is discarded and redone on resume; before the first
iteration ends they end the process at once). Rank 0 writes
DIR/checkpoint.bin (also every output.checkpoint_every iterations) and
exits 75. -resume DIR (alone,
or with the same flags) continues and ends bit-identical to an
uninterrupted run (same rank count). -resume DIR of a finished run with
-set optimizer.iterations=N or production.samples=N extends it, ending
bit-identical to a run that asked for N from the start (from
DIR/optimised/checkpoint.bin, the state at the end of the optimisation).
-init FILE starts from the parameters of an earlier run's result.json or
parameters.json (the wave function must have the same parameter blocks).
A fresh run refuses a DIR holding a checkpoint unless given -force, and a
DIR another run holds. Rank 0 prints a banner (system, parameters, ranks
× walkers × threads, output) and, into a log, timestamped progress lines
every output.progress_every seconds. Exit codes:
0 done, 1 failed, 75 stopped with a checkpoint (resume it). Under SLURM
the MPI size must equal SLURM_NTASKS.

flags:
`

func runRun(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", runUsage, stderr)
	var cf configFlags
	cf.register(fs, "TOML configuration `file` (default: the embedded default; with -resume alone: the checkpoint's)", "system.omega=0.5")
	resume := fs.String("resume", "", "continue from the checkpoint in `DIR` (same configuration and rank count; DIR is the output directory)")
	force := fs.Bool("force", false, "start afresh in a directory that holds the checkpoint of an earlier run, replacing it")
	initFile := fs.String("init", "", "start from the parameters in `FILE`, a result.json or parameters.json of an earlier run")
	if err := cf.parse(fs, args); err != nil {
		return err
	}
	if *resume != "" && cf.out != "" && filepath.Clean(cf.out) != filepath.Clean(*resume) {
		return fmt.Errorf("-out %s and -resume %s name different directories (a resumed run continues in its own)", cf.out, *resume)
	}
	if *resume != "" && *force {
		return errors.New("-resume continues a checkpoint and -force replaces it: give one of them")
	}
	if *resume != "" && *initFile != "" {
		return errors.New("-resume continues a run with its own parameters, -init starts a new one from others: give one of them")
	}
	c, err := comm.World()
	if err != nil {
		return err
	}
	// Until the run has something to checkpoint, a stop signal ends the
	// process at once (a resumed run's checkpoint is still there).
	code := exitFailure
	if *resume != "" {
		code = exitResume
	}
	running := watchSetup(c, stderr, code)
	err = runRanks(c, &cf, *resume, *initFile, *force, running, stdout, stderr)
	running()
	if err != nil {
		// Printed here, before Finalize: a launcher may end the job as
		// soon as a rank finalises or exits.
		reportError(c, stderr, "run", err)
		err = &reportedError{err}
	}
	c.Finalize()
	return err
}

// runRanks is the run on every rank; every error it returns is agreed:
// when one rank fails, all return an error.
func runRanks(c comm.Comm, cf *configFlags, resume, initFile string, force bool, running func(), stdout, stderr io.Writer) error {
	cfg, err := loadRunConfig(c, cf, resume)
	var init *config.InitParams
	if err == nil && initFile != "" {
		init, err = config.ReadInit(initFile)
	}
	unlock := func() {}
	if err == nil {
		unlock, err = prepareRun(c, cfg, resume, force, os.Getenv)
	}
	defer unlock()
	if err := comm.Agree(c, err); err != nil {
		return err
	}
	for _, w := range cfg.Warnings() {
		if c.Rank() == 0 {
			fmt.Fprintln(stderr, "vmcmpi run: warning:", w)
		}
	}
	mode, err := progress.ParseMode(cfg.Output.Progress)
	if err != nil {
		return fmt.Errorf("%s: output.progress: %w", cfg.Source, err)
	}
	job, err := config.BuildInit(c, cfg, init)
	if err != nil {
		return err
	}
	if c.Rank() == 0 && mode != progress.None {
		fmt.Fprintln(stderr, progress.Stamp(time.Now()), job.Banner())
	}
	if resume != "" {
		if err := job.Resume(); err != nil {
			return fmt.Errorf("%w (resume with the -config and -set flags of the interrupted run, or -resume %s alone)", err, resume)
		}
		if c.Rank() == 0 {
			fmt.Fprintf(stderr, "resumed from %s after %d iteration(s)\n", job.ResumedFrom(), job.Driver.Iteration())
		}
	}
	if c.Rank() == 0 {
		job.ShowProgress(stderr, mode)
	}
	// SIGTERM, SIGUSR1 (SLURM) and Ctrl-C stop all ranks after the same
	// iteration with a checkpoint (cluster.go); until the first iteration
	// or production chunk ends there is nothing new to save, and
	// watchSetup ends the process at once.
	prevIter, prevChunk := job.OnIteration, job.OnChunk
	job.OnIteration = func(r vmc.Record) {
		running()
		if prevIter != nil {
			prevIter(r)
		}
	}
	job.OnChunk = func(done, total int) {
		running()
		if prevChunk != nil {
			prevChunk(done, total)
		}
	}
	ctx, stop := signalContext()
	defer stop()
	res, err := job.Run(ctx)
	running()
	afterRunHook(cfg.Output.Dir)
	var stopped *config.StoppedError
	if errors.As(err, &stopped) {
		err = fmt.Errorf("%w; continue with -resume %s (alone, or with the same -config and -set flags)", err, cfg.Output.Dir)
	}
	err = job.WriteOutputs(res, err)
	if c.Rank() == 0 && res != nil && (err == nil || isFallback(err)) {
		output.WriteSummary(stdout, res, cfg.Output.Dir, err == nil)
		writeLanczos(stdout, job, res)
		writeGFMC(stdout, job)
		var fb *output.FallbackError
		if errors.As(err, &fb) && fb.Path == "" {
			stdout.Write(fb.Data)
		}
	}
	if err == nil {
		err = writeExtras(c, job, res, stdout)
	}
	return comm.Agree(c, err)
}

// writeLanczos prints the Lanczos step, or why it is missing.
func writeLanczos(w io.Writer, job *config.Job, res *vmc.Result) {
	if l := job.Lanczos; l != nil {
		fmt.Fprintf(w, "one Lanczos step: E1 = %.6f ± %.6f, variance %.4g (β = %.4g; ψ itself %.6f ± %.6f, variance %.4g; %d samples)\n",
			l.Energy1, l.Energy1Error, l.Variance1, l.Beta, l.Energy, l.EnergyError, l.Variance, l.Samples)
		fmt.Fprintf(w, "E1 − E = %.6f ± %.6f: production energy + it = %.6f\n", l.Lowering, l.LoweringError, res.Energy+l.Lowering)
		fmt.Fprintf(w, "zero-variance extrapolation (not variational): E = %.6f ± %.6f\n", l.Extrapolated, l.ExtrapErr)
	} else if job.LanczosErr != nil {
		fmt.Fprintf(w, "Lanczos step not done: %v (production's result is kept; add the step with -resume %s -set production.lanczos_samples=N)\n", job.LanczosErr, job.Config.Output.Dir)
	}
}

// writeGFMC prints the GFMC projection, or why it is missing.
func writeGFMC(w io.Writer, job *config.Job) {
	g := job.GFMC
	if g == nil {
		if job.GFMCErr != nil {
			fmt.Fprintf(w, "GFMC not done: %v (production's result is kept; add it with -resume %s -set gfmc.steps=N)\n", job.GFMCErr, job.Config.Output.Dir)
		}
		return
	}
	kind := "exact for this sign-free model up to statistics"
	if g.FixedNode {
		kind = fmt.Sprintf("fixed node: an upper bound; %.3g of the off-diagonal weight violated ψ's signs", g.SignViolation)
	}
	fmt.Fprintf(w, "GFMC: E = %.6f ± %.6f (%s; %d walkers, τ = %g, %d intervals, p = %d)\n", g.Energy, g.EnergyError, kind, g.Walkers, g.Tau, g.Steps, g.Project)
	var ps []string
	for k, p := range g.Projections {
		ps = append(ps, fmt.Sprintf("p = %d: %.6f ± %.6f", p, g.Energies[k], g.Errors[k]))
	}
	fmt.Fprintf(w, "GFMC E_p (flat when converged): %s\n", strings.Join(ps, "; "))
}

// afterRunHook lets tests break the output directory after the probe.
var afterRunHook = func(dir string) {}

// isFallback reports whether err is a result saved elsewhere.
func isFallback(err error) bool {
	var fb *output.FallbackError
	return errors.As(err, &fb)
}

// writeExtras writes the density, the observables and the plots on rank 0.
func writeExtras(c comm.Comm, job *config.Job, res *vmc.Result, stdout io.Writer) error {
	if err := job.WriteDensity(res); err != nil {
		return err
	}
	reps, err := job.WriteObservables(res)
	if err != nil {
		return err
	}
	printSplit(stdout, reps)
	if c.Rank() != 0 || !job.Config.Output.Plots {
		return nil
	}
	files, err := figures.Run(job.Config.Output.Dir)
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		fmt.Fprintf(stdout, "plot %s\n", f)
	}
	return nil
}

// loadRunConfig is the configuration of -config and -set, or with -resume
// and no -config the one stored in the checkpoint (collective), with the
// -set overrides applied; -out or -resume names the output directory.
func loadRunConfig(c comm.Comm, cf *configFlags, resume string) (*config.Config, error) {
	var cfg *config.Config
	if resume != "" && cf.path == "" {
		var err error
		if cfg, err = config.FromCheckpoint(c, resume, cf.sets); err != nil {
			return nil, err
		}
	} else {
		var err error
		if cfg, err = cf.load(); err != nil {
			return nil, err
		}
	}
	if resume != "" {
		cfg.Output.Dir = resume
	}
	return cfg, nil
}

func formatEnergy(e, err float64) string { return output.FormatEnergy(e, err) }
