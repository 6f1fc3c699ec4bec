package vmc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/vmc"
)

func TestOptionsRefused(t *testing.T) {
	sys := gaussSystem(t, 2, 2, 1, 0.5, samplers[0])
	for _, o := range []vmc.Options{
		{Walkers: 0, Production: 10},
		{Walkers: 1, Iterations: 3, Samples: 0},
		{Walkers: 1, Production: -1},
		{Walkers: 1, BurnIn: -5},
	} {
		if _, err := vmc.New(comm.NewSerial(), sys, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}

func TestRecordRow(t *testing.T) {
	r := vmc.Record{Iteration: 7, Energy: 1.5, Error: 0.01, Variance: 0.2, Acceptance: 0.9, GradNorm: 3, LearningRate: 0.05, Wall: 12.5,
		Tau: 3.5, ESS: 800, RHat: 1.01, Short: true}
	row := r.Row()
	if len(row) != len(vmc.HistoryColumns) {
		t.Fatalf("row of %d values, %d columns", len(row), len(vmc.HistoryColumns))
	}
	back, err := vmc.RecordFromRow(row)
	if err != nil || back != r {
		t.Errorf("RecordFromRow(Row()) = %+v, %v; want %+v", back, err, r)
	}
	if _, err := vmc.RecordFromRow(row[:3]); err == nil {
		t.Error("a short row was accepted")
	}
	// A row of an older checkpoint: no diagnostics, the wall clock eighth.
	legacy := []float64{7, 1.5, 0.01, 0.2, 0.9, 3, 0.05, 12.5}
	old := r
	old.Tau, old.ESS, old.RHat, old.Short = 0, 0, 0, false
	if back, err := vmc.RecordFromRow(legacy); err != nil || back != old {
		t.Errorf("RecordFromRow(legacy row) = %+v, %v; want %+v", back, err, old)
	}
}

// failingOn fails to make walkers on one rank only.
type failingOn struct {
	vmc.System
	rank int
}

func (f failingOn) NewWalker(rank, index int, seed uint64) (vmc.Walker, error) {
	if rank == f.rank {
		return nil, errors.New("cannot place particles")
	}
	return f.System.NewWalker(rank, index, seed)
}

// A rank that cannot create its walkers makes every rank return an error
// from New instead of leaving the others in a collective.
func TestWalkerFailureOnOneRank(t *testing.T) {
	errs := make([]error, 3)
	_ = comm.RunLocal(3, func(c comm.Comm) error {
		_, errs[c.Rank()] = vmc.New(c, failingOn{gaussSystem(t, 2, 2, 1, 0.5, samplers[0]), 1}, vmc.Options{Walkers: 2, Production: 10})
		return nil
	})
	for r, err := range errs {
		if err == nil {
			t.Errorf("rank %d: New succeeded", r)
		} else if r == 1 && !strings.Contains(err.Error(), "cannot place particles") {
			t.Errorf("rank 1: %v, want its own cause", err)
		}
	}
}
