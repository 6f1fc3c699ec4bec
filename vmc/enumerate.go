package vmc

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Enumeration replaces sampling by the exact sum over every configuration
// of a small lattice: the zero-magnetisation sector for exchange moves
// (12 870 configurations on 4×4), all 2^N otherwise. Expectation values
// are weighted by |Ψ(s)|²/Σ|Ψ|², so the energy, the gradient and the SR
// matrix carry no Monte Carlo noise: a tool for small lattices, for
// deterministic tests of what a wave function can represent and of the
// optimiser, not for production (its cost grows as the sector). Real and
// complex states (wavefunc.ComplexSpinState) are both summed, with the
// formulas of the complex path (see ComplexWalker).
//
// The Hamiltonian's connections between configurations are listed once;
// each evaluation computes ln Ψ and O_k once per configuration and the
// local energies from the table of ln Ψ, E_L(s) = Σ_s' H_ss' e^{ln Ψ(s') −
// ln Ψ(s)}, with no ratio evaluations.
type Enumeration struct {
	sys     *Lattice
	configs []uint64  // bit i set: s_i = −1
	mult    []float64 // configurations each one stands for (its orbit)
	diag    []float64 // ⟨s|H|s⟩
	// The connections of configuration c: to[start[c]:start[c+1]] (indices
	// into configs) with elements elem[…].
	start []int32
	to    []int32
	elem  []float64

	logPsi []complex128
	w      []float64
	spins  []int8
	o      []float64 // per configuration: Re O_k, then Im O_k
}

// MaxEnumeration bounds the configurations an Enumeration sums over.
const MaxEnumeration = 1 << 22

// maxEnumerationFloats bounds the kept O vectors (2P per configuration).
const maxEnumerationFloats = 1 << 26

// NewEnumeration lists the configurations of sys's sector. With a group
// of site permutations (perm[k] = image of site k) it keeps one
// configuration per orbit, weighted by the orbit's size: exact, and |G|
// times cheaper, when Ψ, E_L and every O_k are invariant under the group
// — a symmetric model (wavefunc.NewSymmetricSpinRBM,
// NewSymmetricComplexSpinRBM) of an operator with the same symmetry,
// which the caller vouches for. nil: every configuration.
func NewEnumeration(sys *Lattice, group [][]int) (*Enumeration, error) {
	n := sys.H.N
	exchange := sys.Sampler.Move == sampler.Exchange
	switch {
	case exchange && n%2 != 0:
		return nil, fmt.Errorf("vmc: enumeration of the zero-magnetisation sector of %d sites: need an even number", n)
	case exchange && n > 40, !exchange && n > 22:
		return nil, fmt.Errorf("vmc: enumeration of %d sites: too many configurations (at most %d)", n, MaxEnumeration)
	}
	e := &Enumeration{sys: sys, spins: make([]int8, n)}
	var all []uint64
	if exchange {
		// Gosper's hack walks the N/2-bit patterns in increasing order.
		x := uint64(1)<<(n/2) - 1
		for x < 1<<n {
			all = append(all, x)
			if len(all) > MaxEnumeration {
				return nil, fmt.Errorf("vmc: enumeration of %d sites: more than %d configurations", n, MaxEnumeration)
			}
			c := x & -x
			r := x + c
			x = (((r ^ x) >> 2) / c) | r
		}
	} else {
		for x := range uint64(1) << n {
			all = append(all, x)
		}
	}
	// rep maps every configuration to the index of its orbit's smallest.
	rep := make(map[uint64]int32, len(all))
	for _, x := range all {
		least := x
		for _, perm := range group {
			least = min(least, permuteBits(x, perm))
		}
		k, ok := rep[least]
		if !ok {
			k = int32(len(e.configs))
			rep[least] = k
			e.configs = append(e.configs, least)
			e.mult = append(e.mult, 0)
		}
		rep[x] = k
		e.mult[k]++
	}
	var conn []hamiltonian.Connection
	e.start = append(e.start, 0)
	for _, x := range e.configs {
		s := e.setSpins(x)
		e.diag = append(e.diag, sys.H.Diagonal(s))
		conn = sys.H.Connected(s, conn[:0])
		for _, c := range conn {
			y := x ^ 1<<c.I
			if c.J >= 0 {
				y ^= 1 << c.J
			}
			k, ok := rep[y]
			if !ok {
				return nil, fmt.Errorf("vmc: enumeration: %v connects the sector to a configuration outside it (use flip moves)", sys.H)
			}
			e.to = append(e.to, k)
			e.elem = append(e.elem, c.C)
		}
		e.start = append(e.start, int32(len(e.to)))
	}
	if floats := 2 * len(e.configs) * sys.NumParams(); floats > maxEnumerationFloats {
		return nil, fmt.Errorf("vmc: enumeration: %d configurations × %d parameters: more than %d kept values (use a symmetry group)", len(e.configs), sys.NumParams(), maxEnumerationFloats/2)
	}
	e.o = make([]float64, 2*len(e.configs)*sys.NumParams())
	e.logPsi = make([]complex128, len(e.configs))
	e.w = make([]float64, len(e.configs))
	return e, nil
}

// permuteBits moves bit k of x to bit perm[k].
func permuteBits(x uint64, perm []int) uint64 {
	var y uint64
	for k, p := range perm {
		y |= (x >> k & 1) << p
	}
	return y
}

// Len is the number of configurations summed over (orbits, with a group).
func (e *Enumeration) Len() int { return len(e.configs) }

func (e *Enumeration) setSpins(x uint64) []int8 {
	for i := range e.spins {
		e.spins[i] = int8(1 - 2*int(x>>i&1))
	}
	return e.spins
}

// Moments are exact expectation values over |Ψ|².
type Moments struct {
	Energy, EnergyIm float64   // Re and Im of ⟨E_L⟩
	Variance         float64   // ⟨|E_L − ⟨E_L⟩|²⟩
	Force            []float64 // F_k = Re⟨O_k* (E_L − ⟨E_L⟩)⟩ = G_k/2
	S                []float64 // S_kl = Re(⟨O_k* O_l⟩ − ⟨O_k⟩*⟨O_l⟩), P×P (nil: not wanted)
}

// Evaluate sums over the sector at the model's current parameters. With
// withS it fills the P×P SR matrix as well (P²/2 products per
// configuration).
func (e *Enumeration) Evaluate(withS bool) Moments {
	sys := e.sys
	np := sys.NumParams()
	st := sys.Model.NewState(e.setSpins(e.configs[0]))
	cst, isComplex := st.(wavefunc.ComplexSpinState)
	signed, isSigned := st.(wavefunc.SignedSpinState)
	// Pass 1: ln Ψ and O of every configuration, and the weights.
	top := math.Inf(-1)
	for c, x := range e.configs {
		st.SetSpins(e.setSpins(x))
		re, im := e.o[2*c*np:(2*c+1)*np], e.o[(2*c+1)*np:(2*c+2)*np]
		if isComplex {
			e.logPsi[c] = cst.ComplexLogPsi()
			cst.ComplexParamGrad(re, im)
		} else {
			e.logPsi[c] = complex(st.LogPsi(), 0)
			if isSigned && signed.Sign() < 0 {
				// A real amplitude's sign as the phase π.
				e.logPsi[c] = complex(st.LogPsi(), math.Pi)
			}
			st.ParamGrad(re)
		}
		top = math.Max(top, real(e.logPsi[c]))
	}
	z := 0.0
	for c, l := range e.logPsi {
		e.w[c] = e.mult[c] * math.Exp(2*(real(l)-top))
		z += e.w[c]
	}
	// Pass 2: weighted sums of E_L, O and their products.
	m := Moments{Force: make([]float64, np)}
	sx, sy, sex := make([]float64, np), make([]float64, np), m.Force
	var soo []float64
	if withS {
		soo = make([]float64, np*np)
	}
	var eu, ev, e2 float64
	for c := range e.configs {
		w := e.w[c] / z
		if w == 0 {
			continue
		}
		el := complex(e.diag[c], 0)
		for k := e.start[c]; k < e.start[c+1]; k++ {
			el += complex(e.elem[k], 0) * cmplx.Exp(e.logPsi[e.to[k]]-e.logPsi[c])
		}
		re, im := e.o[2*c*np:(2*c+1)*np], e.o[(2*c+1)*np:(2*c+2)*np]
		u, v := real(el), imag(el)
		eu += w * u
		ev += w * v
		e2 += w * (u*u + v*v)
		for k, xk := range re {
			yk := im[k]
			sx[k] += w * xk
			sy[k] += w * yk
			sex[k] += w * (xk*u + yk*v)
			if soo != nil {
				row := soo[k*np : k*np+np]
				wx, wy := w*xk, w*yk
				for l := k; l < np; l++ {
					row[l] += wx*re[l] + wy*im[l]
				}
			}
		}
	}
	m.Energy, m.EnergyIm = eu, ev
	m.Variance = e2 - eu*eu - ev*ev
	for k := range np {
		m.Force[k] = sex[k] - eu*sx[k] - ev*sy[k]
	}
	if soo != nil {
		for k := range np {
			for l := k; l < np; l++ {
				soo[k*np+l] -= sx[k]*sx[l] + sy[k]*sy[l]
				soo[l*np+k] = soo[k*np+l]
			}
		}
		m.S = soo
	}
	return m
}

// Optimise runs iterations of exact SR (sr non-nil) or plain gradient
// steps with rule, from the model's current parameters, and returns the
// energy of each iteration (before its step); onIter, when set, sees each.
func (e *Enumeration) Optimise(rule Rule, sr Preconditioner, iterations int, onIter func(it int, m Moments)) ([]float64, error) {
	np := e.sys.NumParams()
	p := e.sys.Params(nil)
	step := make([]float64, np)
	var hist []float64
	for it := range iterations {
		m := e.Evaluate(sr != nil)
		if !finite(m.Energy) {
			return hist, fmt.Errorf("vmc: enumeration: iteration %d: energy %g", it, m.Energy)
		}
		hist = append(hist, m.Energy)
		if onIter != nil {
			onIter(it, m)
		}
		if sr != nil {
			if err := sr.Solve(step, m.S, m.Force); err != nil {
				return hist, fmt.Errorf("vmc: enumeration: iteration %d: %w", it, err)
			}
		} else {
			for k, f := range m.Force {
				step[k] = 2 * f
			}
		}
		rule.Step(p, step)
		e.sys.SetParams(p)
	}
	return hist, nil
}
