package vmc

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Green's-function Monte Carlo on a lattice with a real trial state ψ as
// the guiding function: a projection e^{−tH} of ψ onto the ground state,
// sampled in continuous imaginary time (no time-step error) with a fixed
// population and stochastic reconfiguration (Trivedi and Ceperley, PRB 41,
// 4552 (1990); Calandra Buonaura and Sorella, PRB 57, 11446 (1998); Becca
// and Sorella, "Quantum Monte Carlo Approaches for Correlated Systems",
// ch. 8–9).
//
// With G_{s's} = ψ(s') H_{s's}/ψ(s), the column sums of G are E_L(s), so
// e^{−tG} is a jump process with rates −G_{s's} > 0 whose paths carry the
// weight exp(−∫ E_L dt). Where ψ's signs make G_{s's} > 0 (a move that
// violates them), the fixed-node operator of ten Haaf et al. (PRB 51,
// 13039 (1995)) moves that element onto the diagonal: the jump is
// forbidden, E_L is unchanged, and the energy obtained is an upper bound
// on the ground state's, below ψ's own. For a sign-free operator (the
// Heisenberg model in the Marshall-rotated basis with a positive ψ, the
// TFIM with a positive ψ) nothing is moved and the energy is exact, up to
// statistics and the population's finite size. Each off-diagonal piece
// the operator lists is judged on its own: where two pieces reach the same
// configuration (not so for the Heisenberg, J1–J2 and TFIM operators
// built here) with opposite signs, their sum is what the fixed-node
// operator should judge.
//
// Each rank runs its own population. After every interval τ the walkers'
// weights are averaged (w̄_n) and the population is resampled in
// proportion to them; the mixed estimator of the energy,
//
//	E_p = Σ_n W_n^p ē_n / Σ_n W_n^p,  W_n^p = Π_{j=0}^{p} w̄_{n−j},
//
// restores the weights that resampling dropped over the last p intervals,
// which removes the bias of a finite population as pτ grows (pτ beyond
// the inverse gap), at the cost of noise. E_p is given for p from 0 to
// Project, to show that it has converged.

// GFMCOptions sets a projection.
type GFMCOptions struct {
	Walkers     int     // population per rank
	BurnIn      int     // VMC sample intervals of each walker before the projection starts
	Tau         float64 // imaginary time between reconfigurations (1/J)
	Steps       int     // measured intervals
	Equilibrate int     // intervals discarded first (≥ Project)
	Project     int     // p: intervals whose population weights correct each measurement
	Blocks      int     // jackknife blocks per rank (0: 10)
	Seed        uint64  // the walkers' streams (rank and index are mixed in)
	Workers     int     // goroutines; 0: GOMAXPROCS
	// Progress, when set, is called on every rank after each interval
	// with the intervals done and their total (equilibration included).
	Progress func(done, total int)
}

// GFMCResult is the projected energy with jackknife error bars over
// blocks of every rank's intervals.
type GFMCResult struct {
	Walkers             int // population over all ranks
	Steps, Project      int
	Tau                 float64
	Energy, EnergyError float64 // E_p at p = Project
	// Projections lists p = 0 … Project in a few steps and Energies,
	// Errors E_p there: flat at large p when the projection has converged.
	Projections      []int
	Energies, Errors []float64
	// FixedNode is set when some moves violated ψ's signs: Energy is then
	// the fixed-node energy, an upper bound. SignViolation is the sign-
	// violating part of Σ|G_{s's}| over all visited configurations.
	FixedNode     bool
	SignViolation float64
	Jumps         float64 // moves made, over all walkers and ranks
	VMCEnergy     float64 // mean E_L of the starting populations (ψ's energy)
}

// gfmcStreams offsets the walker index of the projection's streams from
// the driver's and the Lanczos step's.
const gfmcStreams = 1 << 21

// gfmcWalker is one member of a population.
type gfmcWalker struct {
	st   wavefunc.SpinState
	rng  *rand.Rand
	conn []hamiltonian.Connection
	cum  []float64 // cumulative rates of the allowed moves
	idx  []int     // their indices in conn
	el   float64   // E_L at the configuration
	logw float64   // log weight gathered in the current interval
	viol float64   // Σ of sign-violating G_{s's}
	abs  float64   // Σ |G_{s's}|
	jump float64
}

// local computes E_L, the rates of the allowed moves and their total.
func (g *gfmcWalker) local(h *hamiltonian.Spin) float64 {
	s := g.st.Spins()
	el := h.Diagonal(s)
	g.conn = h.Connected(s, g.conn[:0])
	g.cum, g.idx = g.cum[:0], g.idx[:0]
	r := 0.0
	for k, c := range g.conn {
		v := c.C * g.st.Ratio(c.I, c.J)
		el += v
		switch {
		case v < 0:
			r -= v
			g.cum = append(g.cum, r)
			g.idx = append(g.idx, k)
		case v > 0:
			g.viol += v
		}
		g.abs += math.Abs(v)
	}
	g.el = el
	return r
}

// advance propagates the walker over an interval tau, gathering the log
// weight −∫(E_L − et) dt.
func (g *gfmcWalker) advance(h *hamiltonian.Spin, tau, et float64) error {
	g.st.Refresh() // no rounding carried over from the last interval's moves
	g.logw = 0
	left := tau
	for {
		r := g.local(h)
		if !finite(g.el) {
			return fmt.Errorf("vmc: GFMC: local energy %g at a walker's configuration", g.el)
		}
		dt := math.Inf(1)
		if r > 0 {
			dt = -math.Log(1-g.rng.Float64()) / r
		}
		if dt >= left {
			g.logw -= left * (g.el - et)
			return nil
		}
		g.logw -= dt * (g.el - et)
		left -= dt
		k := sort.SearchFloat64s(g.cum, g.rng.Float64()*r)
		c := g.conn[g.idx[min(k, len(g.idx)-1)]]
		g.st.Flip(c.I, c.J)
		g.jump++
	}
}

// GFMC projects the lattice's trial state at its current parameters onto
// the ground state (the fixed-node ground state when ψ's signs are not
// those of the ground state). Every rank takes part and gets the same
// result. The trial state must be real (signs allowed).
func (s *Lattice) GFMC(ctx context.Context, c comm.Comm, o GFMCOptions) (*GFMCResult, error) {
	if o.Blocks == 0 {
		o.Blocks = 10
	}
	switch {
	case o.Walkers < 2 || o.BurnIn < 0:
		return nil, fmt.Errorf("vmc: GFMC: %d walkers per rank, burn-in %d: want ≥ 2, ≥ 0", o.Walkers, o.BurnIn)
	case !(o.Tau > 0) || math.IsInf(o.Tau, 0):
		return nil, fmt.Errorf("vmc: GFMC: τ = %g: want a positive imaginary time", o.Tau)
	case o.Project < 0 || o.Equilibrate < o.Project:
		return nil, fmt.Errorf("vmc: GFMC: %d equilibration intervals for a projection over %d: want 0 ≤ projection ≤ equilibration", o.Equilibrate, o.Project)
	case o.Blocks < 2 || o.Steps < o.Blocks:
		return nil, fmt.Errorf("vmc: GFMC: %d intervals in %d blocks: want ≥ 2 blocks of ≥ 1 interval", o.Steps, o.Blocks)
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, o.Walkers)
	pop := make([]*gfmcWalker, o.Walkers)
	lerr := s.gfmcStart(ctx, c.Rank(), o, workers, pop)
	var steps []gfmcStep
	var et float64
	if lerr == nil {
		steps, et, lerr = s.gfmcRun(ctx, c.Rank(), o, workers, pop)
	}
	// Every rank reaches the collectives: a failure anywhere fails all.
	if err := comm.Agree(c, lerr); err != nil {
		return nil, err
	}
	return gfmcEstimate(c, o, pop, steps, et)
}

// gfmcStart makes the population: each walker from its own VMC chain
// after BurnIn sample intervals, so that it starts from |ψ|².
func (s *Lattice) gfmcStart(ctx context.Context, rank int, o GFMCOptions, workers int, pop []*gfmcWalker) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for k := range pop {
		g.Go(func() error {
			wk, err := s.NewWalker(rank, gfmcStreams+k, o.Seed)
			if err != nil {
				return err
			}
			lw, ok := wk.(*LatticeWalker)
			if !ok {
				return fmt.Errorf("vmc: GFMC needs a real trial state (signs allowed); %T is complex", s.Model)
			}
			for b := range o.BurnIn {
				if b%64 == 0 && gctx.Err() != nil {
					return gctx.Err()
				}
				sampleInterval(lw.W)
			}
			pop[k] = &gfmcWalker{st: lw.st, rng: rand.New(sampler.NewSource(o.Seed, rank, gfmcStreams+o.Walkers+k))}
			return nil
		})
	}
	return g.Wait()
}

// gfmcStep is one interval's record: log w̄ and the weighted mean of E_L.
type gfmcStep struct{ logW, e float64 }

// gfmcRun propagates and reconfigures the population for Equilibrate +
// Steps intervals. It returns their records and the mean local energy of
// the starting population.
func (s *Lattice) gfmcRun(ctx context.Context, rank int, o GFMCOptions, workers int, pop []*gfmcWalker) ([]gfmcStep, float64, error) {
	m := len(pop)
	// The reference energy only scales the weights: the mean local energy
	// of the starting population keeps w̄ near 1.
	et := 0.0
	for _, w := range pop {
		w.local(s.H)
		et += w.el
	}
	et /= float64(m)
	for _, w := range pop {
		w.viol, w.abs = 0, 0
	}
	rng := rand.New(sampler.NewSource(o.Seed, rank, gfmcStreams+2*o.Walkers))
	total := o.Equilibrate + o.Steps
	steps := make([]gfmcStep, 0, total)
	ws := make([]float64, m)
	src, count, free := make([]int, m), make([]int, m), make([]int, 0, m)
	spins := make([][]int8, m)
	for k := range spins {
		spins[k] = make([]int8, s.H.N)
	}
	chunk := (m + workers - 1) / workers
	for n := range total {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		var g errgroup.Group
		for lo := 0; lo < m; lo += chunk {
			g.Go(func() error {
				for _, w := range pop[lo:min(lo+chunk, m)] {
					if err := w.advance(s.H, o.Tau, et); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, 0, err
		}
		// w̄ and ē in logs, then resample in proportion to the weights.
		mx := math.Inf(-1)
		for _, w := range pop {
			mx = math.Max(mx, w.logw)
		}
		sum, se := 0.0, 0.0
		for k, w := range pop {
			ws[k] = math.Exp(w.logw - mx)
			sum += ws[k]
			se += ws[k] * w.el
		}
		steps = append(steps, gfmcStep{logW: mx + math.Log(sum/float64(m)), e: se / sum})
		systematic(ws, sum, rng.Float64(), src)
		reconfigure(pop, src, spins, count, free)
		if o.Progress != nil {
			o.Progress(n+1, total)
		}
	}
	return steps, et, nil
}

// systematic writes into src the walker each slot copies: one uniform u,
// slot k takes the walker whose cumulative weight first exceeds
// (u + k)·sum/m.
func systematic(ws []float64, sum, u float64, src []int) {
	m := len(ws)
	j, cum := 0, ws[0]
	for k := range m {
		x := (u + float64(k)) * sum / float64(m)
		for cum <= x && j < m-1 {
			j++
			cum += ws[j]
		}
		src[k] = j
	}
}

// reconfigure gives the population the multiplicities src asks for,
// keeping every surviving walker in its slot and copying configurations
// into the slots of those that died (their caches rebuilt by SetSpins);
// count and free are scratch of len(pop) and capacity len(pop).
func reconfigure(pop []*gfmcWalker, src []int, spins [][]int8, count, free []int) {
	m := len(pop)
	clear(count)
	for _, j := range src {
		count[j]++
	}
	free = free[:0]
	for k := range m {
		if count[k] == 0 {
			free = append(free, k)
		}
	}
	for j := range m {
		for ; count[j] > 1; count[j]-- {
			k := free[len(free)-1]
			free = free[:len(free)-1]
			copy(spins[k], pop[j].st.Spins())
			pop[k].st.SetSpins(spins[k])
		}
	}
}

// gfmcEstimate turns every rank's intervals into E_p with jackknife
// errors over blocks of every rank.
func gfmcEstimate(c comm.Comm, o GFMCOptions, pop []*gfmcWalker, steps []gfmcStep, et float64) (*GFMCResult, error) {
	ps := []int{0}
	for _, f := range []int{4, 2} {
		if p := o.Project / f; p > ps[len(ps)-1] {
			ps = append(ps, p)
		}
	}
	if o.Project > ps[len(ps)-1] {
		ps = append(ps, o.Project)
	}
	// Per p and block: Σ W ē and Σ W, each rank's weights normalised to
	// a mean of 1 over its intervals; then the counters.
	nb := o.Blocks
	per := len(ps) * nb * 2
	all := make([]float64, c.Size()*per+5)
	mine := all[c.Rank()*per:]
	lw := make([]float64, o.Steps)
	for ip, p := range ps {
		for n := range o.Steps {
			t := o.Equilibrate + n
			x := 0.0
			for j := range p + 1 {
				x += steps[t-j].logW
			}
			lw[n] = x
		}
		mx := slices.Max(lw)
		norm := 0.0
		for _, x := range lw {
			norm += math.Exp(x - mx)
		}
		norm /= float64(o.Steps)
		for n, x := range lw {
			w := math.Exp(x-mx) / norm
			b := (ip*nb + n*nb/o.Steps) * 2
			mine[b] += w * steps[o.Equilibrate+n].e
			mine[b+1] += w
		}
	}
	tail := all[c.Size()*per:]
	for _, w := range pop {
		tail[0] += w.viol
		tail[1] += w.abs
		tail[2] += w.jump
	}
	tail[3] = float64(len(pop))
	tail[4] = et * float64(len(pop))
	if err := c.AllReduce(all, comm.Sum); err != nil {
		return nil, err
	}
	res := &GFMCResult{
		Walkers: int(tail[3]), Steps: o.Steps, Project: o.Project, Tau: o.Tau,
		Projections: ps, Jumps: tail[2], VMCEnergy: tail[4] / tail[3],
	}
	if tail[1] > 0 {
		res.SignViolation = tail[0] / tail[1]
	}
	res.FixedNode = tail[0] > 0
	nblk := c.Size() * nb
	for ip := range ps {
		var num, den float64
		blk := func(r, b int) (float64, float64) {
			i := r*per + (ip*nb+b)*2
			return all[i], all[i+1]
		}
		for r := range c.Size() {
			for b := range nb {
				x, y := blk(r, b)
				num += x
				den += y
			}
		}
		e := num / den
		var v float64
		for r := range c.Size() {
			for b := range nb {
				x, y := blk(r, b)
				v += sq((num-x)/(den-y) - e)
			}
		}
		f := float64(nblk-1) / float64(nblk)
		res.Energies = append(res.Energies, e)
		res.Errors = append(res.Errors, math.Sqrt(f*v))
	}
	res.Energy, res.EnergyError = res.Energies[len(ps)-1], res.Errors[len(ps)-1]
	if !finite(res.Energy) {
		return nil, fmt.Errorf("vmc: GFMC: energy %g", res.Energy)
	}
	return res, nil
}
