package comm_test

import (
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
)

// allReduceLoop runs iters in-place sums of n doubles on c and returns the
// time they took. Buffers are allocated and warmed up by one call first;
// then rank 0 calls reset (b.ResetTimer) while the others wait in a barrier,
// so that no two goroutines touch the *testing.B at once.
func allReduceLoop(c comm.Comm, n, iters int, reset func()) (time.Duration, error) {
	buf := make([]float64, n)
	for i := range buf {
		buf[i] = float64(c.Rank())
	}
	if err := c.AllReduce(buf, comm.Sum); err != nil {
		return 0, err
	}
	if err := c.Barrier(); err != nil {
		return 0, err
	}
	if c.Rank() == 0 {
		reset()
	}
	if err := c.Barrier(); err != nil {
		return 0, err
	}
	start := time.Now()
	for range iters {
		if err := c.AllReduce(buf, comm.Sum); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// reportAllReduce turns a rank's time for iters all-reduces of n doubles
// into latency (µs/op) and, for large buffers, throughput (GB/s of buffer
// reduced per second, 8n bytes per operation).
func reportAllReduce(b *testing.B, n, iters int, d time.Duration) {
	per := d.Seconds() / float64(iters)
	b.ReportMetric(per*1e6, "µs/op")
	if n >= 1024 {
		b.ReportMetric(8*float64(n)/per/1e9, "GB/s")
	}
}

func benchLocal(b *testing.B, ranks, n int) {
	b.ReportAllocs()
	var d time.Duration
	err := comm.RunLocal(ranks, func(c comm.Comm) error {
		t, err := allReduceLoop(c, n, b.N, b.ResetTimer)
		if c.Rank() == 0 {
			d = t
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	reportAllReduce(b, n, b.N, d)
}

// In-process ranks: the cost of the Local backend's two barrier phases and
// its ordered sum, at 2 ranks as in the MPI figures.
func BenchmarkLocalAllReduce8(b *testing.B)   { benchLocal(b, 2, 8) }
func BenchmarkLocalAllReduce1e6(b *testing.B) { benchLocal(b, 2, 1_000_000) }
