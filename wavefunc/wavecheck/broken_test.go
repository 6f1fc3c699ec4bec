package wavecheck_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

// bug selects one deliberate mistake of quartic.
type bug int

const (
	correct       bug = iota
	lapMissing        // Laplacian without the −12γx² term of the quartic
	gradIWrong        // GradI drops the quartic term that Derivs has
	paramSign         // O_γ with the wrong sign
	acceptStale       // Accept moves the particle but keeps the old sums
	proposeAllocs     // Propose allocates a copy of the position
)

// quartic is ln Ψ = −α Σ x² − γ Σ x⁴ over every coordinate, with cached
// sums S2 = Σ x², S4 = Σ x⁴: a model small enough to derive by hand, so
// that each bug is a plausible slip of a hand derivation.
type quartic struct {
	n, d         int
	alpha, gamma float64
	bug          bug
}

func (q *quartic) Particles() int { return q.n }
func (q *quartic) Dims() int      { return q.d }
func (q *quartic) NumParams() int { return 2 }
func (q *quartic) Params(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	dst[0], dst[1] = q.alpha, q.gamma
	return dst
}
func (q *quartic) SetParams(p []float64) { q.alpha, q.gamma = p[0], p[1] }
func (q *quartic) NewState(x []float64) wavefunc.State {
	s := &quarticState{q: q, x: append([]float64(nil), x...), pos: make([]float64, q.d)}
	s.Refresh()
	return s
}

type quarticState struct {
	q        *quartic
	x        []float64
	s2, s4   float64
	i        int
	pos      []float64
	d2, d4   float64
	allocBuf []float64
}

func sums(r []float64) (s2, s4 float64) {
	for _, v := range r {
		s2 += v * v
		s4 += v * v * v * v
	}
	return s2, s4
}

func (s *quarticState) Positions() []float64 { return s.x }
func (s *quarticState) LogPsi() float64      { return -s.q.alpha*s.s2 - s.q.gamma*s.s4 }
func (s *quarticState) Propose(i int, pos []float64) float64 {
	d := s.q.d
	if s.q.bug == proposeAllocs {
		s.allocBuf = append([]float64(nil), pos...)
	}
	s.i = i
	copy(s.pos, pos)
	n2, n4 := sums(pos)
	o2, o4 := sums(s.x[i*d : i*d+d])
	s.d2, s.d4 = n2-o2, n4-o4
	return -s.q.alpha*s.d2 - s.q.gamma*s.d4
}
func (s *quarticState) Accept() {
	d := s.q.d
	copy(s.x[s.i*d:s.i*d+d], s.pos)
	if s.q.bug != acceptStale {
		s.s2 += s.d2
		s.s4 += s.d4
	}
}
func (s *quarticState) Reject() {}
func (s *quarticState) grad(r, dst []float64, quartic bool) {
	for k, v := range r {
		dst[k] = -2 * s.q.alpha * v
		if quartic {
			dst[k] -= 4 * s.q.gamma * v * v * v
		}
	}
}
func (s *quarticState) GradI(i int, dst []float64) {
	d := s.q.d
	s.grad(s.x[i*d:i*d+d], dst, s.q.bug != gradIWrong)
}
func (s *quarticState) ProposedGradI(dst []float64) { s.grad(s.pos, dst, true) }
func (s *quarticState) Derivs(grad []float64) float64 {
	s.grad(s.x, grad, true)
	lap := 0.0
	for _, v := range s.x {
		lap -= 2 * s.q.alpha
		if s.q.bug != lapMissing {
			lap -= 12 * s.q.gamma * v * v
		}
	}
	return lap
}
func (s *quarticState) ParamGrad(dst []float64) {
	dst[0], dst[1] = -s.s2, -s.s4
	if s.q.bug == paramSign {
		dst[1] = s.s4
	}
}
func (s *quarticState) Refresh() { s.s2, s.s4 = sums(s.x) }

// Every deliberate bug is reported, by the check meant to catch it and
// naming the quantity that is wrong; the correct model passes all checks,
// so neither outcome is built into the checker.
func TestCatchesBrokenModels(t *testing.T) {
	x := []float64{0.3, -0.7, 0.5, 0.9, -0.2, 0.4}
	if err := wavecheck.Model(&quartic{n: 3, d: 2, alpha: 0.4, gamma: 0.15}, x, wavecheck.Options{Seed: 2}); err != nil {
		t.Fatalf("correct model fails: %v", err)
	}
	for _, c := range []struct {
		bug  bug
		name string
		want string // Mismatch.Quantity
		run  func(m wavefunc.Model) error
	}{
		{lapMissing, "Laplacian missing a term", "laplacian", func(m wavefunc.Model) error { return wavecheck.Derivs(m, x, 1e-4, 1e-6) }},
		{lapMissing, "Laplacian missing a term, alone", "laplacian", func(m wavefunc.Model) error { return wavecheck.Laplacian(m, x, 1e-4, 1e-6) }},
		{gradIWrong, "GradI differs from Derivs", "GradI", func(m wavefunc.Model) error { return wavecheck.Gradient(m, x, 1e-4, 1e-6) }},
		{paramSign, "O_k with a wrong sign", "ParamGrad", func(m wavefunc.Model) error { return wavecheck.ParamGrad(m, x, 1e-4, 1e-6) }},
		{acceptStale, "Accept leaves the cache stale", "LogPsi", func(m wavefunc.Model) error {
			return wavecheck.Moves(m, x, 10, 1e-10, wavecheck.RandomWalk(rand.New(rand.NewPCG(1, 2)), 0.5))
		}},
	} {
		m := &quartic{n: 3, d: 2, alpha: 0.4, gamma: 0.15, bug: c.bug}
		err := c.run(m)
		var mm *wavecheck.Mismatch
		if !errors.As(err, &mm) {
			t.Errorf("%s: got %v, want a *Mismatch", c.name, err)
			continue
		}
		if mm.Quantity != c.want {
			t.Errorf("%s: reported as %q (%v), want %q", c.name, mm.Quantity, err, c.want)
		}
		if err := wavecheck.Model(m, x, wavecheck.Options{Seed: 2}); err == nil {
			t.Errorf("%s: Model passes it", c.name)
		}
	}
	m := &quartic{n: 3, d: 2, alpha: 0.4, gamma: 0.15, bug: proposeAllocs}
	if a := wavecheck.MoveAllocs(m, x, 0.3, 50, rand.New(rand.NewPCG(3, 4))); a < 1 {
		t.Errorf("allocating Propose: MoveAllocs = %v, want ≥ 1", a)
	}
}

// The Laplacian is the one derivative a hand derivation most often gets
// wrong; its check must see a missing term even when the term is small
// next to the rest (γ = 0.01 makes 12γx² a few per cent of 2α).
func TestLaplacianSmallMissingTerm(t *testing.T) {
	x := []float64{0.3, -0.7, 0.5, 0.9, -0.2, 0.4}
	for _, b := range []bug{correct, lapMissing} {
		err := wavecheck.Laplacian(&quartic{n: 3, d: 2, alpha: 0.4, gamma: 0.01, bug: b}, x, 1e-4, 1e-6)
		if (err != nil) != (b == lapMissing) {
			t.Errorf("bug %d: Laplacian check gives %v", b, err)
		}
	}
}

type recorder struct{ msgs []string }

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.msgs = append(r.msgs, fmt.Sprint(args...)) }

// Test reports a failing model on its TB and stays silent for a good one.
func TestTestHelper(t *testing.T) {
	x := []float64{0.3, -0.7, 0.5, 0.9, -0.2, 0.4}
	var good, bad recorder
	wavecheck.Test(&good, &quartic{n: 3, d: 2, alpha: 0.4, gamma: 0.15}, x, wavecheck.Options{})
	wavecheck.Test(&bad, &quartic{n: 3, d: 2, alpha: 0.4, gamma: 0.15, bug: lapMissing}, x, wavecheck.Options{})
	if len(good.msgs) != 0 || len(bad.msgs) != 1 || !strings.Contains(bad.msgs[0], "laplacian") {
		t.Errorf("good model: %q; model with a wrong Laplacian: %q", good.msgs, bad.msgs)
	}
}
