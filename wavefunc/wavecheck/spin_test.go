package wavecheck_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// badSpin wraps a correct spin RBM state with one deliberate bug.
type badSpin struct {
	wavefunc.SpinState
	bug string
	buf []float64
}

func (b *badSpin) ParamGrad(dst []float64) {
	b.SpinState.ParamGrad(dst)
	if b.bug == "param" {
		dst[len(dst)-1] *= 1.001 // a slightly wrong weight derivative
	}
}

func (b *badSpin) Flip(i, j int) {
	if b.bug == "flip" {
		j = -1 // forgets the second spin of a double flip
	}
	b.SpinState.Flip(i, j)
}

func (b *badSpin) LogRatio(i, j int) float64 {
	if b.bug == "alloc" {
		b.buf = make([]float64, 4)
	}
	return b.SpinState.LogRatio(i, j)
}

// The spin checks pass a correct RBM and catch a wrong O_k, a double
// flip that flips one spin, and an allocating ratio.
func TestSpinChecksCatchBugs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := wavefunc.NewSpinRBM(6, 8)
	m.Randomize(0.5, rng)
	s := []int8{1, -1, -1, 1, 1, -1}
	good := &badSpin{SpinState: m.NewState(s)}
	if err := wavecheck.SpinParamGrad(m, good, 1e-5, 1e-8); err != nil {
		t.Errorf("correct RBM: %v", err)
	}
	if err := wavecheck.SpinMoves(m, good, 200, 1e-10, rng); err != nil {
		t.Errorf("correct RBM: %v", err)
	}
	if a := wavecheck.SpinMoveAllocs(m, good, 50); a != 0 {
		t.Errorf("correct RBM: %v allocations per step", a)
	}
	var mm *wavecheck.Mismatch
	if err := wavecheck.SpinParamGrad(m, &badSpin{SpinState: m.NewState(s), bug: "param"}, 1e-5, 1e-8); !errors.As(err, &mm) || mm.Quantity != "ParamGrad" {
		t.Errorf("wrong O_k: got %v", err)
	}
	if err := wavecheck.SpinMoves(m, &badSpin{SpinState: m.NewState(s), bug: "flip"}, 200, 1e-10, rng); !errors.As(err, &mm) || mm.Quantity != "Spins" {
		t.Errorf("half a double flip: got %v", err)
	}
	if a := wavecheck.SpinMoveAllocs(m, &badSpin{SpinState: m.NewState(s), bug: "alloc"}, 50); a < 1 {
		t.Errorf("allocating LogRatio: %v allocations per step", a)
	}
}
