package vmc

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// selectState is the driver's side of CorrelatedShift: the stored samples
// of each walker, a probe State per walker that visits them with the
// candidates' parameters, and the candidates' steps.
type selectState struct {
	cs      *CorrelatedShift
	model   wavefunc.Model
	shifts  []float64
	steps   [maxCandidates][]float64 // Δ per candidate
	trial   []float64                // θ + ηΔ
	buf     *reduce.Buffer           // the sums (corrSums), one collective
	sums    reduce.Vector
	walkers []*selectWalker
}

// selectWalker holds one walker's stored samples (configuration, ln|Ψ₀|,
// E_L⁰), per candidate 2 ln|Ψ_c/Ψ₀| and E_L^c at each, and its probe.
type selectWalker struct {
	x, logPsi, e []float64
	logW, eC     [maxCandidates][]float64
	n, nd, dim   int
	probe        wavefunc.State
	cw           *ContinuousWalker
	grad, sums   []float64
	parts        EnergyParts
}

// setupSelect prepares correlated selection when the linear solver is a
// CorrelatedShift; the walkers must be a Continuous system's.
func (d *Driver) setupSelect() error {
	cs, ok := d.opt.Linear.(*CorrelatedShift)
	if !ok || d.lin == nil || !d.lin.full {
		return nil
	}
	if cs.Solver == nil {
		return errors.New("vmc: correlated shift selection without a solver")
	}
	sys, ok := d.sys.(*Continuous)
	if !ok {
		return fmt.Errorf("vmc: correlated shift selection needs particles in continuous space (a *vmc.Continuous system), not %T", d.sys)
	}
	cols := corrSums{m: maxCandidates + 1}
	// A buffer of its own, of fixed layout (absent candidates sum to
	// zero): its first all-reduce checks the layout, later ones are one
	// collective each.
	b := reduce.New()
	s := &selectState{cs: cs, model: sys.Model, shifts: make([]float64, 0, maxCandidates), trial: make([]float64, d.np),
		buf: b, sums: b.Vector("lin_select", cols.len())}
	for k := range s.steps {
		s.steps[k] = make([]float64, d.np)
	}
	nd, ns := sys.H.Particles()*sys.H.Dims(), d.opt.Samples
	for _, w := range d.walkers {
		cw, ok := w.(*ContinuousWalker)
		if !ok {
			return fmt.Errorf("vmc: correlated shift selection needs continuous walkers, not %T", w)
		}
		var ar cacheline.Arena[float64]
		sw := cacheline.New[selectWalker]()
		*sw = selectWalker{x: ar.Make(ns * nd), logPsi: ar.Make(ns), e: ar.Make(ns),
			nd: nd, dim: sys.H.Dims(), cw: cw, grad: ar.Make(nd), sums: ar.Make(cols.len())}
		for k := range maxCandidates {
			sw.logW[k], sw.eC[k] = ar.Make(ns), ar.Make(ns)
		}
		s.walkers = append(s.walkers, sw)
	}
	d.lin.sel = s
	return nil
}

// store keeps walker w's measured sample (the hook in measure).
func (s *selectState) store(w int, e float64) {
	sw := s.walkers[w]
	if sw.n >= len(sw.e) {
		return
	}
	st := sw.cw.W.State()
	copy(sw.x[sw.n*sw.nd:(sw.n+1)*sw.nd], st.Positions())
	sw.logPsi[sw.n], sw.e[sw.n] = st.LogPsi(), e
	sw.n++
}

// visit moves the probe to stored sample j under the model's current
// parameters and returns 2(ln|Ψ_c| − ln|Ψ₀|) and E_L there. A probe that
// cannot walk there (a zero of Ψ on the way) is rebuilt at the sample.
func (sw *selectWalker) visit(m wavefunc.Model, j int) (logW, e float64) {
	x := sw.x[j*sw.nd : (j+1)*sw.nd]
	if sw.probe == nil {
		sw.probe = m.NewState(x)
	} else {
		ok := true
		for i := 0; i*sw.dim < sw.nd; i++ {
			if r := sw.probe.Propose(i, x[i*sw.dim:(i+1)*sw.dim]); !finite(r) {
				sw.probe.Reject()
				ok = false
				break
			}
			sw.probe.Accept()
		}
		if ok {
			// Recomputed from the positions: the values do not depend
			// on the path the probe took.
			sw.probe.Refresh()
		} else {
			sw.probe = m.NewState(x)
		}
	}
	e = measureContinuous(sw.cw.h, sw.probe, sw.grad, nil, &sw.parts)
	return 2 * (sw.probe.LogPsi() - sw.logPsi[j]), e
}

// evaluate fills candidate k's weights and local energies at the stored
// samples; the model holds the candidate's parameters.
func (sw *selectWalker) evaluate(m wavefunc.Model, k int) {
	if sw.probe != nil {
		// The probe's caches belong to the previous parameters.
		sw.probe.Refresh()
	}
	for j := range sw.n {
		sw.logW[k][j], sw.eC[k][j] = sw.visit(m, j)
	}
}

// accumulate adds the walker's samples into its sums, energies relative to
// ref (failed or absent candidates weigh nothing).
func (sw *selectWalker) accumulate(shifts []float64, ref float64) {
	cols := corrSums{m: maxCandidates + 1}
	clear(sw.sums)
	var w, e [maxCandidates + 1]float64
	for j := range sw.n {
		w[0], e[0] = 1, sw.e[j]-ref
		for k := range maxCandidates {
			w[k+1], e[k+1] = 0, 0
			if k < len(shifts) && !math.IsNaN(shifts[k]) {
				w[k+1], e[k+1] = math.Exp(sw.logW[k][j]), sw.eC[k][j]-ref
			}
		}
		cols.add(sw.sums, &w, &e)
	}
}

// selectStep solves for the candidate shifts, estimates their energies by
// correlated sampling (one all-reduce) and returns the chosen candidate's
// −Δ. The model holds the current parameters again on return.
func (d *Driver) selectStep() ([]float64, error) {
	l, s := d.lin, d.lin.sel
	var mid int
	s.shifts, mid = s.cs.candidateShifts(s.shifts)
	for k, a := range s.shifts {
		used, err := s.cs.Solver.SolveAt(s.steps[k], l.h, l.s, a)
		if err != nil {
			used = math.NaN() // every rank fails alike: same H and S
		}
		s.shifts[k] = used
	}
	eta := d.learningRate()
	if eta == 0 {
		eta = 1 // a rule that does not report its rate: the full step
	}
	defer d.sys.SetParams(d.params)
	ctx := context.Background()
	for k, a := range s.shifts {
		if math.IsNaN(a) {
			continue
		}
		if k > 0 && a == s.shifts[k-1] {
			// The solver grew the smaller shift to this one: same step.
			_ = d.forEach(ctx, func(w int) error {
				sw := s.walkers[w]
				copy(sw.logW[k][:sw.n], sw.logW[k-1][:sw.n])
				copy(sw.eC[k][:sw.n], sw.eC[k-1][:sw.n])
				return nil
			})
			continue
		}
		for i, p := range d.params {
			s.trial[i] = p + eta*s.steps[k][i]
		}
		d.sys.SetParams(s.trial)
		_ = d.forEach(ctx, func(w int) error {
			s.walkers[w].evaluate(s.model, k)
			return nil
		})
	}
	// The iteration's energy, equal on every rank.
	ref := d.it.energy.moments.Mean()
	_ = d.forEach(ctx, func(w int) error {
		s.walkers[w].accumulate(s.shifts, ref)
		return nil
	})
	s.buf.Reset()
	sums := s.sums.Data()
	for _, sw := range s.walkers { // in walker order: independent of scheduling
		for i := range sums {
			sums[i] += sw.sums[i]
		}
	}
	// Equal sums on every rank: every rank makes the same choice.
	if err := s.buf.AllReduce(d.c); err != nil {
		return nil, fmt.Errorf("vmc: iteration %d: correlated shift selection: %w", d.iter, err)
	}
	k, err := s.cs.choose(s.shifts, mid, sums, ref, d.it.energy.combined().Tau)
	if err != nil {
		return nil, fmt.Errorf("vmc: iteration %d: %w", d.iter, err)
	}
	for i, v := range s.steps[k] {
		l.negDelta[i] = -v
	}
	return l.negDelta, nil
}
