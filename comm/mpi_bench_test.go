//go:build mpi

package comm_test

import (
	"flag"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/internal/mpitest"
)

// benchMPI times all-reduces of n doubles over the MPI world, including the
// backend's argument check (one extra all-reduce of 7 doubles per call).
// Every rank must run the same number of iterations, which the testing
// package's automatic choice of b.N does not promise, so with more than one
// rank it needs a fixed count (-benchtime=Nx, as `make bench-mpi` sets); the
// iteration count is still agreed on by a MAX all-reduce for safety.
func benchMPI(b *testing.B, n int, checked bool) {
	w := mpitest.World()
	if bt := flag.Lookup("test.benchtime"); w.Size() > 1 && (bt == nil || !strings.HasSuffix(bt.Value.String(), "x")) {
		b.Skip("under mpirun, run with -benchtime=Nx so that all ranks make the same calls")
	}
	b.ReportAllocs()
	iters := []float64{float64(b.N)}
	if err := w.AllReduce(iters, comm.Max); err != nil {
		b.Fatal(err)
	}
	var c comm.Comm = w
	if !checked {
		c = unchecked{w}
	}
	d, err := allReduceLoop(c, n, int(iters[0]), b.ResetTimer)
	if err != nil {
		b.Fatal(err)
	}
	reportAllReduce(b, n, int(iters[0]), d)
}

func BenchmarkMPIAllReduce8(b *testing.B)   { benchMPI(b, 8, true) }
func BenchmarkMPIAllReduce1e6(b *testing.B) { benchMPI(b, 1_000_000, true) }

// The same without the argument check, to show what the check costs.
func BenchmarkMPIAllReduce8Unchecked(b *testing.B)   { benchMPI(b, 8, false) }
func BenchmarkMPIAllReduce1e6Unchecked(b *testing.B) { benchMPI(b, 1_000_000, false) }
