package wavefunc_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// benchBackflow is a backflow determinant × Padé with η switched on.
func benchBackflow(b *testing.B, n int) wavefunc.Model {
	bf, err := wavefunc.NewBackflow(n, 2, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	p := bf.Params(nil)
	p[bf.Shells()], p[bf.Shells()+2] = 0.05, 0.1
	bf.SetParams(p)
	return wavefunc.NewProduct(bf, wavefunc.NewPade(n, 2, 0.5))
}

// BenchmarkBackflow reports moves/s (each a full rebuild of both
// determinants), measurements/s (∇ln Ψ, ∇²ln Ψ and O_k, what one local
// energy and one SR sample need), local-energies/s (∇ln Ψ and ∇²ln Ψ alone,
// what production needs) and the linear method's measurements/s.
func BenchmarkBackflow(b *testing.B) {
	for _, n := range []int{6, 12, 20} {
		b.Run(fmt.Sprintf("moves/N=%d", n), func(b *testing.B) {
			benchMoves(b, benchBackflow(b, n), 0, 0.5)
		})
		b.Run(fmt.Sprintf("measure/N=%d", n), func(b *testing.B) {
			m := benchBackflow(b, n)
			rng := rand.New(rand.NewPCG(71, 72))
			s := m.NewState(randomConfig(rng, n, 2, 1.5, 0))
			grad := make([]float64, 2*n)
			o := make([]float64, m.NumParams())
			b.ReportAllocs()
			for b.Loop() {
				s.Derivs(grad)
				s.ParamGrad(o)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "measurements/s")
		})
		b.Run(fmt.Sprintf("energy/N=%d", n), func(b *testing.B) {
			m := benchBackflow(b, n)
			rng := rand.New(rand.NewPCG(71, 72))
			s := m.NewState(randomConfig(rng, n, 2, 1.5, 0))
			grad := make([]float64, 2*n)
			b.ReportAllocs()
			for b.Loop() {
				s.Derivs(grad)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "local-energies/s")
		})
		// The linear method's sample: besides O_k the kinetic parameter
		// derivatives, 2P more Derivs by central differences (P = S + 5).
		b.Run(fmt.Sprintf("linear/N=%d", n), func(b *testing.B) {
			m := benchBackflow(b, n)
			rng := rand.New(rand.NewPCG(71, 72))
			s := m.NewState(randomConfig(rng, n, 2, 1.5, 0))
			grad := make([]float64, 2*n)
			o := make([]float64, m.NumParams())
			k := make([]float64, m.NumParams())
			kd := s.(wavefunc.KineticParamDeriver)
			b.ReportAllocs()
			for b.Loop() {
				s.Derivs(grad)
				s.ParamGrad(o)
				kd.KineticParamDerivs(grad, k)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "measurements/s")
		})
	}
}
