package regress

import (
	"fmt"
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
)

// benchBlock is a block of synthetic rows that the benchmarks cycle
// through (distinct row indices, so folds and lanes still vary): it keeps
// 10⁷-row runs free of a 0.5 GB design matrix and measures the
// accumulation, not the data generation.
const benchBlock = 4096

func benchRows(p int) (x, y []float64) {
	theta := make([]float64, p)
	for j := range theta {
		theta[j] = float64(j%3) - 1
	}
	return synth(benchBlock, p, theta, 0.5, 99)
}

// accumulate builds the folded statistics of rows on ranks of c.
func accumulate(c comm.Comm, x, y []float64, rows int, l Layout) (*Folded, error) {
	buf := reduce.New()
	acc := NewAccumulator(buf, "bench", l)
	p := l.P
	for i := range rows {
		if l.Owner(i, c.Size()) != c.Rank() {
			continue
		}
		k := i % benchBlock
		acc.Add(i, x[k*p:(k+1)*p], y[k])
	}
	if err := buf.AllReduce(c); err != nil {
		return nil, err
	}
	return acc.Result(), nil
}

func onRanks(b *testing.B, ranks int, fn func(c comm.Comm) error) {
	if ranks == 1 {
		if err := fn(comm.NewSerial()); err != nil {
			b.Fatal(err)
		}
		return
	}
	if err := comm.RunLocal(ranks, fn); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStats: rows/s for building the per-fold statistics (8
// features, 5 folds) and their all-reduce.
func BenchmarkStats(b *testing.B) {
	const p = 8
	x, y := benchRows(p)
	l := Layout{P: p, Folds: 5, Seed: 1}
	for _, rows := range []int{1e4, 1e5, 1e6, 1e7} {
		for _, ranks := range []int{1, 2} {
			b.Run(fmt.Sprintf("rows=%.0e/ranks=%d", float64(rows), ranks), func(b *testing.B) {
				for b.Loop() {
					onRanks(b, ranks, func(c comm.Comm) error {
						_, err := accumulate(c, x, y, rows, l)
						return err
					})
				}
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkCVPath: a full 5-fold cross-validated Lasso path (30 λ, warm
// starts) on every rank, after building the statistics; the path reads
// only the statistics, so its cost does not grow with the rows.
func BenchmarkCVPath(b *testing.B) {
	const p = 8
	x, y := benchRows(p)
	l := Layout{P: p, Folds: 5, Seed: 1}
	for _, rows := range []int{1e4, 1e5, 1e6, 1e7} {
		for _, ranks := range []int{1, 2} {
			b.Run(fmt.Sprintf("rows=%.0e/ranks=%d", float64(rows), ranks), func(b *testing.B) {
				var pathTime time.Duration
				for b.Loop() {
					onRanks(b, ranks, func(c comm.Comm) error {
						f, err := accumulate(c, x, y, rows, l)
						if err != nil {
							return err
						}
						start := time.Now()
						w := ScaledPenalty(f.Total, 0)
						lmax, err := LambdaMax(f.Total, w)
						if err != nil {
							return err
						}
						_, err = CrossValidate(f, LambdaGrid(lmax, 1e-4, 30), LassoFitter(w, LassoOptions{}), CVOptions{})
						if c.Rank() == 0 {
							pathTime += time.Since(start)
						}
						return err
					})
				}
				b.ReportMetric(pathTime.Seconds()/float64(b.N)*1e3, "path-ms")
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkAdd: one row into the statistics; must not allocate.
func BenchmarkAdd(b *testing.B) {
	const p = 8
	x, y := benchRows(p)
	acc := NewAccumulator(reduce.New(), "add", Layout{P: p, Folds: 5, Seed: 1})
	i := 0
	for b.Loop() {
		k := i % benchBlock
		acc.Add(i, x[k*p:(k+1)*p], y[k])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
