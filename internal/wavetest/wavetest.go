// Package wavetest checks a wavefunc.Model's analytic derivatives and its
// cached single-particle moves against independent computations: central
// finite differences of LogPsi and fresh States.
package wavetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// relErr is |a−b| / max(|a|, |b|, floor), so values near zero compare
// absolutely.
func relErr(a, b, floor float64) float64 {
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), floor)
}

func logPsi(m wavefunc.Model, x []float64) float64 {
	return m.NewState(x).LogPsi()
}

// CheckDerivs compares Derivs (gradient and Laplacian in the coordinates)
// and ParamGrad with central finite differences of ln|Ψ| at x, with step h,
// and returns an error describing the first component whose relative error
// exceeds tol. The Laplacian uses the second difference, so pick h ≈ 1e-4
// and tol ≈ 1e-6 for smooth functions.
func CheckDerivs(m wavefunc.Model, x []float64, h, tol float64) error {
	s := m.NewState(x)
	nd := len(x)
	grad := make([]float64, nd)
	lap := s.Derivs(grad)
	xp := append([]float64(nil), x...)
	l0 := logPsi(m, x)
	fdLap := 0.0
	for k := range nd {
		xp[k] = x[k] + h
		lp := logPsi(m, xp)
		xp[k] = x[k] - h
		lm := logPsi(m, xp)
		xp[k] = x[k]
		fd := (lp - lm) / (2 * h)
		if e := relErr(grad[k], fd, 1); e > tol {
			return fmt.Errorf("d lnPsi/dx[%d] = %.12g, finite difference %.12g (rel. error %.2g)", k, grad[k], fd, e)
		}
		// The second difference loses digits to cancellation; h² in the
		// denominator amplifies round-off by 1/h², hence a separate floor.
		fdLap += (lp - 2*l0 + lm) / (h * h)
	}
	if e := relErr(lap, fdLap, 1); e > math.Max(tol, 1e-5) {
		return fmt.Errorf("laplacian lnPsi = %.12g, finite difference %.12g (rel. error %.2g)", lap, fdLap, e)
	}
	for i := 0; i < m.Particles(); i++ {
		d := m.Dims()
		gi := make([]float64, d)
		s.GradI(i, gi)
		for k := range d {
			if e := relErr(gi[k], grad[i*d+k], 1e-300); e > 1e-10 && math.Abs(gi[k]-grad[i*d+k]) > 1e-12 {
				return fmt.Errorf("GradI(%d)[%d] = %.15g, Derivs gives %.15g", i, k, gi[k], grad[i*d+k])
			}
		}
	}
	np := m.NumParams()
	o := make([]float64, np)
	s.ParamGrad(o)
	p := m.Params(nil)
	pp := append([]float64(nil), p...)
	defer m.SetParams(p)
	for k := range np {
		pp[k] = p[k] + h
		m.SetParams(pp)
		lp := logPsi(m, x)
		pp[k] = p[k] - h
		m.SetParams(pp)
		lm := logPsi(m, x)
		pp[k] = p[k]
		fd := (lp - lm) / (2 * h)
		if e := relErr(o[k], fd, 1); e > tol {
			m.SetParams(p)
			return fmt.Errorf("d lnPsi/dtheta[%d] = %.12g, finite difference %.12g (rel. error %.2g)", k, o[k], fd, e)
		}
	}
	return nil
}

// CheckMoves makes moves single-particle moves on a State with proposals
// from next(i, pos) (which fills pos for particle i), accepting every other
// one, and compares the cached state with a fresh State after each: the
// log ratio, LogPsi, the proposed gradient and, at the end, Derivs and
// ParamGrad, all within tol. It catches stale caches in Accept and Reject.
func CheckMoves(m wavefunc.Model, x []float64, moves int, tol float64, next func(i int, pos []float64)) error {
	n, d := m.Particles(), m.Dims()
	s := m.NewState(x)
	pos := make([]float64, d)
	pg := make([]float64, d)
	fg := make([]float64, d)
	cur := append([]float64(nil), x...)
	for mv := range moves {
		i := mv % n
		next(i, pos)
		r := s.Propose(i, pos)
		trial := append([]float64(nil), cur...)
		copy(trial[i*d:], pos)
		fresh := m.NewState(trial)
		want := fresh.LogPsi() - m.NewState(cur).LogPsi()
		if math.IsInf(want, -1) != math.IsInf(r, -1) || (!math.IsInf(want, -1) && math.Abs(r-want) > tol*math.Max(1, math.Abs(want))) {
			return fmt.Errorf("move %d: Propose(%d) = %.15g, fresh states give %.15g", mv, i, r, want)
		}
		if math.IsInf(r, -1) {
			s.Reject()
			continue
		}
		s.ProposedGradI(pg)
		fresh.GradI(i, fg)
		for k := range d {
			if math.Abs(pg[k]-fg[k]) > tol*math.Max(1, math.Abs(fg[k])) {
				return fmt.Errorf("move %d: ProposedGradI[%d] = %.15g, fresh state gives %.15g", mv, k, pg[k], fg[k])
			}
		}
		if mv%2 == 0 {
			s.Accept()
			cur = trial
		} else {
			s.Reject()
		}
		if got, want := s.LogPsi(), m.NewState(cur).LogPsi(); math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
			return fmt.Errorf("move %d: LogPsi after %s = %.15g, fresh state gives %.15g", mv, map[bool]string{true: "Accept", false: "Reject"}[mv%2 == 0], got, want)
		}
	}
	fresh := m.NewState(cur)
	g1, g2 := make([]float64, n*d), make([]float64, n*d)
	l1, l2 := s.Derivs(g1), fresh.Derivs(g2)
	if math.Abs(l1-l2) > tol*math.Max(1, math.Abs(l2)) {
		return fmt.Errorf("after %d moves: Laplacian %.15g, fresh state %.15g", moves, l1, l2)
	}
	for k := range g1 {
		if math.Abs(g1[k]-g2[k]) > tol*math.Max(1, math.Abs(g2[k])) {
			return fmt.Errorf("after %d moves: gradient[%d] %.15g, fresh state %.15g", moves, k, g1[k], g2[k])
		}
	}
	o1, o2 := make([]float64, m.NumParams()), make([]float64, m.NumParams())
	s.ParamGrad(o1)
	fresh.ParamGrad(o2)
	for k := range o1 {
		if math.Abs(o1[k]-o2[k]) > tol*math.Max(1, math.Abs(o2[k])) {
			return fmt.Errorf("after %d moves: ParamGrad[%d] %.15g, fresh state %.15g", moves, k, o1[k], o2[k])
		}
	}
	return nil
}

// MoveAllocs is the average number of allocations of one walker step on a
// State at x: a single-particle move by up to ±step per coordinate
// (accepted on even steps, rejected on odd ones or when Ψ' = 0), the
// drift at both ends, the full gradient and Laplacian, O_k and a Refresh.
// Every one of these is on a sampling hot path and must allocate nothing.
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
