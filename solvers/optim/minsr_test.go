package optim_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/vmcmpi/vmcmpi/solvers/optim"
)

// minSR's direction Ōᵀ(ŌŌᵀ + λ)⁻¹ε̄ equals dense SR's (ŌᵀŌ + λ)⁻¹Ōᵀε̄
// both with more samples than parameters and with fewer. Both solves are
// backward stable on matrices of condition ≲ ‖Ō‖²/λ ≈ 10³ here, so they
// agree to ~1e-13 relative; 1e-10 is the margin.
func TestSolveSamplesEqualsDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, c := range []struct{ M, P int }{{40, 12}, {12, 40}, {25, 25}} {
		M, P := c.M, c.P
		o := make([]float64, M*P)
		e := make([]float64, M)
		for i := range M {
			e[i] = rng.NormFloat64()
			for k := range P {
				o[i*P+k] = rng.NormFloat64() + 0.3*e[i]
			}
		}
		// Centre and scale by 1/√M.
		for k := range P {
			m := 0.0
			for i := range M {
				m += o[i*P+k] / float64(M)
			}
			for i := range M {
				o[i*P+k] = (o[i*P+k] - m) / math.Sqrt(float64(M))
			}
		}
		me := 0.0
		for _, v := range e {
			me += v / float64(M)
		}
		for i := range e {
			e[i] = (e[i] - me) / math.Sqrt(float64(M))
		}
		S, F := make([]float64, P*P), make([]float64, P)
		for i := range M {
			for k := range P {
				F[k] += o[i*P+k] * e[i]
				for l := range P {
					S[k*P+l] += o[i*P+k] * o[i*P+l]
				}
			}
		}
		sr := optim.SR{Shift: 1e-2}
		dense := make([]float64, P)
		if err := sr.Solve(dense, S, F); err != nil {
			t.Fatal(err)
		}
		T := make([]float64, M*M)
		optim.SampleGram(T, o, P)
		min := make([]float64, P)
		if err := sr.SolveSamples(min, T, o, append([]float64(nil), e...)); err != nil {
			t.Fatal(err)
		}
		var num, den float64
		for k := range P {
			num += (min[k] - dense[k]) * (min[k] - dense[k])
			den += dense[k] * dense[k]
		}
		if r := math.Sqrt(num / den); !(r < 1e-10) {
			t.Errorf("M = %d, P = %d: minSR differs from dense SR by %.3g (relative)", M, P, r)
		}
	}
}

// minSR refuses what has no sample-space form or cannot be factorised.
func TestSolveSamplesErrors(t *testing.T) {
	o := []float64{1, -1} // M = 2 rows of P = 1, centred
	for _, c := range []struct {
		sr   optim.SR
		want string
	}{
		{optim.SR{Shift: 0}, "absolute shift > 0"},
		{optim.SR{Shift: 0.1, Relative: true}, "relative"},
		{optim.SR{Shift: -1}, "≥ 0"},
	} {
		err := c.sr.SolveSamples(make([]float64, 1), []float64{1, -1, -1, 1}, o, []float64{0.5, -0.5})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.sr, err, c.want)
		}
	}
	sr := optim.SR{Shift: 1e-3}
	err := sr.SolveSamples(make([]float64, 1), []float64{-5, 0, 0, 1}, o, []float64{0.5, -0.5})
	if !errors.Is(err, optim.ErrNotPositiveDefinite) {
		t.Errorf("indefinite T: error %v, want ErrNotPositiveDefinite", err)
	}
	err = sr.SolveSamples(make([]float64, 1), []float64{1, -1, -1, 1}, o, []float64{math.NaN(), 0})
	if err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN energy: error %v", err)
	}
}

// The sample-space solve (Gram matrix, Cholesky, Ōᵀx) against the dense
// one (forming S = ŌᵀŌ, Cholesky) on random rows: the solver's share of
// an SR iteration at 10×10 sizes.
func BenchmarkSolveSamples(b *testing.B) {
	for _, c := range []struct{ M, P int }{{1000, 405}, {400, 10200}, {2000, 10200}} {
		rng := rand.New(rand.NewPCG(1, 2))
		o, e := make([]float64, c.M*c.P), make([]float64, c.M)
		for k := range o {
			o[k] = rng.NormFloat64() / math.Sqrt(float64(c.M))
		}
		for i := range e {
			e[i] = rng.NormFloat64()
		}
		T, x, dst := make([]float64, c.M*c.M), make([]float64, c.M), make([]float64, c.P)
		sr := optim.SR{Shift: 1e-2}
		b.Run(fmt.Sprintf("minsr/M=%d/P=%d", c.M, c.P), func(b *testing.B) {
			for b.Loop() {
				optim.SampleGram(T, o, c.P)
				copy(x, e)
				if err := sr.SolveSamples(dst, T, o, x); err != nil {
					b.Fatal(err)
				}
			}
		})
		if c.P > 1000 {
			continue
		}
		S, F := make([]float64, c.P*c.P), make([]float64, c.P)
		b.Run(fmt.Sprintf("dense/M=%d/P=%d", c.M, c.P), func(b *testing.B) {
			for b.Loop() {
				Og := blas64.General{Rows: c.M, Cols: c.P, Stride: c.P, Data: o}
				blas64.Gemm(blas.Trans, blas.NoTrans, 1, Og, Og, 0, blas64.General{Rows: c.P, Cols: c.P, Stride: c.P, Data: S})
				if err := sr.Solve(dst, S, F); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
