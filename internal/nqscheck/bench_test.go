package nqscheck

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// benchModels are the trial functions of the benchmarks, named for the
// report: RBM with N = 2, H = 4 and N = 10, d = 2, H = 20, the FFNN of
// the two-electron runs, and their products with the Padé–Jastrow factor.
func benchModels() []struct {
	name string
	n, d int
	m    wavefunc.Model
} {
	rng := rand.New(rand.NewPCG(1, 2))
	rbm := func(n, d, h int) *wavefunc.RBM {
		r := wavefunc.NewRBM(n, d, h, 1)
		r.Randomize(0.1, rng)
		return r
	}
	ffnn := func(n, d int, hidden ...int) *wavefunc.FFNN {
		layers := append(append([]int{n * d}, hidden...), 1)
		nn, err := wavefunc.NewFFNN(n, d, layers, "tanh", 1)
		if err != nil {
			panic(err)
		}
		nn.Randomize(1, rng)
		return nn
	}
	type bm = struct {
		name string
		n, d int
		m    wavefunc.Model
	}
	return []bm{
		{"RBM/N=2,d=2,H=4", 2, 2, rbm(2, 2, 4)},
		{"RBM/N=10,d=2,H=20", 10, 2, rbm(10, 2, 20)},
		{"RBMxPade/N=2,d=2,H=4", 2, 2, wavefunc.NewProduct(rbm(2, 2, 4), wavefunc.NewPade(2, 2, 0.5))},
		{"FFNN/N=2,d=2,16-16", 2, 2, ffnn(2, 2, 16, 16)},
		{"FFNN/N=10,d=2,32-32", 10, 2, ffnn(10, 2, 32, 32)},
		{"FFNNxPade/N=2,d=2,16-16", 2, 2, wavefunc.NewProduct(ffnn(2, 2, 16, 16), wavefunc.NewPade(2, 2, 0.5))},
	}
}

// BenchmarkNQSMove measures single-particle moves per second through the
// sampler's walker (proposal, ratio, accept/reject) with both proposals.
func BenchmarkNQSMove(b *testing.B) {
	for _, bm := range benchModels() {
		for _, kind := range []sampler.Kind{sampler.Metropolis, sampler.Importance} {
			b.Run(fmt.Sprintf("%s/%v", bm.name, kind), func(b *testing.B) {
				x := make([]float64, bm.n*bm.d)
				h := hamiltonian.MustTrap(hamiltonian.Trap{N: bm.n, D: bm.d, Omega: 1})
				if err := h.InitialPositions(x, rand.New(rand.NewPCG(3, 4))); err != nil {
					b.Fatal(err)
				}
				w, err := sampler.New(bm.m, x, sampler.Settings{Kind: kind, Step: 0.5}, sampler.NewSource(1, 0, 0))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				i := 0
				for b.Loop() {
					w.Move(i)
					i++
					if i == bm.n {
						i = 0
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "moves/s")
			})
		}
	}
}

// BenchmarkNQSLocalEnergy measures local-energy evaluations per second:
// ∇ln Ψ and ∇²ln Ψ (Derivs) plus the trap and Coulomb potential.
func BenchmarkNQSLocalEnergy(b *testing.B) {
	for _, bm := range benchModels() {
		b.Run(bm.name, func(b *testing.B) {
			x := make([]float64, bm.n*bm.d)
			h := hamiltonian.MustTrap(hamiltonian.Trap{N: bm.n, D: bm.d, Omega: 1, Coulomb: true, Fermions: true})
			if err := h.InitialPositions(x, rand.New(rand.NewPCG(3, 4))); err != nil {
				b.Fatal(err)
			}
			s := bm.m.NewState(x)
			grad := make([]float64, len(x))
			b.ReportAllocs()
			b.ResetTimer()
			e := 0.0
			for b.Loop() {
				e += h.LocalEnergy(s.Positions(), grad, s.Derivs(grad))
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
			sink = e
		})
	}
}

// BenchmarkNQSParamGrad measures the O_k evaluations, the other per-sample
// cost of an optimisation iteration.
func BenchmarkNQSParamGrad(b *testing.B) {
	for _, bm := range benchModels() {
		b.Run(bm.name, func(b *testing.B) {
			x := make([]float64, bm.n*bm.d)
			for k := range x {
				x[k] = 0.1 * float64(k-3)
			}
			s := bm.m.NewState(x)
			o := make([]float64, bm.m.NumParams())
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s.ParamGrad(o)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
			b.ReportMetric(float64(bm.m.NumParams()), "params")
		})
	}
}

var sink float64

// Single-particle moves of the network states allocate nothing (the
// benchmarks report the same; this makes it a test).
func TestNQSMovesAllocateNothing(t *testing.T) {
	for _, bm := range benchModels() {
		for _, kind := range []sampler.Kind{sampler.Metropolis, sampler.Importance} {
			x := make([]float64, bm.n*bm.d)
			for k := range x {
				x[k] = 0.3 * float64(k%5-2)
			}
			w, err := sampler.New(bm.m, x, sampler.Settings{Kind: kind, Step: 0.5}, sampler.NewSource(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			if a := testing.AllocsPerRun(200, func() { w.Sweep() }); a != 0 {
				t.Errorf("%s %v: %v allocations per sweep", bm.name, kind, a)
			}
		}
	}
}

// BenchmarkSRSolve measures one stochastic-reconfiguration solve (S +
// shift) δ = F against the parameter count P of the NQS models: RBM×Padé
// N=2 (25), FFNN 4-8-8-1 ×Padé (122), RBM N=10 H=20 (440), FFNN N=10 32-32
// (1761); Cholesky, and conjugate gradient for the largest. S is the
// covariance of min(2P, 500) random O vectors (rank-deficient for the
// largest P, as a sampled S with fewer samples than parameters is).
func BenchmarkSRSolve(b *testing.B) {
	for _, tc := range []struct {
		p  int
		cg bool
	}{{25, false}, {122, false}, {440, false}, {1761, false}, {1761, true}} {
		name := fmt.Sprintf("P=%d/cholesky", tc.p)
		if tc.cg {
			name = fmt.Sprintf("P=%d/cg", tc.p)
		}
		b.Run(name, func(b *testing.B) {
			p := tc.p
			rng := rand.New(rand.NewPCG(5, uint64(p)))
			n := min(2*p, 500)
			sumO, sumOO := make([]float64, p), make([]float64, p*p)
			o := make([]float64, p)
			for range n {
				for k := range o {
					o[k] = rng.NormFloat64()
				}
				for k, ok := range o {
					sumO[k] += ok
					row := sumOO[k*p : (k+1)*p]
					for l, ol := range o {
						row[l] += ok * ol
					}
				}
			}
			s := make([]float64, p*p)
			optim.Covariance(s, sumOO, sumO, float64(n))
			f := make([]float64, p)
			for k := range f {
				f[k] = rng.NormFloat64()
			}
			sr := &optim.SR{Shift: 1e-3}
			dst := make([]float64, p)
			solve := func() error { return sr.Solve(dst, s, f) }
			if tc.cg {
				// Conjugate gradient on the dense S, through products.
				diag := make([]float64, p)
				for k := range diag {
					diag[k] = s[k*p+k]
				}
				apply := func(dst, v []float64) {
					for k := range dst {
						x := 0.0
						for l, vl := range v {
							x += s[k*p+l] * vl
						}
						dst[k] = x
					}
				}
				solve = func() error { return sr.SolveOp(dst, diag, f, apply) }
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := solve(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "solves/s")
		})
	}
}
