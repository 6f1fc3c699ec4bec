// Command iterbench times the communication of one optimisation iteration
// of the vmc driver: walkers whose sampling costs nothing (one sample of
// fixed numbers per iteration), so that an iteration is its collectives
// plus a few microseconds of arithmetic. Under MPI:
//
//	go build -tags mpi -o /tmp/iterbench ./internal/mpitest/iterbench
//	mpirun -np 2 /tmp/iterbench -p 10 -iters 20000
//
// It prints the mean wall time per iteration in µs, the slowest rank's.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/vmc"
)

type system struct{ p []float64 }

func (s *system) NumParams() int                 { return len(s.p) }
func (s *system) Params(dst []float64) []float64 { return append(dst[:0], s.p...) }
func (s *system) SetParams(p []float64)          { copy(s.p, p) }
func (s *system) Exact() (float64, bool)         { return 0, false }
func (s *system) NewWalker(rank, index int, seed uint64) (vmc.Walker, error) {
	return &walker{i: float64(rank)}, nil
}

// walker alternates between two configurations, so that the energy has a
// variance and O a covariance.
type walker struct{ i float64 }

func (w *walker) Sweep() (int, int) { w.i++; return 1, 1 }
func (w *walker) Measure(o []float64) float64 {
	x := float64(int(w.i) % 2)
	for k := range o {
		o[k] = x * float64(k%3+1)
	}
	return 1 + 0.1*x
}
func (w *walker) Refresh()                       {}
func (w *walker) MarshalBinary() ([]byte, error) { return nil, nil }
func (w *walker) UnmarshalBinary([]byte) error   { return nil }

func main() {
	p := flag.Int("p", 10, "parameters")
	sr := flag.Bool("sr", false, "dense stochastic reconfiguration (P² doubles in the reduction)")
	iters := flag.Int("iters", 10000, "timed iterations")
	flag.Parse()
	if err := run(*p, *sr, *iters); err != nil {
		fmt.Fprintln(os.Stderr, "iterbench:", err)
		os.Exit(1)
	}
}

func run(p int, sr bool, iters int) error {
	c, err := comm.World()
	if err != nil {
		return err
	}
	defer c.Finalize()
	const warm = 100
	opt := vmc.Options{Walkers: 1, Samples: 1, Iterations: warm + iters, Seed: 1, Rule: optim.NewGD(1e-9), Diverge: 1e300}
	if sr {
		opt.SR, opt.SRSolver = &optim.SR{Shift: 1}, vmc.SRDense
	}
	d, err := vmc.New(c, &system{p: make([]float64, p)}, opt)
	if err != nil {
		return err
	}
	ctx := context.Background()
	for range warm {
		if _, err := d.Step(ctx); err != nil {
			return err
		}
	}
	if err := c.Barrier(); err != nil {
		return err
	}
	start := time.Now()
	for range iters {
		if _, err := d.Step(ctx); err != nil {
			return err
		}
	}
	us := []float64{time.Since(start).Seconds() * 1e6 / float64(iters)}
	if err := c.AllReduce(us, comm.Max); err != nil {
		return err
	}
	if c.Rank() == 0 {
		fmt.Printf("ranks %d  P %d  sr %t: %.2f µs per iteration\n", c.Size(), p, sr, us[0])
	}
	return nil
}
