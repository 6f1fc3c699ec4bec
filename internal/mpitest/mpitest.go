// Package mpitest runs a package's tests on every rank of an MPI job:
//
//	func TestMain(m *testing.M) { mpitest.Main(m) }
//
// in a test file behind the build tag "mpi", started with
// `go test -tags mpi -exec "mpirun -np N"`. Started without mpirun the
// binary is an MPI singleton of one rank. Only rank 0 prints the usual test
// output; another rank's output is shown only when its tests fail, and a
// failure on any rank makes every rank, hence mpirun, exit non-zero.
package mpitest

import (
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

var world comm.Comm

// World is the communicator Main opened.
func World() comm.Comm { return world }

// Main opens the MPI world, runs the tests, agrees on the outcome across
// ranks, finalises MPI and exits.
func Main(m *testing.M) {
	c, err := comm.New(comm.BackendMPI)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mpitest:", err)
		os.Exit(2)
	}
	world = c
	stdout := os.Stdout
	var capture *os.File
	if c.Rank() != 0 {
		// The testing package writes to os.Stdout as it is when Run starts.
		if capture, err = os.CreateTemp("", "mpitest-*.out"); err == nil {
			os.Stdout = capture
		}
	}
	code := m.Run()
	os.Stdout = stdout

	worst := []float64{float64(code)}
	if err := c.AllReduce(worst, comm.Max); err != nil {
		fmt.Fprintln(os.Stderr, "mpitest:", err)
		worst[0] = 1
	}
	if capture != nil {
		if code != 0 {
			fmt.Fprintf(os.Stderr, "--- output of rank %d (its tests failed):\n", c.Rank())
			capture.Seek(0, io.SeekStart)
			io.Copy(os.Stderr, capture)
		}
		capture.Close()
		os.Remove(capture.Name())
	}
	if c.Rank() == 0 && code == 0 && worst[0] != 0 {
		fmt.Fprintln(os.Stderr, "mpitest: tests failed on another rank")
	}
	if err := c.Finalize(); err != nil {
		fmt.Fprintln(os.Stderr, "mpitest:", err)
		worst[0] = max(worst[0], 1)
	}
	// What only can be checked here: Finalize is idempotent, and a
	// collective after it is an error rather than a crash inside MPI.
	if err := c.Finalize(); err != nil {
		fmt.Fprintln(os.Stderr, "mpitest: second Finalize:", err)
		worst[0] = max(worst[0], 1)
	}
	if err := c.AllReduce([]float64{1}, comm.Sum); err == nil {
		fmt.Fprintln(os.Stderr, "mpitest: AllReduce after Finalize returned no error")
		worst[0] = max(worst[0], 1)
	}
	os.Exit(int(worst[0]))
}
