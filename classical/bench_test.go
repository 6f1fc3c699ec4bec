package classical

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSweep reports Metropolis sweeps/s and Wolff clusters turned into
// sweep equivalents (N flipped sites) per second, near T_c where Wolff is used.
func BenchmarkSweep(b *testing.B) {
	for _, L := range []int{8, 32, 128} {
		for _, alg := range []Algorithm{Metropolis, Wolff} {
			b.Run(fmt.Sprintf("%s/L=%d", alg, L), func(b *testing.B) {
				c, err := NewChain(Ising, L, 2.3, rand.New(rand.NewPCG(1, 2)))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				flipped := 0
				for b.Loop() {
					if alg == Metropolis {
						c.MetropolisSweep()
						flipped += c.N
					} else {
						flipped += c.WolffStep()
					}
				}
				b.ReportMetric(float64(flipped)/float64(c.N)/b.Elapsed().Seconds(), "sweeps/s")
			})
		}
	}
}

// BenchmarkTransfer reports the cost of the exact transfer-matrix
// observables per temperature.
func BenchmarkTransfer(b *testing.B) {
	for _, L := range []int{8, 10, 12} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			tm := newTransfer(L)
			b.ReportAllocs()
			for b.Loop() {
				tm.observables(2.3)
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/temperature")
		})
	}
}
