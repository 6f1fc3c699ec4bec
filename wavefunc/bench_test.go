package wavefunc_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// benchMoves runs b.N single-particle Propose + Accept/Reject cycles with
// uniform steps (a Metropolis walk without the acceptance test, which
// belongs to the sampler) and reports moves/s.
func benchMoves(b *testing.B, m wavefunc.Model, rmin, step float64) {
	n, d := m.Particles(), m.Dims()
	rng := rand.New(rand.NewPCG(11, 12))
	// Spread so that N spheres fit comfortably: width grows as N^{1/3}.
	x := randomConfig(rng, n, d, math.Cbrt(float64(n)), rmin)
	s := m.NewState(x)
	pos := make([]float64, d)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		cur := s.Positions()[i*d : i*d+d]
		for k := range d {
			pos[k] = cur[k] + step*(rng.Float64()-0.5)
		}
		if math.IsInf(s.Propose(i, pos), -1) {
			s.Reject()
		} else {
			s.Accept()
		}
		if i++; i == n {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "moves/s")
}

func BenchmarkGaussian3D(b *testing.B) {
	for _, n := range []int{10, 100, 500} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchMoves(b, wavefunc.NewGaussian(n, 3, 0.5, 1), 0, 0.5)
		})
	}
}

// The hard-sphere radius of the ⁸⁷Rb condensate benchmark in trap units.
const benchRadius = 0.0043

func BenchmarkGaussianHardSphere3D(b *testing.B) {
	for _, n := range []int{10, 100, 500} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			m := wavefunc.NewProduct(wavefunc.NewGaussian(n, 3, 0.5, 2.82843), wavefunc.NewHardSphereJastrow(n, 3, benchRadius))
			benchMoves(b, m, 2*benchRadius, 0.5)
		})
	}
}

// benchMetropolis runs b.N Metropolis moves (Propose, then Accept with
// probability |Ψ'/Ψ|²) so that the walk stays where |Ψ|² lives, and
// reports moves/s and the acceptance rate.
func benchMetropolis(b *testing.B, m wavefunc.Model, step float64) {
	n, d := m.Particles(), m.Dims()
	rng := rand.New(rand.NewPCG(21, 22))
	s := m.NewState(randomConfig(rng, n, d, 1, 0))
	pos := make([]float64, d)
	acc := 0
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		cur := s.Positions()[i*d : i*d+d]
		for k := range d {
			pos[k] = cur[k] + step*(rng.Float64()-0.5)
		}
		if 2*s.Propose(i, pos) > math.Log(rng.Float64()) {
			s.Accept()
			acc++
		} else {
			s.Reject()
		}
		if i++; i == n {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "moves/s")
	b.ReportMetric(float64(acc)/float64(b.N), "acceptance")
}

func BenchmarkSlater(b *testing.B) {
	for _, c := range []struct{ n, d int }{{2, 2}, {6, 2}, {12, 2}, {20, 2}, {30, 2}, {42, 2}, {8, 3}, {20, 3}} {
		b.Run(fmt.Sprintf("d=%d/N=%d", c.d, c.n), func(b *testing.B) {
			m, err := wavefunc.NewSlater(c.n, c.d, 1)
			if err != nil {
				b.Fatal(err)
			}
			benchMetropolis(b, m, 1.5)
		})
	}
}

// Per-move costs at 10×10 with α = 4 of the translation RBM projected onto
// C4v (8 images of 400 hidden units), and with the spin flip too (16): the
// same hidden-unit work per ratio as the space-group RBM of
// BenchmarkSpinRBM10x10 (3200 units), plus |images| exponentials. A move
// is LogRatio then Flip of the same pair, as the sampler does.
func BenchmarkProjectedSpin10x10(b *testing.B) {
	g := spaceGroup(b, hamiltonian.Square, 10)
	for _, flip := range []bool{false, true} {
		rng := rand.New(rand.NewPCG(1, 2))
		in := wavefunc.NewSymmetricSpinRBM(100, 4, g[:100])
		in.Randomize(0.01, rng)
		m, err := wavefunc.NewProjectedSpin(in, pointGroup(g), flip)
		if err != nil {
			b.Fatal(err)
		}
		s := make([]int8, 100)
		for i := range s {
			s[i] = int8(1 - 2*(i%2))
		}
		st := m.NewState(s)
		o := make([]float64, m.NumParams())
		name := "point-group"
		if flip {
			name += "+flip"
		}
		b.Run(name+"/ratio2", func(b *testing.B) {
			b.ReportAllocs()
			x := 0.0
			for k := 0; b.Loop(); k++ {
				x += st.Ratio(k%100, (k+1)%100)
			}
			_ = x
		})
		b.Run(name+"/move2", func(b *testing.B) {
			b.ReportAllocs()
			x := 0.0
			for k := 0; b.Loop(); k++ {
				x += st.LogRatio(k%100, (k+1)%100)
				st.Flip(k%100, (k+1)%100)
			}
			_ = x
		})
		b.Run(name+"/paramgrad", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st.ParamGrad(o)
			}
		})
	}
}
