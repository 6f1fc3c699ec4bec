package vmc_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/internal/mpitest"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// TestCollectivesPerIteration counts, on 2 in-process ranks, the MPI
// collectives the driver would make (internal/mpitest.Counting, agreement
// steps included): exactly one per optimisation iteration on the gradient
// and dense SR paths, one plus one per CG product on the matrix-free path,
// and one per production round of whole chunks (the first of one chunk,
// each at most twice the one before) plus one at the end.
func TestCollectivesPerIteration(t *testing.T) {
	const iters, production, chunk = 4, 2500, 1000
	for _, solver := range []string{"gradient", "dense", "cg"} {
		t.Run(solver, func(t *testing.T) {
			err := comm.RunLocal(2, func(c comm.Comm) error {
				cc := &mpitest.Counting{Comm: c}
				sr := &optim.SR{Shift: 1e-3, CGTol: 1e-12}
				var rounds []int // samples per walker done after each round
				opt := vmc.Options{Walkers: 2, Samples: 100, BurnIn: 10, Iterations: iters, Production: production, Chunk: chunk,
					Seed: 5, Rule: optim.NewGD(0.05), SR: sr, SRSolver: vmc.SRDense,
					OnChunk: func(done, _ int) { rounds = append(rounds, done) }}
				switch solver {
				case "gradient":
					opt.SR = nil
				case "cg":
					opt.SRSolver = vmc.SRCG
				}
				d, err := vmc.New(cc, rbmSystem(t, 2), opt)
				if err != nil {
					return err
				}
				var errs []error
				for i := range iters {
					before := cc.Collectives()
					if _, err := d.Step(context.Background()); err != nil {
						return err
					}
					want := 1
					if solver == "cg" {
						want += sr.Iterations()
						if sr.Iterations() < 2 {
							errs = append(errs, fmt.Errorf("iteration %d: %d CG products, the test needs several", i, sr.Iterations()))
						}
					}
					if got := cc.Collectives() - before; got != want {
						errs = append(errs, fmt.Errorf("rank %d iteration %d: %d collectives, want %d", c.Rank(), i, got, want))
					}
				}
				before := cc.Collectives()
				res, err := d.Produce(context.Background())
				if err != nil {
					return err
				}
				if got, want := cc.Collectives()-before, len(rounds)+1; got != want {
					errs = append(errs, fmt.Errorf("rank %d production: %d collectives after rounds %v, want %d", c.Rank(), got, rounds, want))
				}
				// 2500 in chunks of 1000: a round of one chunk, then the
				// other two in one round (or two, on a slow machine).
				if r := fmt.Sprint(rounds); r != "[1000 2500]" && r != "[1000 2000 2500]" {
					errs = append(errs, fmt.Errorf("rank %d production: rounds ending at %v, want [1000 2500] or [1000 2000 2500]", c.Rank(), rounds))
				}
				if res.Samples != 2*2*production {
					errs = append(errs, fmt.Errorf("%d production samples, want %d", res.Samples, 2*2*production))
				}
				return errors.Join(errs...)
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestParameterDrift: ranks whose parameters differ find out from the
// hash in the iteration's reduction and take rank 0's by one broadcast
// (two collectives more, in that iteration only); ranks that agree never
// broadcast.
func TestParameterDrift(t *testing.T) {
	params := make([][]float64, 2)
	err := comm.RunLocal(2, func(c comm.Comm) error {
		cc := &mpitest.Counting{Comm: c}
		sys := rbmSystem(t, 2)
		p := sys.Params(nil)
		if c.Rank() == 1 {
			p[0] += 1e-12 // drifted
			sys.SetParams(p)
		}
		d, err := vmc.New(cc, sys, vmc.Options{Walkers: 1, Samples: 50, Iterations: 3, Seed: 1, Rule: optim.NewGD(0.01)})
		if err != nil {
			return err
		}
		var errs []error
		for i, want := range []int{3, 1, 1} {
			before := cc.Collectives()
			if _, err := d.Step(context.Background()); err != nil {
				return err
			}
			if got := cc.Collectives() - before; got != want {
				errs = append(errs, fmt.Errorf("rank %d iteration %d: %d collectives, want %d", c.Rank(), i, got, want))
			}
		}
		params[c.Rank()] = d.Params()
		return errors.Join(errs...)
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range params[0] {
		if math.Float64bits(params[0][k]) != math.Float64bits(params[1][k]) {
			t.Fatalf("parameter %d: %v on rank 0, %v on rank 1 after the broadcast", k, params[0][k], params[1][k])
		}
	}
}
