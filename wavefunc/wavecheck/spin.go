package wavecheck

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

var (
	_ SpinModel = (*wavefunc.SpinRBM)(nil)
	_ SpinState = wavefunc.SpinState(nil)
)

// SpinModel is a wave function of N spins s_i = ±1 with variational
// parameters, such as *wavefunc.SpinRBM.
type SpinModel interface {
	// NumParams is the number of variational parameters.
	NumParams() int
	// Params copies the parameters into dst (allocated when nil).
	Params(dst []float64) []float64
	// SetParams replaces the parameters.
	SetParams(p []float64)
	// LogPsi evaluates ln Ψ(s) from scratch.
	LogPsi(s []int8) float64
}

// SpinState is a walker state of a SpinModel, such as
// *wavefunc.SpinState: the configuration with the cached quantities that
// make ratios of one or two flipped spins cheap.
type SpinState interface {
	// Spins is the current configuration.
	Spins() []int8
	// LogPsi is ln Ψ at the current configuration, from the caches.
	LogPsi() float64
	// LogRatio is ln(Ψ(s')/Ψ(s)) for s' = s with spin i (and spin j,
	// when j ≥ 0) flipped.
	LogRatio(i, j int) float64
	// Ratio is Ψ(s')/Ψ(s) for the same s'.
	Ratio(i, j int) float64
	// Flip makes s' the current configuration.
	Flip(i, j int)
	// ParamGrad writes O_k = ∂ln Ψ/∂θ_k at the current configuration.
	ParamGrad(dst []float64)
}

// SpinParamGrad compares O_k from st.ParamGrad with central differences
// of m.LogPsi at st's configuration (step h, relative tolerance tol). It
// changes m's parameters while it runs and restores them; st's caches are
// read before the first change.
func SpinParamGrad(m SpinModel, st SpinState, h, tol float64) error {
	s := append([]int8(nil), st.Spins()...)
	o := make([]float64, m.NumParams())
	st.ParamGrad(o)
	p := m.Params(nil)
	defer m.SetParams(p)
	q := append([]float64(nil), p...)
	for k := range o {
		q[k] = p[k] + h
		m.SetParams(q)
		lp := m.LogPsi(s)
		q[k] = p[k] - h
		m.SetParams(q)
		lm := m.LogPsi(s)
		q[k] = p[k]
		fd := (lp - lm) / (2 * h)
		if e := relErr(o[k], fd, 1); !(e <= tol) {
			return &Mismatch{Quantity: "ParamGrad", Index: k, Move: -1, Got: o[k], Want: fd,
				Reference: "finite difference", Err: e, Tol: tol}
		}
	}
	return nil
}

// SpinMoves runs moves steps on st, a state of m: on step t a uniformly
// drawn spin i flips alone (even t) or with a second spin j ≠ i (odd t),
// and the flip is made with probability ½. Each step compares LogRatio
// with m.LogPsi(s') − m.LogPsi(s) and Ratio with its exponential; after a
// flip, Spins with s' and the cached LogPsi with m.LogPsi. Logarithms are
// compared absolutely (an absolute error δ of a logarithm is a relative
// error δ of the amplitude), Ratio relatively, all within tol; cached
// angles carry about one rounding per flip, so tol = 1e-10 suits
// thousands of steps.
func SpinMoves(m SpinModel, st SpinState, moves int, tol float64, rng *rand.Rand) error {
	n := len(st.Spins())
	flipped := make([]int8, n)
	for mv := range moves {
		i, j := rng.IntN(n), -1
		if mv%2 == 1 && n > 1 {
			j = (i + 1 + rng.IntN(n-1)) % n
		}
		copy(flipped, st.Spins())
		flipped[i] = -flipped[i]
		if j >= 0 {
			flipped[j] = -flipped[j]
		}
		want := m.LogPsi(flipped) - m.LogPsi(st.Spins())
		if got := st.LogRatio(i, j); !(math.Abs(got-want) <= tol) {
			return &Mismatch{Quantity: "LogRatio", Index: i, Move: mv, Got: got, Want: want,
				Reference: "fresh LogPsi", Err: math.Abs(got - want), Tol: tol}
		}
		if got, w := st.Ratio(i, j), math.Exp(want); !(math.Abs(got/w-1) <= tol) {
			return &Mismatch{Quantity: "Ratio", Index: i, Move: mv, Got: got, Want: w,
				Reference: "fresh LogPsi", Err: math.Abs(got/w - 1), Tol: tol}
		}
		if rng.IntN(2) != 0 {
			continue
		}
		st.Flip(i, j)
		for k, v := range st.Spins() {
			if v != flipped[k] {
				return &Mismatch{Quantity: "Spins", Index: k, Move: mv, Got: float64(v), Want: float64(flipped[k]),
					Reference: "flipped configuration", Err: math.Abs(float64(v - flipped[k]))}
			}
		}
		if got, want := st.LogPsi(), m.LogPsi(flipped); !(math.Abs(got-want) <= tol) {
			return &Mismatch{Quantity: "LogPsi", Index: -1, Move: mv, Got: got, Want: want,
				Reference: "fresh LogPsi", Err: math.Abs(got - want), Tol: tol}
		}
	}
	return nil
}

// SpinMoveAllocs is the average number of allocations, over runs steps,
// of one step on st (a state of m with at least two sites): LogRatio and
// Ratio of a single and a double flip, both flips, and O_k. They are on
// the lattice sampler's and the local energy's hot paths and must
// allocate nothing. Like testing.AllocsPerRun, which it uses, it sets
// GOMAXPROCS to 1 while it runs.
func SpinMoveAllocs(m SpinModel, st SpinState, runs int) float64 {
	n := len(st.Spins())
	o := make([]float64, m.NumParams())
	i := 0
	return testing.AllocsPerRun(runs, func() {
		i = (i + 1) % n
		j := (i + 1) % n
		st.LogRatio(i, -1)
		st.LogRatio(i, j)
		st.Ratio(i, -1)
		st.Ratio(i, j)
		st.Flip(i, -1)
		st.Flip(i, j)
		st.ParamGrad(o)
	})
}
