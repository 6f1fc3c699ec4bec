package vmc

import (
	"errors"
	"fmt"
	"math"
)

// ShiftSolver is a LinearSolver that also solves at a given diagonal shift
// without adapting its own (solvers/optim's Linear satisfies it).
type ShiftSolver interface {
	LinearSolver
	// SolveAt writes Δ at shift a (or a larger one when the step at a is
	// too long) and returns the shift used.
	SolveAt(dst, H, S []float64, a float64) (float64, error)
	// CurrentShift is the shift the solver would start from.
	CurrentShift() float64
}

// CorrelatedShift is a LinearSolver that chooses the linear method's
// diagonal shift by correlated sampling instead of by rules. From the
// iteration's H and S it solves for three shifts a/F, a and a·F around the
// current a (none below MinShift) and estimates each candidate's energy on
// the iteration's own samples x_i (drawn from |Ψ₀|², stored while they are
// measured), reweighted to the candidate Ψ_c:
//
//	E_c = Σ w_i E_L^c(x_i) / Σ w_i,  w_i = |Ψ_c(x_i)/Ψ₀(x_i)|²,
//	ESS_c = (Σ w_i)² / (n Σ w_i²) ∈ (0, 1],
//
// the sums taken over all walkers and ranks in one extra all-reduce (so
// every rank makes the same choice). Error bars σ of differences of these
// estimates come from the same sums: per-sample variances times the
// iteration's integrated autocorrelation time of E_L. The rule:
//
//  1. A candidate is acceptable when its sums are finite and ESS_c ≥
//     MinESS (its reweighting still rests on the samples).
//  2. None is acceptable: take the largest shift (the shortest step).
//  3. Otherwise take the acceptable candidate b of lowest E_c; but keep
//     the candidate at the current shift a when it is acceptable and not
//     higher than E_b by more than σ(E_a − E_b), so that the shift moves
//     on resolved differences, not on noise.
//
// (A further rule that refused candidates above the current energy on the
// same samples only reacted to that energy's noise: a candidate near the
// minimum has less variance than Ψ₀, so E_c − E₀ fluctuates like E₀.)
// Near the minimum the steps are mostly noise, which correlated sampling
// sees as a rise: the shift then grows and the parameters settle, and the
// candidate a/F lets it shrink again when a step pays.
//
// The chosen candidate's shift (as used: the solver grows a shift whose
// step is too long) becomes the next a. The candidates are
// evaluated at θ + ηΔ, η the rule's learning rate as the driver records
// it (1 when none is recorded; exact for gradient descent, the linear
// method's rule; clipping is not modelled).
//
// The same samples that estimated H also judge the candidates, which
// favours steps that fit their noise; MinShift bounds that, as it bounds
// the adaptive rule. Cost per iteration: 3 × (samples × (N proposals + a
// refresh + one local energy)), small next to the linear method's
// ∂E_L/∂θ for models that difference them numerically.
//
// The driver uses the selection for walkers of a Continuous system; Solve
// alone (outside the driver) takes the step at the current shift. A
// CorrelatedShift keeps its shift in State (saved in snapshots).
type CorrelatedShift struct {
	// Solver solves at each candidate shift; its initial shift
	// (CurrentShift) is the first a.
	Solver ShiftSolver
	// Factor F between the candidate shifts; 0 means 10.
	Factor float64
	// MinShift bounds the candidate shifts from below; 0 means 1e-3.
	MinShift float64
	// MinESS is the smallest acceptable effective-sample-size fraction of
	// the reweighted samples; 0 means 0.5.
	MinESS float64

	shift   float64
	started bool
	last    Selection
}

// Selection describes one iteration's choice of CorrelatedShift.
type Selection struct {
	// Per candidate: the shift used (after the solver's growth for long
	// steps; NaN when the solve failed), the correlated energy E_c, ESS_c,
	// and the error bar of E_c − Current.
	Shifts, Energies, ESS, Errors []float64
	// Current is the mean local energy of the stored samples (Ψ₀).
	Current float64
	// Samples is the number of stored samples n over all ranks.
	Samples float64
	// Chosen indexes the candidates, Middle is the one at the current
	// shift; Fallback tells that the largest shift was taken (rule 2).
	Chosen, Middle int
	Fallback       bool
}

func (c *CorrelatedShift) defaults() (factor, minShift, minESS float64) {
	factor, minShift, minESS = c.Factor, c.MinShift, c.MinESS
	if factor == 0 {
		factor = 10
	}
	if minShift == 0 {
		minShift = 1e-3
	}
	if minESS == 0 {
		minESS = 0.5
	}
	if !c.started {
		c.shift = math.Max(c.Solver.CurrentShift(), minShift)
	}
	return
}

// Shift is the centre a of the next iteration's candidates.
func (c *CorrelatedShift) Shift() float64 {
	c.defaults()
	return c.shift
}

// Last is the latest iteration's selection (a copy).
func (c *CorrelatedShift) Last() Selection {
	s := c.last
	s.Shifts = append([]float64(nil), s.Shifts...)
	s.Energies = append([]float64(nil), s.Energies...)
	s.ESS = append([]float64(nil), s.ESS...)
	s.Errors = append([]float64(nil), s.Errors...)
	return s
}

// Solve takes the step at the current shift, without selection.
func (c *CorrelatedShift) Solve(dst, H, S []float64, energy, errE float64) error {
	_, err := c.Solver.SolveAt(dst, H, S, c.Shift())
	return err
}

// State returns [shift, started].
func (c *CorrelatedShift) State() []float64 {
	s := 0.0
	if c.started {
		s = 1
	}
	return []float64{c.shift, s}
}

// SetState restores what State returned.
func (c *CorrelatedShift) SetState(s []float64) error {
	if len(s) != 2 {
		return fmt.Errorf("correlated shift state has %d values, expected 2", len(s))
	}
	c.shift, c.started = s[0], s[1] != 0
	return nil
}

// maxCandidates is the number of candidate shifts.
const maxCandidates = 3

// candidateShifts are a/F, a and a·F, floored at MinShift, without
// repeats, and the index of a's.
func (c *CorrelatedShift) candidateShifts(dst []float64) ([]float64, int) {
	f, m, _ := c.defaults()
	dst, mid := dst[:0], 0
	for i, a := range [maxCandidates]float64{c.shift / f, c.shift, c.shift * f} {
		a = math.Max(a, m)
		if len(dst) == 0 || a != dst[len(dst)-1] {
			dst = append(dst, a)
		}
		if i == 1 {
			mid = len(dst) - 1
		}
	}
	return dst, mid
}

// corrSums indexes the correlated-sampling sums of M = candidates + 1
// columns (column 0 the current wave function, w ≡ 1): n; per column a
// Σw_a and Σw_a E_a; per pair a ≤ b Σw_a w_b, Σw_a w_b E_a, Σw_a w_b E_b
// and Σw_a w_b E_a E_b, the energies taken relative to a reference close
// to them (round-off).
type corrSums struct {
	m   int
	tau float64 // factor of the variances (diffError)
}

func (c corrSums) len() int          { return 1 + 2*c.m + 4*c.m*c.m }
func (c corrSums) col(a int) int     { return 1 + 2*a }
func (c corrSums) pair(a, b int) int { return 1 + 2*c.m + 4*(a*c.m+b) }
func (c corrSums) energy(s []float64, a int) float64 {
	return s[c.col(a)+1] / s[c.col(a)]
}

// add adds one sample's weights w and local energies e (M values each).
func (c corrSums) add(s []float64, w, e *[maxCandidates + 1]float64) {
	s[0]++
	for a := range c.m {
		s[c.col(a)] += w[a]
		s[c.col(a)+1] += w[a] * e[a]
		for b := a; b < c.m; b++ {
			p := s[c.pair(a, b) : c.pair(a, b)+4]
			ww := w[a] * w[b]
			p[0] += ww
			p[1] += ww * e[a]
			p[2] += ww * e[b]
			p[3] += ww * e[a] * e[b]
		}
	}
}

// cov is the covariance of the per-sample terms w̃_a(E_a,i − E_a) and
// w̃_b(E_b,i − E_b), w̃ = w/mean(w), whose means estimate E_a and E_b.
func (c corrSums) cov(s []float64, a, b int) float64 {
	if a > b {
		a, b = b, a
	}
	n := s[0]
	ea, eb := c.energy(s, a), c.energy(s, b)
	p := s[c.pair(a, b) : c.pair(a, b)+4]
	wa, wb := s[c.col(a)]/n, s[c.col(b)]/n
	return (p[3] - eb*p[1] - ea*p[2] + ea*eb*p[0]) / (wa * wb * n)
}

// diffError is the error bar of E_a − E_b.
func (c corrSums) diffError(s []float64, a, b int) float64 {
	v := c.cov(s, a, a) + c.cov(s, b, b) - 2*c.cov(s, a, b)
	return math.Sqrt(math.Max(v, 0) * c.tau / s[0])
}

// choose applies the rule to the reduced sums (energies relative to ref)
// and records the selection; shifts are the shifts used (NaN for a failed
// solve), mid the index of the current shift's candidate, tau ≥ 1 the
// factor of the per-sample variances.
func (c *CorrelatedShift) choose(shifts []float64, mid int, sums []float64, ref, tau float64) (int, error) {
	_, _, minESS := c.defaults()
	cs := corrSums{m: maxCandidates + 1, tau: math.Max(tau, 1)}
	n := sums[0]
	s := Selection{Shifts: append(c.last.Shifts[:0], shifts...), Energies: c.last.Energies[:0], ESS: c.last.ESS[:0],
		Errors: c.last.Errors[:0], Current: ref + cs.energy(sums, 0), Samples: n, Chosen: -1, Middle: mid}
	best, largest := -1, -1
	var ok [maxCandidates]bool
	for k, a := range shifts {
		col := k + 1
		e, ess := ref+cs.energy(sums, col), sums[cs.col(col)]*sums[cs.col(col)]/(n*sums[cs.pair(col, col)])
		s.Energies, s.ESS = append(s.Energies, e), append(s.ESS, ess)
		s.Errors = append(s.Errors, cs.diffError(sums, col, 0))
		if math.IsNaN(a) {
			continue
		}
		if largest < 0 || a > shifts[largest] {
			largest = k
		}
		ok[k] = finite(e) && finite(ess) && ess >= minESS
		if ok[k] && (best < 0 || e < s.Energies[best]) {
			best = k
		}
	}
	switch {
	case largest < 0:
		return -1, errors.New("linear method: no candidate shift gave a step")
	case best < 0:
		best, s.Fallback = largest, true
	case ok[mid] && best != mid && s.Energies[mid]-s.Energies[best] <= cs.diffError(sums, mid+1, best+1):
		best = mid
	}
	s.Chosen = best
	c.last = s
	c.shift, c.started = shifts[best], true
	return best, nil
}
