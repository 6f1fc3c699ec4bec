package optim

import (
	"math"
	"testing"
)

func TestDecay(t *testing.T) {
	for _, c := range []struct {
		d    Decay
		t    int
		want float64
	}{
		{Decay{}, 50, 2},
		{Decay{Kind: "none", Rate: 3}, 50, 2},
		{Decay{Kind: "exp", Rate: 0.1}, 10, 2 * math.Exp(-1)},
		{Decay{Kind: "exp", Rate: 0.1, MinFactor: 0.5}, 10, 1},
		{Decay{Kind: "inverse", Rate: 0.5}, 6, 0.5},
		{Decay{Kind: "inverse", Rate: 0.5, MinFactor: 0.3}, 100, 0.6},
		{Decay{Kind: "exp", Rate: 0.1}, 0, 2},
	} {
		if got := c.d.At(2, c.t); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%+v at t = %d: %g, want %g", c.d, c.t, got, c.want)
		}
	}
	for _, bad := range []Decay{{Kind: "linear"}, {Kind: "exp", Rate: -1}, {Kind: "exp", MinFactor: 2}, {Kind: "exp", Rate: math.NaN()}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestScheduled: the learning rate follows the decay of the iteration set,
// and a step longer than MaxNorm is scaled to it (a shorter one is not).
func TestScheduled(t *testing.T) {
	s, err := NewScheduled(NewGD(0.5), Decay{Kind: "inverse", Rate: 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	p := []float64{0, 0}
	s.SetIteration(1) // η = 0.25
	s.Step(p, []float64{3, 4})
	// |g| = 5 → clipped to (1.2, 1.6), times 0.25.
	if math.Abs(p[0]+0.3) > 1e-15 || math.Abs(p[1]+0.4) > 1e-15 {
		t.Errorf("clipped step gave %v, want [-0.3 -0.4]", p)
	}
	s.SetIteration(3) // η = 0.125
	s.Step(p, []float64{1, 0})
	if math.Abs(p[0]+0.425) > 1e-15 || s.LearningRate() != 0.125 || s.Name() != "gd" {
		t.Errorf("unclipped step gave %v, η = %g, name %q", p, s.LearningRate(), s.Name())
	}
	if _, err := NewScheduled(NewGD(1), Decay{}, -1); err == nil {
		t.Error("negative clipping norm accepted")
	}
	a := NewAdam(0.1, 2)
	sa, _ := NewScheduled(a, Decay{Kind: "exp", Rate: 1}, 0)
	sa.SetIteration(2)
	if math.Abs(a.LR-0.1*math.Exp(-2)) > 1e-17 {
		t.Errorf("Adam's rate %g after SetIteration(2)", a.LR)
	}
}

// TestSRRelShift: S_kk(1+ε_r) + ε on the diagonal, decaying with the
// iteration; a diagonal S solves exactly.
func TestSRRelShift(t *testing.T) {
	S := []float64{2, 0, 0, 0.5}
	f := []float64{1, 1}
	sr := &SR{Shift: 0.1, RelShift: 0.5}
	dst := make([]float64, 2)
	if err := sr.Solve(dst, S, f); err != nil {
		t.Fatal(err)
	}
	if math.Abs(dst[0]-1/3.1) > 1e-15 || math.Abs(dst[1]-1/0.85) > 1e-15 {
		t.Errorf("δ = %v, want [1/3.1 1/0.85]", dst)
	}
	sr.ShiftDecay = Decay{Kind: "exp", Rate: math.Ln2}
	sr.SetIteration(1) // both halve
	if err := sr.Solve(dst, S, f); err != nil {
		t.Fatal(err)
	}
	if math.Abs(dst[0]-1/2.55) > 1e-14 || math.Abs(dst[1]-1/0.675) > 1e-14 {
		t.Errorf("δ after one halving = %v, want [1/2.55 1/0.675]", dst)
	}
	// The matrix-free path applies the same shifts.
	op := func(out, v []float64) { out[0], out[1] = 2*v[0], 0.5*v[1] }
	mf := make([]float64, 2)
	if err := sr.SolveOp(mf, []float64{2, 0.5}, f, op); err != nil {
		t.Fatal(err)
	}
	for k := range mf {
		if math.Abs(mf[k]-dst[k]) > 1e-9 {
			t.Errorf("SolveOp δ_%d = %g, Solve %g", k, mf[k], dst[k])
		}
	}
	if (&SR{Relative: true, RelShift: 0.1}).Solve(dst, S, f) == nil {
		t.Error("Relative with RelShift accepted")
	}
}
