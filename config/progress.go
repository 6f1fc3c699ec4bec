package config

import (
	"io"

	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/progress"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// ShowProgress reports the optimisation and the production on w (rank
// 0's stderr in the command): a bar on a terminal, lines in a log, as
// mode says. It sets OnIteration and OnChunk.
func (job *Job) ShowProgress(stderr io.Writer, mode progress.Mode) {
	iters, base := job.Options.Iterations, job.Driver.Iteration()
	var bar, prodBar *progress.Reporter
	if iters > base {
		bar = progress.New(stderr, iters, "optimise", progress.Options{Mode: mode, Start: base})
	}
	job.OnIteration = func(r vmc.Record) {
		done, status := r.Iteration+1, "E = "+output.FormatEnergy(r.Energy, r.Error)
		if done == iters {
			bar.Finish(done, status)
		} else {
			bar.Update(done, status)
		}
	}
	job.OnChunk = func(done, total int) {
		if prodBar == nil {
			// Made at the first chunk, timed from there (the chunk may
			// follow a resume).
			prodBar = progress.New(stderr, total, "production", progress.Options{Mode: mode, Start: done})
		}
		if done == total {
			prodBar.Finish(done, "")
		} else {
			prodBar.Update(done, "")
		}
	}
}
