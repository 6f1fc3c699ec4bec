package vmc

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// fixedNodeEnergy is the lowest eigenvalue of the fixed-node operator of
// sys's trial state on the whole zero-magnetisation sector, by Lanczos
// iterations with full reorthogonalisation: every off-diagonal element
// with ψ(s')H_{s's}/ψ(s) > 0 is dropped and added to the diagonal of s.
// For a sign-free operator it is the ground state's energy.
func fixedNodeEnergy(t *testing.T, sys *Lattice) float64 {
	h := sys.H
	configs, index, spins := zeroSector(h.N)
	psi := make([]float64, len(configs))
	for c, x := range configs {
		st := sys.Model.NewState(spins(x))
		psi[c] = math.Exp(st.LogPsi())
		if sg, ok := st.(wavefunc.SignedSpinState); ok {
			psi[c] *= sg.Sign()
		}
	}
	type elem struct {
		to int
		c  float64
	}
	diag := make([]float64, len(configs))
	rows := make([][]elem, len(configs))
	var conn []hamiltonian.Connection
	for c, x := range configs {
		s := spins(x)
		diag[c] = h.Diagonal(s)
		conn = h.Connected(s, conn[:0])
		for _, e := range conn {
			y := x ^ 1<<e.I
			if e.J >= 0 {
				y ^= 1 << e.J
			}
			d := index[y]
			if psi[d]*e.C/psi[c] > 0 {
				diag[c] += psi[d] * e.C / psi[c]
				continue
			}
			rows[c] = append(rows[c], elem{d, e.C})
		}
	}
	apply := func(in, out []float64) {
		for c := range in {
			v := diag[c] * in[c]
			for _, e := range rows[c] {
				v += e.c * in[e.to]
			}
			out[c] = v
		}
	}
	dot := func(a, b []float64) float64 {
		s := 0.0
		for k := range a {
			s += a[k] * b[k]
		}
		return s
	}
	// Lanczos from ψ: the tridiagonal matrix's lowest eigenvalue by
	// bisection on its Sturm sequence.
	const iters = 80
	var basis [][]float64
	var alpha, beta []float64
	v := append([]float64(nil), psi...)
	nv := math.Sqrt(dot(v, v))
	for k := range v {
		v[k] /= nv
	}
	w := make([]float64, len(v))
	for it := range iters {
		basis = append(basis, v)
		apply(v, w)
		a := dot(v, w)
		alpha = append(alpha, a)
		for _, b := range basis {
			p := dot(b, w)
			for k := range w {
				w[k] -= p * b[k]
			}
		}
		bn := math.Sqrt(dot(w, w))
		if bn < 1e-12 || it == iters-1 {
			break
		}
		beta = append(beta, bn)
		v = make([]float64, len(w))
		for k := range w {
			v[k] = w[k] / bn
		}
	}
	below := func(x float64) int { // eigenvalues of the tridiagonal matrix below x
		cnt, d := 0, 1.0
		for k := range alpha {
			off := 0.0
			if k > 0 {
				off = beta[k-1] * beta[k-1] / d
			}
			d = alpha[k] - x - off
			if d == 0 {
				d = 1e-300
			}
			if d < 0 {
				cnt++
			}
		}
		return cnt
	}
	lo, hi := -1e3, 1e3
	for range 200 {
		mid := (lo + hi) / 2
		if below(mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2
}

// gfmcSystem is a 4×4 lattice with a space-group RBM α = 1 after a few
// exact SR steps on h: a state per cents above the ground state.
func gfmcSystem(t *testing.T, h *hamiltonian.Spin, g [][]int, seed uint64) *Lattice {
	t.Helper()
	m := wavefunc.NewSymmetricSpinRBM(h.N, 1, g)
	m.Randomize(0.01, rand.New(rand.NewPCG(seed, 1)))
	sys, err := NewLattice(h, m, sampler.SpinSettings{Move: sampler.Exchange})
	if err != nil {
		t.Fatal(err)
	}
	en, err := NewEnumeration(sys, g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := en.Optimise(optim.NewGD(0.05), &optim.SR{Shift: 0.01}, 15, nil); err != nil {
		t.Fatal(err)
	}
	return sys
}

// TestGFMC: the projected energy equals the lowest eigenvalue of the
// fixed-node operator, computed by linear algebra: the exact ground state
// for the sign-free Heisenberg model (a positive RBM in the Marshall
// basis), an upper bound between the ground state and ψ's energy for
// J1–J2 at J2 = ½, where the positive RBM's signs are wrong.
func TestGFMC(t *testing.T) {
	if testing.Short() {
		t.Skip("4×4 linear algebra: ~20 s under -race; TestGFMCRanksAndWorkers checks the 12-site ring's ground state")
	}
	sq, err := hamiltonian.NewLattice(hamiltonian.Square, 4, true)
	if err != nil {
		t.Fatal(err)
	}
	g, err := sq.SpaceGroup()
	if err != nil {
		t.Fatal(err)
	}
	hs, err := hamiltonian.NewHeisenberg(sq, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	hj, err := hamiltonian.NewJ1J2(sq, 1, 0.5, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		h     *hamiltonian.Spin
		e0    float64 // the exact ground state
		fixed bool
	}{
		{"Heisenberg 4×4", hs, -11.228483, false},
		{"J1–J2 4×4 at J2 = ½", hj, -8.457923, true},
	} {
		sys := gfmcSystem(t, c.h, g, 3)
		efn := fixedNodeEnergy(t, sys)
		evmc, _ := exactEnergy(t, sys)
		o := GFMCOptions{Walkers: 40, BurnIn: 50, Tau: 0.1, Steps: 1500, Equilibrate: 60, Project: 40, Seed: 11}
		r, err := sys.GFMC(context.Background(), comm.NewSerial(), o)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: GFMC %.5f ± %.5f (p = %v: %.5f, errors %.5f); fixed-node exact %.6f, ground state %.6f, ψ %.5f (start %.5f); violation %.3g, %.0f jumps",
			c.name, r.Energy, r.EnergyError, r.Projections, r.Energies, r.Errors, efn, c.e0, evmc, r.VMCEnergy, r.SignViolation, r.Jumps)
		if math.Abs(r.Energy-efn) > 4*r.EnergyError || r.EnergyError > 0.2*(evmc-efn) {
			t.Errorf("%s: GFMC %v ± %v, want the fixed-node energy %v (ψ's %v)", c.name, r.Energy, r.EnergyError, efn, evmc)
		}
		if r.FixedNode != c.fixed || (r.SignViolation > 0) != c.fixed {
			t.Errorf("%s: fixed node %v (violation %v), want %v", c.name, r.FixedNode, r.SignViolation, c.fixed)
		}
		if !c.fixed && math.Abs(efn-c.e0) > 1e-6 {
			t.Errorf("%s: sign-free, yet the fixed-node operator's energy %v is not the ground state's %v", c.name, efn, c.e0)
		}
		if c.fixed && !(efn > c.e0 && efn < evmc) {
			t.Errorf("%s: fixed-node energy %v not between the ground state %v and ψ's %v", c.name, efn, c.e0, evmc)
		}
		if math.Abs(r.VMCEnergy-evmc) > 0.05*math.Abs(evmc) {
			t.Errorf("%s: the starting population's energy %v, ψ's %v", c.name, r.VMCEnergy, evmc)
		}
		if r.Walkers != 40 || r.Jumps <= 0 || len(r.Energies) != len(r.Projections) || r.Projections[len(r.Projections)-1] != 40 {
			t.Errorf("%s: result %+v", c.name, r)
		}
	}
}

// exactEnergy is ψ's energy and variance summed over every configuration.
func exactEnergy(t *testing.T, sys *Lattice) (float64, float64) {
	t.Helper()
	e, v, _, _ := exactLanczos(t, sys)
	return e, v
}

// TestGFMCRanksAndWorkers: the result does not depend on the number of
// goroutines, and two ranks run populations of their own whose
// estimates combine into one, the same on every rank.
func TestGFMCRanksAndWorkers(t *testing.T) {
	ring, _ := hamiltonian.NewLattice(hamiltonian.Chain, 12, true)
	h, _ := hamiltonian.NewHeisenberg(ring, 1, true)
	tr, _ := ring.Translations()
	o := GFMCOptions{Walkers: 12, BurnIn: 20, Tau: 0.1, Steps: 400, Equilibrate: 20, Project: 20, Seed: 4}
	run := func(ranks, workers int) []*GFMCResult {
		out := make([]*GFMCResult, ranks)
		err := comm.RunLocal(ranks, func(c comm.Comm) error {
			sys := gfmcSystem(t, h, tr, 5)
			oo := o
			oo.Workers = workers
			r, err := sys.GFMC(context.Background(), c, oo)
			out[c.Rank()] = r
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	one, three := run(1, 1)[0], run(1, 3)[0]
	if one.Energy != three.Energy || one.EnergyError != three.EnergyError {
		t.Errorf("1 goroutine %v ± %v, 3 goroutines %v ± %v: want identical", one.Energy, one.EnergyError, three.Energy, three.EnergyError)
	}
	two := run(2, 2)
	if two[0].Energy != two[1].Energy || two[0].Walkers != 24 {
		t.Errorf("2 ranks: %v and %v, %d walkers", two[0].Energy, two[1].Energy, two[0].Walkers)
	}
	// The 12-site ring's ground state, reached by both.
	const e0 = -5.387391
	for _, r := range []*GFMCResult{one, two[0]} {
		if math.Abs(r.Energy-e0) > 4*r.EnergyError {
			t.Errorf("%d walkers: %v ± %v, want %v", r.Walkers, r.Energy, r.EnergyError, e0)
		}
	}
}

func TestGFMCBadInput(t *testing.T) {
	ring, _ := hamiltonian.NewLattice(hamiltonian.Chain, 6, true)
	h, _ := hamiltonian.NewHeisenberg(ring, 1, true)
	tr, _ := ring.Translations()
	real, _ := NewLattice(h, wavefunc.NewSpinRBM(6, 6), sampler.SpinSettings{Move: sampler.Exchange})
	cx, _ := NewLattice(h, wavefunc.NewSymmetricComplexSpinRBM(6, 1, tr), sampler.SpinSettings{Move: sampler.Exchange})
	ok := GFMCOptions{Walkers: 4, Tau: 0.1, Steps: 20, Equilibrate: 2, Project: 2, Seed: 1}
	for _, c := range []struct {
		sys  *Lattice
		edit func(*GFMCOptions)
		want string
	}{
		{real, func(o *GFMCOptions) { o.Walkers = 1 }, "walkers"},
		{real, func(o *GFMCOptions) { o.Tau = 0 }, "τ"},
		{real, func(o *GFMCOptions) { o.Equilibrate = 1 }, "projection ≤ equilibration"},
		{real, func(o *GFMCOptions) { o.Steps = 5 }, "blocks"},
		{cx, func(o *GFMCOptions) {}, "real trial state"},
	} {
		o := ok
		c.edit(&o)
		if _, err := c.sys.GFMC(context.Background(), comm.NewSerial(), o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err %v, want one naming %q", o, err, c.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := real.GFMC(ctx, comm.NewSerial(), ok); err == nil {
		t.Error("a cancelled projection returned no error")
	}
}
