// Command aborttest shows that a failing rank ends a whole MPI job instead
// of leaving the others waiting. Rank 1 fails while every other rank waits in
// an all-reduce that rank 1 will never join:
//
//	mpirun -np 2 aborttest abort   # rank 1 returns an error; main calls Abort(3)
//	mpirun -np 2 aborttest panic   # rank 1 panics
//	mpirun -np 2 aborttest busy    # rank 1 aborts while another of its
//	                               # goroutines is blocked in an all-reduce
//
// Each way mpirun must exit non-zero within seconds. If the all-reduce
// ever returns, the program prints UNEXPECTED. A third mode prints the world
// the program sees, to show that a binary built with MPI but started
// without mpirun runs as one serial rank:
//
//	aborttest world                # prints "rank 0 of 1 (*comm.Serial)"
//
// Built with -tags mpi; run by internal/mpitest/run.sh.
package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
)

func main() {
	mode := "abort"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	c, err := comm.World()
	if err != nil {
		fmt.Fprintln(os.Stderr, "aborttest:", err)
		os.Exit(2)
	}
	if err := run(c, mode); err != nil {
		// The pattern of a real program: report, then take the whole job down.
		fmt.Fprintf(os.Stderr, "aborttest: rank %d: %v\n", c.Rank(), err)
		c.Abort(3)
	}
	c.Finalize()
}

func run(c comm.Comm, mode string) error {
	if mode == "world" {
		fmt.Printf("rank %d of %d (%T)\n", c.Rank(), c.Size(), c)
		return nil
	}
	if c.Size() < 2 {
		return errors.New("needs at least 2 ranks (build with -tags mpi, start with mpirun -np 2)")
	}
	if mode == "busy" {
		if c.Rank() == 1 {
			go c.AllReduce(make([]float64, 8), comm.Sum) // never completes: rank 0 does not join
			time.Sleep(300 * time.Millisecond)
			return errors.New("deliberate failure on rank 1 while a collective is pending")
		}
		time.Sleep(time.Hour) // outside MPI: Abort must still end this rank
	}
	if c.Rank() == 1 {
		time.Sleep(300 * time.Millisecond) // let the others block in the all-reduce
		if mode == "panic" {
			panic("deliberate panic on rank 1")
		}
		return errors.New("deliberate failure on rank 1")
	}
	buf := make([]float64, 8)
	err := c.AllReduce(buf, comm.Sum)
	fmt.Printf("UNEXPECTED: rank %d: AllReduce returned (err %v) although rank 1 never joined\n", c.Rank(), err)
	os.Exit(0)
	return nil
}
