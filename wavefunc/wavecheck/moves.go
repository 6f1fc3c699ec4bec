package wavecheck

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Proposal fills pos (d values) with a proposed position of particle i,
// given the current configuration x (N·d values, read-only).
type Proposal func(i int, x, pos []float64)

// RandomWalk proposes particle i's current position plus a Gaussian step
// of standard deviation step in each coordinate.
func RandomWalk(rng *rand.Rand, step float64) Proposal {
	return func(i int, x, pos []float64) {
		d := len(pos)
		for k := range pos {
			pos[k] = x[i*d+k] + step*rng.NormFloat64()
		}
	}
}

// Metropolis proposes RandomWalk steps until one passes the Metropolis
// test against |Ψ|² of fresh States at x and at the proposal. A chain fed
// by it stays where |Ψ|² is large and away from nodes (a Slater
// determinant's, or a hard core), so its cached values stay well
// conditioned; use RandomWalk to exercise proposals where Ψ = 0.
func Metropolis(m wavefunc.Model, rng *rand.Rand, step float64) Proposal {
	var trial []float64
	return func(i int, x, pos []float64) {
		d := len(pos)
		trial = append(trial[:0], x...)
		l0 := logPsi(m, x)
		for {
			for k := range pos {
				pos[k] = x[i*d+k] + step*rng.NormFloat64()
			}
			copy(trial[i*d:], pos)
			if 2*(logPsi(m, trial)-l0) > math.Log(rng.Float64()) {
				return
			}
		}
	}
}

// Moves runs moves single-particle moves on a State of m started at x:
// particle mv mod N on move mv, its new position from next, accepted on
// even moves (rejected on odd ones, or when Ψ = 0 there). After every move
// it compares, within relative tolerance tol, the cached State with fresh
// States:
//
//   - Propose against ln|Ψ(y)| − ln|Ψ(x)| (both −Inf when Ψ(y) = 0),
//   - ProposedGradI against GradI of a fresh State at y,
//   - LogPsi after Accept or Reject, and Positions (exactly);
//
// and at the end Derivs and ParamGrad. It catches caches left stale by
// Accept, Reject or a refused proposal. Each cached quantity carries about
// one rounding per accepted move, so tol = 1e-10 suits thousands of moves.
func Moves(m wavefunc.Model, x []float64, moves int, tol float64, next Proposal) error {
	n, d := m.Particles(), m.Dims()
	s := m.NewState(x)
	pos := make([]float64, d)
	pg := make([]float64, d)
	fg := make([]float64, d)
	cur := append([]float64(nil), x...)
	for mv := range moves {
		i := mv % n
		next(i, cur, pos)
		r := s.Propose(i, pos)
		trial := append([]float64(nil), cur...)
		copy(trial[i*d:], pos)
		fresh := m.NewState(trial)
		want := fresh.LogPsi() - m.NewState(cur).LogPsi()
		if ok, e := sameLog(r, want, tol); !ok {
			return &Mismatch{Quantity: "Propose", Index: i, Move: mv, Got: r, Want: want,
				Reference: "fresh state", Err: e, Tol: tol}
		}
		if math.IsInf(r, -1) {
			s.Reject()
			continue
		}
		s.ProposedGradI(pg)
		fresh.GradI(i, fg)
		if err := compare("ProposedGradI", mv, pg, fg, tol); err != nil {
			return err
		}
		if mv%2 == 0 {
			s.Accept()
			cur = trial
		} else {
			s.Reject()
		}
		got, want := s.LogPsi(), m.NewState(cur).LogPsi()
		if ok, e := sameLog(got, want, tol); !ok {
			return &Mismatch{Quantity: "LogPsi", Index: -1, Move: mv, Got: got, Want: want,
				Reference: "fresh state", Err: e, Tol: tol}
		}
		for k, v := range s.Positions() {
			if v != cur[k] {
				return &Mismatch{Quantity: "Positions", Index: k, Move: mv, Got: v, Want: cur[k],
					Reference: "tracked configuration", Err: math.Abs(v - cur[k])}
			}
		}
	}
	return sameDerivs(m, s, m.NewState(cur), moves, tol)
}

// sameDerivs compares Derivs and ParamGrad of a State after moves with a
// fresh State at the same configuration.
func sameDerivs(m wavefunc.Model, s, fresh wavefunc.State, moves int, tol float64) error {
	nd := m.Particles() * m.Dims()
	g1, g2 := make([]float64, nd), make([]float64, nd)
	l1, l2 := s.Derivs(g1), fresh.Derivs(g2)
	if err := compare("Derivs laplacian", moves, []float64{l1}, []float64{l2}, tol); err != nil {
		return err
	}
	if err := compare("Derivs gradient", moves, g1, g2, tol); err != nil {
		return err
	}
	o1, o2 := make([]float64, m.NumParams()), make([]float64, m.NumParams())
	s.ParamGrad(o1)
	fresh.ParamGrad(o2)
	return compare("ParamGrad", moves, o1, o2, tol)
}

// compare checks cached values got against a fresh state's want, within
// tol·max(1, |want|).
func compare(what string, mv int, got, want []float64, tol float64) error {
	for k := range got {
		e := math.Abs(got[k]-want[k]) / math.Max(1, math.Abs(want[k]))
		if !(e <= tol) {
			idx := k
			if len(got) == 1 {
				idx = -1
			}
			return &Mismatch{Quantity: what, Index: idx, Move: mv, Got: got[k], Want: want[k],
				Reference: "fresh state", Err: e, Tol: tol}
		}
	}
	return nil
}

// MoveAllocs is the average number of allocations of one walker step on a
// State at x, over runs steps: a single-particle move by up to ±step per
// coordinate (accepted on even steps, rejected on odd ones or when Ψ' = 0),
// the drift at both ends, the full gradient and Laplacian, O_k and a
// Refresh. Every one of these is on a sampling hot path and must allocate
// nothing. Like testing.AllocsPerRun, which it uses, it sets GOMAXPROCS to
// 1 while it runs.
func MoveAllocs(m wavefunc.Model, x []float64, step float64, runs int, rng *rand.Rand) float64 {
	n, d := m.Particles(), m.Dims()
	s := m.NewState(x)
	pos := make([]float64, d)
	g := make([]float64, d)
	grad := make([]float64, n*d)
	o := make([]float64, m.NumParams())
	i := 0
	return testing.AllocsPerRun(runs, func() {
		i = (i + 1) % n
		for k := range d {
			pos[k] = s.Positions()[i*d+k] + step*(2*rng.Float64()-1)
		}
		if r := s.Propose(i, pos); math.IsInf(r, -1) {
			s.Reject()
		} else {
			s.ProposedGradI(g)
			if i%2 == 0 {
				s.Accept()
			} else {
				s.Reject()
			}
		}
		s.GradI(i, g)
		s.Derivs(grad)
		s.ParamGrad(o)
		s.Refresh()
	})
}
