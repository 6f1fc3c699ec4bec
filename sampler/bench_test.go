package sampler_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// BenchmarkMove measures single-particle moves of the Gaussian trial in 3D,
// with and without the hard-sphere Jastrow factor (a = 0.0043), for both
// proposals. A move must cost O(1) in N without and O(N) with the Jastrow
// factor, and allocate nothing.
//
//	go test -run '^$' -bench Move -benchmem ./sampler/
func BenchmarkMove(b *testing.B) {
	for _, kind := range []sampler.Kind{sampler.Metropolis, sampler.Importance} {
		for _, hs := range []bool{false, true} {
			for _, n := range []int{10, 100, 500} {
				name := fmt.Sprintf("%v/gaussian/N=%d", kind, n)
				if hs {
					name = fmt.Sprintf("%v/hard-sphere/N=%d", kind, n)
				}
				b.Run(name, func(b *testing.B) { benchMove(b, kind, n, hs) })
			}
		}
	}
}

func benchMove(b *testing.B, kind sampler.Kind, n int, hardSphere bool) {
	const d, a = 3, 0.0043
	var m wavefunc.Model = wavefunc.NewGaussian(n, d, 0.5, 1)
	if hardSphere {
		m = wavefunc.NewProduct(m, wavefunc.NewHardSphereJastrow(n, d, a))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*d)
	for i := range x {
		x[i] = rng.NormFloat64() // overlap probability ~ N²a³ ≈ 2e-2 at N = 500; New refuses it
	}
	step := 1.0
	if kind == sampler.Importance {
		step = 0.3
	}
	w, err := sampler.New(m, x, sampler.Settings{Kind: kind, Step: step}, sampler.NewSource(1, 0, 0))
	if err != nil {
		b.Fatal(err)
	}
	for range 10 {
		w.Sweep()
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		w.Move(i)
		if i++; i == n {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "moves/s")
}
