package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// OptimisedDir is the subdirectory of a run's output directory that keeps
// the state at the end of the optimisation, OptimisedDir/checkpoint.bin,
// written after the last iteration whatever output.checkpoint_every says.
// A finished run is extended from it: more iterations continue the
// optimisation where it ended, more production samples run the
// production afresh from there; both end bit-identical to a run that
// asked for as many from the start (same rank count).
const OptimisedDir = "optimised"

// optimised is the checkpointer of the end-of-optimisation state.
func (j *Job) optimised() *vmc.Checkpointer {
	cp := *j.cp
	cp.Dir = filepath.Join(j.cp.Dir, OptimisedDir)
	return &cp
}

// saveOptimised writes the end-of-optimisation state (collective); like
// a periodic checkpoint, a failure stops the run, reported by Run.
func (j *Job) saveOptimised() {
	if j.saveErr != nil {
		return
	}
	if err := j.optimised().Save(j.Driver); err != nil {
		j.saveErr = err
	}
}

// ResumedFrom is the checkpoint file Resume restored, "" before.
func (j *Job) ResumedFrom() string { return j.resumed }

// resume restores the driver (collective). It takes DIR/checkpoint.bin (a
// stopped run, or a periodic checkpoint) when there is one, else the
// end-of-optimisation state of a finished run. When the configuration
// asks for more iterations than the restored state has done but that
// state is in the production (whose sampling moved the walkers on), it
// takes the end-of-optimisation state instead, so that the extension
// continues exactly as a longer optimisation would have.
func (j *Job) resume() error {
	main, opt := j.cp, j.optimised()
	has, err := existOnRoot(j.Comm, main.Path(), opt.Path())
	if err != nil {
		return err
	}
	d := j.Driver
	if has[0] || !has[1] {
		if err := main.Load(d); err != nil {
			return err
		}
		j.resumed = main.Path()
		if d.ProductionDone() == 0 || d.Iteration() >= j.Options.Iterations {
			return nil
		}
		if !has[1] {
			return fmt.Errorf("cannot add iterations to %s: it was saved during the production (after %d samples per walker), "+
				"whose sampling moved the walkers on from the end of the optimisation, and %s is missing; "+
				"start a new run from its parameters with -init instead", main.Path(), d.ProductionDone(), opt.Path())
		}
	}
	if err := opt.Load(d); err != nil {
		return err
	}
	j.resumed = opt.Path()
	return nil
}

// existOnRoot reports which of paths exist on rank 0, the rank that
// reads checkpoints (collective: every rank gets rank 0's answer).
func existOnRoot(c comm.Comm, paths ...string) ([]bool, error) {
	flags := make([]float64, len(paths))
	if c.Rank() == 0 {
		for i, p := range paths {
			if _, err := os.Stat(p); err == nil {
				flags[i] = 1
			}
		}
	}
	if err := c.Bcast(flags, 0); err != nil {
		return nil, fmt.Errorf("config: resume: %w", err)
	}
	has := make([]bool, len(paths))
	for i, f := range flags {
		has[i] = f > 0
	}
	return has, nil
}

// checkpointFile is the checkpoint a resume of dir reads its
// configuration from (collective): DIR/checkpoint.bin, or a finished
// run's end-of-optimisation state when there is no such file.
func checkpointFile(c comm.Comm, dir string) (string, error) {
	main := filepath.Join(dir, checkpoint.FileName)
	opt := filepath.Join(dir, OptimisedDir, checkpoint.FileName)
	has, err := existOnRoot(c, main, opt)
	if err != nil {
		return "", err
	}
	if !has[0] && has[1] {
		return opt, nil
	}
	return main, nil
}
