package vmc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/comm"
)

// Checkpointer writes a driver's state to a checkpoint file and restores
// it. Save and Load are collective: every rank calls them at the same
// point, rank 0 does the file work, and every rank returns the same error.
type Checkpointer struct {
	Comm comm.Comm
	// Dir is the run's output directory; the file is Dir/checkpoint.bin.
	Dir string
	// Config is the run's configuration flattened to "section.key" →
	// value; a resume compares it with the stored one.
	Config map[string]string
	// Ignore names configuration keys that may change between the run and
	// its resume (output settings); nil: none.
	Ignore func(key string) bool
	// Added reports whether a key an older checkpoint lacks may take
	// value on resume: the value that reproduces the program that wrote
	// it (a feature added since and left off); nil: no such key.
	Added func(key, value string) bool
}

// Path is the checkpoint file.
func (cp *Checkpointer) Path() string { return filepath.Join(cp.Dir, checkpoint.FileName) }

// Save gathers every rank's walkers on rank 0, which writes the checkpoint
// atomically (the previous one survives any failure).
func (cp *Checkpointer) Save(d *Driver) error {
	snap, err := d.Snapshot()
	status := []float64{0}
	if err != nil {
		status[0] = 1
	}
	// Agree first, so a rank that cannot snapshot does not leave the
	// others waiting in the gather.
	if aerr := cp.Comm.AllReduce(status, comm.Max); aerr != nil {
		return fmt.Errorf("vmc: checkpoint: %w", aerr)
	}
	if status[0] > 0 {
		if err == nil {
			err = errors.New("another rank could not capture its state")
		}
		return fmt.Errorf("vmc: checkpoint: %w", err)
	}
	all, err := checkpoint.GatherBlobs(cp.Comm, snap.Walkers, 0)
	if err != nil {
		return err
	}
	if cp.Comm.Rank() == 0 {
		st := &checkpoint.State{
			Config:         cp.Config,
			Ranks:          cp.Comm.Size(),
			WalkersPerRank: len(snap.Walkers),
			Iteration:      snap.Iteration,
			Params:         snap.Params,
			Optimizer:      snap.Optimizer,
			OptimizerState: snap.OptimizerState,
			HistoryColumns: HistoryColumns,
			Walkers:        all,
			Extra:          snap.Extra,
		}
		for _, r := range snap.History {
			st.History = append(st.History, r.Row())
		}
		if err = os.MkdirAll(cp.Dir, 0o755); err == nil {
			err = checkpoint.WriteFile(cp.Path(), st)
		}
		if err != nil {
			status[0] = 1
		}
	}
	if berr := cp.Comm.Bcast(status, 0); berr != nil {
		return fmt.Errorf("vmc: checkpoint: %w", berr)
	}
	if status[0] > 0 {
		if err == nil {
			err = fmt.Errorf("rank 0 could not write %s", cp.Path())
		}
		return err
	}
	return nil
}

// Load reads the checkpoint on rank 0, broadcasts it, checks that it was
// written by the same configuration and rank count, and restores d (a
// driver freshly built from that configuration).
func (cp *Checkpointer) Load(d *Driver) error {
	st, err := checkpoint.Load(cp.Comm, cp.Path(), 0)
	if err != nil {
		return err
	}
	if err := st.CompatibleWith(cp.Config, cp.Comm.Size(), cp.Ignore, cp.Added); err != nil {
		return fmt.Errorf("cannot resume from %s: %w", cp.Path(), err)
	}
	if len(st.HistoryColumns) != len(HistoryColumns) && len(st.HistoryColumns) != legacyColumns {
		return fmt.Errorf("cannot resume from %s: history has columns %v, want %v", cp.Path(), st.HistoryColumns, HistoryColumns)
	}
	walkers, err := st.RankWalkers(cp.Comm.Rank())
	if err != nil {
		return err
	}
	snap := &Snapshot{
		Iteration:      st.Iteration,
		Params:         st.Params,
		Optimizer:      st.Optimizer,
		OptimizerState: st.OptimizerState,
		Walkers:        walkers,
		Extra:          st.Extra,
	}
	for _, row := range st.History {
		r, err := RecordFromRow(row)
		if err != nil {
			return fmt.Errorf("cannot resume from %s: %w", cp.Path(), err)
		}
		snap.History = append(snap.History, r)
	}
	err = d.Restore(snap)
	// A walker record may fail on one rank only; agree, so that no rank
	// goes on into the run's collectives alone.
	status := []float64{0}
	if err != nil {
		status[0] = 1
	}
	if aerr := cp.Comm.AllReduce(status, comm.Max); aerr != nil {
		return fmt.Errorf("vmc: resume: %w", aerr)
	}
	if err != nil {
		return fmt.Errorf("cannot resume from %s: %w", cp.Path(), err)
	}
	if status[0] > 0 {
		return fmt.Errorf("cannot resume from %s: another rank could not restore its walkers", cp.Path())
	}
	return nil
}
