package wavefunc_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// benchDeepSet is the network of configs/dot6-slater-pade-net.toml (K = 4,
// H = 8, tanh) after Randomize, with its read-out switched on.
func benchDeepSet(b *testing.B, n int) *wavefunc.DeepSet {
	return mustDeepSet(b, n, 2, 4, 8, "tanh", 1, 0.3, 9)
}

// Metropolis moves of the network alone and of Slater × Padé × network
// (2D dots): Propose, then Accept or Reject.
func BenchmarkDeepSet(b *testing.B) {
	for _, n := range []int{6, 12, 20} {
		b.Run(fmt.Sprintf("net/N=%d", n), func(b *testing.B) {
			benchMetropolis(b, benchDeepSet(b, n), 1.5)
		})
		b.Run(fmt.Sprintf("slater×pade×net/N=%d", n), func(b *testing.B) {
			m := wavefunc.NewProduct(mustSlater(b, n, 2, 1), wavefunc.NewPade(n, 2, 0.5), benchDeepSet(b, n))
			benchMetropolis(b, m, 1.5)
		})
		b.Run(fmt.Sprintf("slater×pade/N=%d", n), func(b *testing.B) {
			m := wavefunc.NewProduct(mustSlater(b, n, 2, 1), wavefunc.NewPade(n, 2, 0.5))
			benchMetropolis(b, m, 1.5)
		})
	}
}

// Importance-sampling moves of Slater × Padé × network: the proposal
// also needs the drift at the new position, and the current position's
// drift after an acceptance.
func BenchmarkDeepSetImportance(b *testing.B) {
	for _, n := range []int{6, 12, 20} {
		b.Run(fmt.Sprintf("slater×pade×net/N=%d", n), func(b *testing.B) {
			m := wavefunc.NewProduct(mustSlater(b, n, 2, 1), wavefunc.NewPade(n, 2, 0.5), benchDeepSet(b, n))
			rng := rand.New(rand.NewPCG(23, 24))
			s := m.NewState(randomConfig(rng, n, 2, 1, 0))
			pos, g := make([]float64, 2), make([]float64, 2)
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				cur := s.Positions()[2*i : 2*i+2]
				for k := range pos {
					pos[k] = cur[k] + 0.8*(rng.Float64()-0.5)
				}
				r := s.Propose(i, pos)
				s.ProposedGradI(g)
				if 2*r > math.Log(rng.Float64()) {
					s.Accept()
					s.GradI(i, g)
				} else {
					s.Reject()
				}
				if i++; i == n {
					i = 0
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "moves/s")
		})
	}
}

// One measurement: the local energy's derivatives and the O_k.
func BenchmarkDeepSetMeasure(b *testing.B) {
	for _, n := range []int{6, 12, 20} {
		b.Run(fmt.Sprintf("net/N=%d", n), func(b *testing.B) {
			m := benchDeepSet(b, n)
			s := m.NewState(randomConfig(rand.New(rand.NewPCG(25, 26)), n, 2, 1, 0))
			grad, o := make([]float64, 2*n), make([]float64, m.NumParams())
			b.ReportAllocs()
			for b.Loop() {
				s.Derivs(grad)
				s.ParamGrad(o)
			}
		})
	}
}
