package main

// What a run needs on a cluster: the SLURM task-count check, signals that
// stop all ranks at the same iteration, periodic and on-signal checkpoints,
// -resume, progress on rank 0, the radial density and the plots at the end.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/BurntSushi/toml"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/progress"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// ignoreNtasksEnv disables checkSlurmTasks.
const ignoreNtasksEnv = "VMCMPI_IGNORE_SLURM_NTASKS"

// checkSlurmTasks refuses a run whose MPI size differs from SLURM_NTASKS:
// a launcher without a working MPI plugin (srun --mpi=none, or pmi2 with
// Debian's Open MPI) starts N processes that each believe they are rank 0
// of 1, and would run the whole computation N times over.
func checkSlurmTasks(size int, getenv func(string) string) error {
	nt := getenv("SLURM_NTASKS")
	if nt == "" || getenv(ignoreNtasksEnv) != "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(nt))
	if err != nil || n == size {
		return nil
	}
	build := "built without MPI: a serial binary always has 1 rank; use bin/vmcmpi-mpi from make build-mpi"
	if comm.MPIBuilt {
		build = "built with MPI"
	}
	return fmt.Errorf("MPI reports %d rank(s) but SLURM_NTASKS=%d: the tasks did not join one MPI job, "+
		"so each would repeat the whole run alone. Launch with `srun --mpi=pmix` (Debian's Open MPI has PMIx but no PMI2; "+
		"`srun --mpi=list` shows the plugins) or with `mpirun` inside the allocation. This binary is %s. "+
		"Set %s=1 to run anyway", size, n, build, ignoreNtasksEnv)
}

// stopSignals are the signals that end a run cleanly with a checkpoint:
// SIGTERM (SLURM at the time limit or on preemption), SIGUSR1 (the early
// warning of sbatch --signal=USR1@secs), and Ctrl-C.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGUSR1}

// signalContext is cancelled by the first stop signal; the driver then
// agrees with the other ranks to stop after the current iteration. Tests
// replace it to stop a run at a chosen point.
var signalContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), stopSignals...)
}

// flattenConfig lists the configuration as "section.key" → value, the
// form a checkpoint stores and compares on resume.
func flattenConfig(cfg *Config) (map[string]string, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(cfg); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var tree map[string]any
	if _, err := toml.Decode(buf.String(), &tree); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, sub := range m {
				if prefix != "" {
					k = prefix + "." + k
				}
				walk(k, sub)
			}
			return
		}
		switch x := v.(type) {
		case float64:
			out[prefix] = strconv.FormatFloat(x, 'g', -1, 64)
		case string:
			out[prefix] = strconv.Quote(x)
		default:
			out[prefix] = fmt.Sprint(x)
		}
	}
	walk("", tree)
	return out, nil
}

// resumeMayDiffer names the keys a resumed run may change: output settings
// do not alter the numbers.
func resumeMayDiffer(key string) bool { return strings.HasPrefix(key, "output.") }

// densityBins is the resolution of the radial density histogram.
const densityBins = 60

// clusterRun adds checkpoints, resume, progress, density and plots to a
// run. setup adapts the system and options before the driver is made;
// start resumes; run drives the optimisation and production.
type clusterRun struct {
	c       comm.Comm
	cfg     *Config
	stderr  io.Writer
	resume  bool
	density *vmc.RadialDensity
	res     *vmc.Result
	cp      *vmc.Checkpointer
	driver  *vmc.Driver
	opt     *vmc.Options
	bar     *progress.Reporter
	prodBar *progress.Reporter
	saveErr error
	mode    progress.Mode
	base    int // iterations done before this process started
}

func newClusterRun(c comm.Comm, cfg *Config, resume bool, stderr io.Writer) (*clusterRun, error) {
	flat, err := flattenConfig(cfg)
	if err != nil {
		return nil, err
	}
	mode, err := progress.ParseMode(cfg.Output.Progress)
	if err != nil {
		return nil, fmt.Errorf("%s: output.progress: %w", cfg.Source, err)
	}
	x := &clusterRun{c: c, cfg: cfg, stderr: stderr, resume: resume, mode: mode,
		cp: &vmc.Checkpointer{Comm: c, Dir: cfg.Output.Dir, Config: flat, Ignore: resumeMayDiffer}}
	return x, nil
}

// setup wraps a continuous system with the density histogram (when there
// is a production) and hooks progress and periodic checkpoints into opt.
func (x *clusterRun) setup(sys vmc.System, opt *vmc.Options) vmc.System {
	// Systems of particles in a trap get the radial density out to 5/√ω,
	// where a Gaussian ground-state density has fallen below e^{-25} of
	// its centre value; lattices get none.
	if s := x.cfg.System; opt.Production > 0 && s.Model == "continuous" {
		if rd, err := vmc.NewRadialDensity(s.Dimensions, densityBins, 5/math.Sqrt(s.Omega)); err == nil {
			x.density = rd
			opt.Observables = append(opt.Observables, rd)
		}
	}
	x.opt = opt
	every := x.cfg.Output.CheckpointEvery
	opt.Stop = func() bool { return x.saveErr != nil }
	opt.OnIteration = func(r vmc.Record) {
		done, status := r.Iteration+1, "E = "+formatEnergy(r.Energy, r.Error)
		if r.Iteration+1 == opt.Iterations {
			x.bar.Finish(done, status)
		} else {
			x.bar.Update(done, status)
		}
		if every > 0 && (r.Iteration+1)%every == 0 {
			x.save()
		}
	}
	chunks := 0
	opt.OnChunk = func(done, total int) {
		if x.prodBar == nil && x.c.Rank() == 0 {
			// Made at the first chunk, timed from there (the chunk may
			// follow a resume).
			x.prodBar = progress.New(x.stderr, total, "production", progress.Options{Mode: x.mode, Start: done})
		}
		if done == total {
			x.prodBar.Finish(done, "")
		} else {
			x.prodBar.Update(done, "")
		}
		chunks++
		if every > 0 && chunks%every == 0 && done < total {
			x.save()
		}
	}
	return sys
}

// save writes a checkpoint (collective); a failure stops the run at the
// next iteration and is reported by run.
func (x *clusterRun) save() {
	if x.saveErr != nil || x.driver == nil {
		return
	}
	if err := x.cp.Save(x.driver); err != nil {
		x.saveErr = err
	}
}

// start remembers the driver and, for -resume, restores it from the
// checkpoint in the output directory.
func (x *clusterRun) start(d *vmc.Driver) error {
	x.driver = d
	if x.resume {
		if err := x.cp.Load(d); err != nil {
			return fmt.Errorf("%w (resume with the -config and -set flags of the interrupted run)", err)
		}
		if x.c.Rank() == 0 {
			fmt.Fprintf(x.stderr, "resumed from %s after %d iteration(s)\n", x.cp.Path(), d.Iteration())
		}
	}
	x.base = d.Iteration()
	if x.c.Rank() == 0 && x.opt.Iterations > x.base {
		x.bar = progress.New(x.stderr, x.opt.Iterations, "optimise", progress.Options{Mode: x.mode, Start: x.base})
	}
	return nil
}

// run drives the run to its end, or to a stop: then it writes a checkpoint
// and returns an error that says how to continue.
func (x *clusterRun) run(ctx context.Context) (*vmc.Result, error) {
	res, err := x.driver.Run(ctx)
	x.res = res
	if x.saveErr != nil {
		return nil, fmt.Errorf("checkpoint failed, run stopped: %w", x.saveErr)
	}
	if !errors.Is(err, vmc.ErrStopped) {
		return res, err
	}
	if serr := x.cp.Save(x.driver); serr != nil {
		return nil, fmt.Errorf("%w; writing the checkpoint failed too: %v", err, serr)
	}
	return nil, fmt.Errorf("%w: checkpoint written to %s; continue with the same command and -resume %s",
		err, x.cp.Path(), x.cfg.Output.Dir)
}

// finish writes density.csv and, on rank 0, the plots when
// output.plots is set. It runs after result.json and history.csv exist.
func (x *clusterRun) finish(stdout io.Writer) error {
	if x.density != nil {
		d, err := x.density.Density(x.res)
		if err != nil {
			return err
		}
		if x.c.Rank() == 0 {
			var b bytes.Buffer
			if err := d.WriteCSV(&b); err != nil {
				return err
			}
			if err := writeAtomic(filepath.Join(x.cfg.Output.Dir, "density.csv"), b.Bytes()); err != nil {
				return err
			}
		}
	}
	if x.c.Rank() != 0 || !x.cfg.Output.Plots {
		return nil
	}
	files, err := writePlots(x.cfg.Output.Dir)
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		fmt.Fprintf(stdout, "plot %s\n", f)
	}
	return nil
}
