package config

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/progress"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// ShowProgress reports the optimisation and the production on w (rank
// 0's stderr in the command): a bar on a terminal, lines in a log (each
// starting with its time, one every output.progress_every seconds), as
// mode says. It sets OnIteration, OnChunk and OnGFMC.
func (job *Job) ShowProgress(stderr io.Writer, mode progress.Mode) {
	iters, base := job.Options.Iterations, job.Driver.Iteration()
	every := time.Duration(job.Config.Output.ProgressEvery * float64(time.Second))
	opts := func(start int) progress.Options {
		return progress.Options{Mode: mode, Start: start, Interval: every, Timestamps: true}
	}
	var bar *progress.Reporter
	if iters > base {
		bar = progress.New(stderr, iters, "optimise", opts(base))
	}
	job.OnIteration = func(r vmc.Record) {
		done, status := r.Iteration+1, "E = "+output.FormatEnergy(r.Energy, r.Error)
		if done == iters {
			bar.Finish(done, status)
		} else {
			bar.Update(done, status)
		}
	}
	// A phase whose total is known at its first report, timed from there
	// (it may follow a resume).
	lazyBar := func(label string) func(done, total int) {
		var r *progress.Reporter
		return func(done, total int) {
			if r == nil {
				r = progress.New(stderr, total, label, opts(done))
			}
			if done == total {
				r.Finish(done, "")
			} else {
				r.Update(done, "")
			}
		}
	}
	job.OnChunk = lazyBar("production")
	job.OnGFMC = lazyBar("gfmc")
}

// Banner describes the run in one line, for the start of its log: the
// system, the wave function and its parameter count, ranks × walkers ×
// threads, the work asked for and the output directory.
func (job *Job) Banner() string {
	c := job.Config
	s := c.System
	var sys string
	if s.Model == "continuous" {
		sys = fmt.Sprintf("%d particles in %dD, %s trap ω = %g", s.Particles, s.Dimensions, s.Trap, s.Omega)
		if s.Interaction != "none" {
			sys += ", " + s.Interaction
		}
	} else {
		sites := 0
		if l, ok := job.System.(interface{ Sites() int }); ok {
			sites = l.Sites()
		}
		bc := "open"
		if s.PBC {
			bc = "periodic"
		}
		sys = fmt.Sprintf("%s on a %s of %d sites (%s)", s.Model, s.Lattice, sites, bc)
	}
	model, _ := ParamShapes(job.System)
	parts := []string{
		sys,
		model + ", " + count(job.System.NumParams(), "parameter"),
		count(job.Comm.Size(), "rank") + " × " + count(job.Options.Walkers, "walker") + " × " + count(job.Threads(), "thread"),
		fmt.Sprintf("%d iterations, %d production samples per walker", job.Options.Iterations, job.Options.Production),
		"output " + c.Output.Dir,
	}
	return "vmcmpi run: " + strings.Join(parts, "; ")
}

// count is "1 rank", "4 ranks".
func count(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
