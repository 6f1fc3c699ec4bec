package vmc

import (
	"context"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// exactLanczos is E, σ², E₁ and σ₁² of one Lanczos step by linear algebra
// on the whole zero-magnetisation sector: ψ as a vector (signs included),
// Hψ and H²ψ by applying H, and the lowest root of the 2×2 generalised
// eigenproblem in {ψ, Hψ}, independent of the sampled moments.
func exactLanczos(t *testing.T, sys *Lattice) (e, v, e1, v1 float64) {
	h := sys.H
	configs, index, spins := zeroSector(h.N)
	psi := make([]complex128, len(configs))
	for c, x := range configs {
		st := sys.Model.NewState(spins(x))
		psi[c] = complex(math.Exp(st.LogPsi()), 0)
		if sg, ok := st.(wavefunc.SignedSpinState); ok {
			psi[c] *= complex(sg.Sign(), 0)
		}
		if cs, ok := st.(wavefunc.ComplexSpinState); ok {
			psi[c] = cmplx.Exp(cs.ComplexLogPsi())
		}
	}
	apply := func(in []complex128) []complex128 {
		out := make([]complex128, len(in))
		var conn []hamiltonian.Connection
		for c, x := range configs {
			s := spins(x)
			out[c] += complex(h.Diagonal(s), 0) * in[c]
			conn = h.Connected(s, conn[:0])
			for _, t := range conn {
				y := x ^ 1<<t.I
				if t.J >= 0 {
					y ^= 1 << t.J
				}
				out[c] += complex(t.C, 0) * in[index[y]]
			}
		}
		return out
	}
	// ⟨a|b⟩, real for the Hermitian products taken here.
	dot := func(a, b []complex128) float64 {
		var s complex128
		for k := range a {
			s += cmplx.Conj(a[k]) * b[k]
		}
		return real(s)
	}
	h1 := apply(psi)
	h2 := apply(h1)
	nn := dot(psi, psi)
	m1, m2, m3, m4 := dot(psi, h1)/nn, dot(h1, h1)/nn, dot(h1, h2)/nn, dot(h2, h2)/nn
	e, v = m1, m2-m1*m1
	// Lowest λ of [[m1, m2], [m2, m3]] x = λ [[1, m1], [m1, m2]] x.
	a, b, c := m2-m1*m1, m1*m2-m3, m1*m3-m2*m2
	e1 = (-b - math.Sqrt(b*b-4*a*c)) / (2 * a)
	beta := -(m1 - e1) / (m2 - e1*m1)
	norm := 1 + 2*beta*m1 + beta*beta*m2
	v1 = (m2+2*beta*m3+beta*beta*m4)/norm - e1*e1
	return e, v, e1, v1
}

// zeroSector lists the configurations of n spins with zero
// magnetisation as bit patterns (bit k set: spin k down), their indices,
// and the spins of a pattern.
func zeroSector(n int) ([]uint64, map[uint64]int, func(uint64) []int8) {
	index := map[uint64]int{}
	var configs []uint64
	for x := range uint64(1) << n {
		if popcount(x) == n/2 {
			index[x] = len(configs)
			configs = append(configs, x)
		}
	}
	spins := func(x uint64) []int8 {
		s := make([]int8, n)
		for k := range s {
			s[k] = 1
			if x>>k&1 == 1 {
				s[k] = -1
			}
		}
		return s
	}
	return configs, index, spins
}

func popcount(x uint64) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

// One Lanczos step sampled against exact linear algebra, for RBMs on the
// 12-site Heisenberg ring and the 4×4 lattice and a complex RBM on the
// frustrated 4×4 J1–J2 model: E, E₁ and E₁ − E within 4
// jackknife error bars (that of E₁ − E below E's), the
// variances within 10 and 20 %, E₁ a clear step below E and
// above the ground state. (A state with nodes, such as the pair product,
// has heavy tails of E_L that short runs underestimate.)
func TestLanczosStep(t *testing.T) {
	ring, err := hamiltonian.NewLattice(hamiltonian.Chain, 12, true)
	if err != nil {
		t.Fatal(err)
	}
	hr, err := hamiltonian.NewHeisenberg(ring, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ring.Translations()
	if err != nil {
		t.Fatal(err)
	}
	rbm := wavefunc.NewSymmetricSpinRBM(12, 1, tr)
	rbm.Randomize(0.01, rand.New(rand.NewPCG(5, 6)))
	sq, err := hamiltonian.NewLattice(hamiltonian.Square, 4, true)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := hamiltonian.NewHeisenberg(sq, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	g, err := sq.SpaceGroup()
	if err != nil {
		t.Fatal(err)
	}
	sym := wavefunc.NewSymmetricSpinRBM(16, 1, g)
	sym.Randomize(0.01, rand.New(rand.NewPCG(7, 8)))
	hj, err := hamiltonian.NewJ1J2(sq, 1, 0.5, true)
	if err != nil {
		t.Fatal(err)
	}
	cx := wavefunc.NewSymmetricComplexSpinRBM(16, 1, g)
	cx.Randomize(0.01, rand.New(rand.NewPCG(9, 10)))
	for _, c := range []struct {
		name    string
		h       *hamiltonian.Spin
		m       wavefunc.SpinModel
		e0      float64 // the exact ground state
		samples int
		g       [][]int // the model's symmetry, for the enumeration
		iters   int
	}{
		{"RBM, 12-site ring", hr, rbm, -5.387391, 4000, tr, 15},
		{"space-group RBM, 4×4", hs, sym, -11.228483, 2000, g, 15},
		{"complex RBM, 4×4 J1–J2 at J2 = ½", hj, cx, -8.457923, 2000, g, 15},
	} {
		if testing.Short() && c.h != hr {
			continue // the 4×4 cases: ~10 s, more under -race
		}
		sys, err := NewLattice(c.h, c.m, sampler.SpinSettings{Move: sampler.Exchange})
		if err != nil {
			t.Fatal(err)
		}
		// A few exact SR steps: a state a few per cent above the ground
		// state, where a Lanczos step is used.
		en, err := NewEnumeration(sys, c.g)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := en.Optimise(optim.NewGD(0.05), &optim.SR{Shift: 0.01}, c.iters, nil); err != nil {
			t.Fatal(err)
		}
		e, v, e1, v1 := exactLanczos(t, sys)
		r, err := sys.LanczosStep(context.Background(), comm.NewSerial(), LanczosOptions{Walkers: 4, BurnIn: 100, Samples: c.samples, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: E %.5f ± %.5f (exact %.5f), σ² %.4f (%.4f); E₁ %.5f ± %.5f (exact %.5f), σ₁² %.4f (%.4f), β %.4f; extrapolated %.5f ± %.5f; ground state %.5f",
			c.name, r.Energy, r.EnergyError, e, r.Variance, v, r.Energy1, r.Energy1Error, e1, r.Variance1, v1, r.Beta, r.Extrapolated, r.ExtrapErr, c.e0)
		if math.Abs(r.Energy-e) > 4*r.EnergyError || math.Abs(r.Energy1-e1) > 4*r.Energy1Error {
			t.Errorf("%s: sampled E %v ± %v, E₁ %v ± %v; exact %v, %v", c.name, r.Energy, r.EnergyError, r.Energy1, r.Energy1Error, e, e1)
		}
		if math.Abs(r.Lowering-(e1-e)) > 4*r.LoweringError || r.LoweringError >= r.EnergyError {
			t.Errorf("%s: E₁ − E = %v ± %v, exact %v (the error should be well below E's %v)", c.name, r.Lowering, r.LoweringError, e1-e, r.EnergyError)
		}
		// σ₁² needs ⟨|q₂|²⟩, a fourth moment of H: 20 %.
		if math.Abs(r.Variance/v-1) > 0.1 || math.Abs(r.Variance1/v1-1) > 0.2 {
			t.Errorf("%s: sampled σ² %v, σ₁² %v; exact %v, %v", c.name, r.Variance, r.Variance1, v, v1)
		}
		if !(e1 < e-0.1*(e-c.e0)) || !(e1 > c.e0) {
			t.Errorf("%s: exact E₁ = %v for E = %v: want a clear step down, above the ground state %v", c.name, e1, e, c.e0)
		}
		if r.Samples != 4*c.samples {
			t.Errorf("%s: %d samples, want %d", c.name, r.Samples, 4*c.samples)
		}
	}
}

func TestLanczosStepBadInput(t *testing.T) {
	ring, _ := hamiltonian.NewLattice(hamiltonian.Chain, 6, true)
	h, _ := hamiltonian.NewHeisenberg(ring, 1, true)
	real, _ := NewLattice(h, wavefunc.NewSpinRBM(6, 6), sampler.SpinSettings{Move: sampler.Exchange})
	for _, c := range []struct {
		name string
		sys  *Lattice
		o    LanczosOptions
	}{
		{"no walkers", real, LanczosOptions{Samples: 10}},
		{"no samples", real, LanczosOptions{Walkers: 1}},
		{"one sample: one block", real, LanczosOptions{Walkers: 1, Samples: 1}},
		{"negative burn-in", real, LanczosOptions{Walkers: 1, Samples: 10, BurnIn: -1}},
		{"more blocks than samples", real, LanczosOptions{Walkers: 1, Samples: 10, Blocks: 11}},
		{"one block", real, LanczosOptions{Walkers: 1, Samples: 10, Blocks: 1}},
	} {
		if c.sys == nil {
			t.Fatalf("%s: no system", c.name)
		}
		if _, err := c.sys.LanczosStep(context.Background(), comm.NewSerial(), c.o); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}
