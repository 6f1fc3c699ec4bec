package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/output"
)

// OutputFiles are the files a run writes into its directory.
var OutputFiles = []string{"result.json", "history.csv", "parameters.json", "density.csv", "observables.json", checkpoint.FileName}

// Preflight checks on rank 0, before any work, what would otherwise fail
// after it: the output directory is locked for the run's lifetime,
// writable, and holds no earlier run's checkpoint unless resuming or
// forced. Not collective; the caller agrees on the outcome (comm.Agree).
func (cfg *Config) Preflight(c comm.Comm, resume, force bool) (unlock func(), err error) {
	unlock = func() {}
	if c.Rank() != 0 {
		return unlock, nil
	}
	dir := cfg.Output.Dir
	unlock, err = output.Lock(dir)
	if err != nil {
		return func() {}, err
	}
	cp := filepath.Join(dir, checkpoint.FileName)
	if _, serr := os.Lstat(cp); serr == nil && !resume && !force {
		err = fmt.Errorf("%s holds the checkpoint of an earlier run: continue it with -resume %s, "+
			"or start afresh with -force (replacing it) or another -out", dir, dir)
	} else {
		err = output.ProbeDir(dir, OutputFiles...)
	}
	if err != nil {
		unlock()
		return func() {}, err
	}
	return unlock, nil
}
