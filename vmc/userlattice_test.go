package vmc_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/internal/vmctest"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// tableModel is a user's spin wave function: a positive amplitude per
// configuration (bit i set for s_i = +1) times e^θ, one parameter.
type tableModel struct {
	n     int
	amp   []float64
	theta float64
}

func (m *tableModel) Sites() int     { return m.n }
func (m *tableModel) NumParams() int { return 1 }
func (m *tableModel) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 1)
	}
	dst[0] = m.theta
	return dst
}
func (m *tableModel) SetParams(p []float64) { m.theta = p[0] }
func (m *tableModel) NewState(s []int8) wavefunc.SpinState {
	st := &tableState{m: m, s: append([]int8(nil), s...)}
	st.Refresh()
	return st
}

type tableState struct {
	m *tableModel
	s []int8
	x int
}

func (st *tableState) Spins() []int8 { return st.s }
func (st *tableState) SetSpins(s []int8) {
	copy(st.s, s)
	st.Refresh()
}
func (st *tableState) Refresh() {
	st.x = 0
	for i, v := range st.s {
		if v > 0 {
			st.x |= 1 << i
		}
	}
}
func (st *tableState) flipped(i, j int) int {
	y := st.x ^ 1<<i
	if j >= 0 {
		y ^= 1 << j
	}
	return y
}
func (st *tableState) LogPsi() float64 { return math.Log(st.m.amp[st.x]) + st.m.theta }
func (st *tableState) Ratio(i, j int) float64 {
	return st.m.amp[st.flipped(i, j)] / st.m.amp[st.x]
}
func (st *tableState) LogRatio(i, j int) float64 { return math.Log(st.Ratio(i, j)) }
func (st *tableState) Flip(i, j int) {
	st.s[i] = -st.s[i]
	if j >= 0 {
		st.s[j] = -st.s[j]
	}
	st.x = st.flipped(i, j)
}
func (st *tableState) ParamGrad(dst []float64) { dst[0] = 1 }

// A user's operator and a user's wave function through vmc.NewLattice:
// the XXZ ring (Δ = ½, Marshall-rotated, so the ground state is positive)
// with the exact ground state as a table. Every sample then has E_L = E0,
// the Lanczos energy of the same operator, with zero variance.
func TestUserLattice(t *testing.T) {
	const n = 6
	h := hamiltonian.NewSpin(n)
	if err := h.RotateMarshall([]int8{0, 1, 0, 1, 0, 1}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := h.AddBond(i, (i+1)%n, hamiltonian.XXZBond(1, 0.5)); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := exact.GroundState(h, exact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The ground state from the dense matrix of the full space; its
	// amplitudes share one sign (Perron–Frobenius in the rotated basis).
	dense, err := exact.Matrix(h, true, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var es mat.EigenSym
	if !es.Factorize(dense, true) {
		t.Fatal("EigenSym failed")
	}
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	if d := math.Abs(es.Values(nil)[0] - ref.Energy); d > 1e-9 {
		t.Fatalf("dense E0 %.12g, Lanczos %.12g", es.Values(nil)[0], ref.Energy)
	}
	m := &tableModel{n: n, amp: make([]float64, 1<<n)}
	for x := range m.amp {
		// Outside S^z = 0 the amplitudes vanish; exchange moves never
		// go there, and a tiny floor keeps the table positive.
		m.amp[x] = math.Abs(vecs.At(x, 0)) + 1e-300
	}
	sys, err := vmc.NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		t.Fatal(err)
	}
	res := vmctest.MustRun(t, comm.NewSerial(), sys, vmc.Options{Walkers: 2, BurnIn: 10, Production: 1000, Seed: 6})
	if math.Abs(res.Energy-ref.Energy) > 1e-10 || res.Variance > 1e-18 {
		t.Errorf("E = %.14g (variance %.3g), Lanczos %.14g with zero variance", res.Energy, res.Variance, ref.Energy)
	}

	// A field along x breaks S^z conservation: exchange moves are
	// refused, single flips accepted.
	for i := range n {
		if err := h.AddSite(i, hamiltonian.FieldX(0.3)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := vmc.NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange}); err == nil {
		t.Error("exchange moves accepted for an operator that does not conserve S^z")
	}
	if _, err := vmc.NewLattice(h, m, sampler.SpinSettings{Move: sampler.SingleFlip}); err != nil {
		t.Errorf("single flips refused: %v", err)
	}
	if _, err := vmc.NewLattice(h, &tableModel{n: n + 1}, sampler.SpinSettings{}); err == nil {
		t.Error("a wave function over 7 sites accepted for 6")
	}
}
