package hamiltonian

import (
	"container/heap"
	"fmt"
	"math"
)

// Harmonic is the isotropic trap V_ext = ½ω² Σ_i r_i².
type Harmonic struct{ Omega float64 }

// Potential is ½ω² Σ x_k² over all coordinates.
func (t Harmonic) Potential(x []float64, d int) float64 {
	r2 := 0.0
	for _, v := range x {
		r2 += v * v
	}
	return 0.5 * t.Omega * t.Omega * r2
}

// Width is 1/√ω, the spread of the trap's ground state.
func (t Harmonic) Width(int) float64 { return 1 / math.Sqrt(t.Omega) }

// Elliptical is the trap V_ext = ½ω² Σ_i (x_i² + y_i² + γ² z_i²) in three
// dimensions.
type Elliptical struct{ Omega, Gamma float64 }

// Potential is ½ω² Σ_i (x_i² + y_i² + γ² z_i²); d must be 3.
func (t Elliptical) Potential(x []float64, d int) float64 {
	r2 := 0.0
	g2 := t.Gamma * t.Gamma
	for i := 0; i < len(x); i += 3 {
		r2 += x[i]*x[i] + x[i+1]*x[i+1] + g2*x[i+2]*x[i+2]
	}
	return 0.5 * t.Omega * t.Omega * r2
}

// Width is 1/√ω in x and y and 1/√(γω) along z.
func (t Elliptical) Width(k int) float64 {
	if k == 2 {
		return 1 / math.Sqrt(t.Omega*t.Gamma)
	}
	return 1 / math.Sqrt(t.Omega)
}

// Check accepts three dimensions only.
func (t Elliptical) Check(d int) error {
	if d != 3 {
		return fmt.Errorf("hamiltonian: Elliptical (system.trap = \"elliptical\") needs D (system.dimensions) = 3, got %d", d)
	}
	return nil
}

// Coulomb is the repulsion v(r) = 1/r between unit charges.
type Coulomb struct{}

// V is 1/r.
func (Coulomb) V(r float64) float64 { return 1 / r }

// Core is 0: no hard core.
func (Coulomb) Core() float64 { return 0 }

// HardSphere is v(r) = +Inf for r ≤ Radius and 0 beyond.
type HardSphere struct{ Radius float64 }

// V is 0 beyond the core.
func (HardSphere) V(float64) float64 { return 0 }

// Core is the radius.
func (h HardSphere) Core() float64 { return h.Radius }

// Trap describes the built-in systems: N particles in d dimensions in a
// harmonic trap, isotropic or Elliptical (d = 3, γ along z), with the
// Coulomb repulsion and/or hard spheres of radius HardSphere. Fermions
// only changes the exact energy (shell filling instead of a condensate).
// NewTrap turns it into a Hamiltonian.
type Trap struct {
	N, D       int     // particles and dimensions
	Omega      float64 // trap frequency ω
	Elliptical bool    // V_trap with γ² z² (d = 3)
	Gamma      float64 // γ of the elliptical trap
	Coulomb    bool    // Σ_{i<j} 1/r_ij
	HardSphere float64 // radius a > 0 of the hard spheres; 0 for none
	Fermions   bool    // electrons (shell filling) rather than bosons, for Exact
}

// NewTrap builds the Hamiltonian t describes: the Harmonic or Elliptical
// trap, then hard spheres, then Coulomb, with the exact energy as
// Reference when it is known.
func NewTrap(t Trap) (*Particles, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	var ext External = Harmonic{Omega: t.Omega}
	if t.Elliptical {
		ext = Elliptical{Omega: t.Omega, Gamma: t.Gamma}
	}
	var pairs []Pair
	if t.HardSphere > 0 {
		pairs = append(pairs, HardSphere{Radius: t.HardSphere})
	}
	if t.Coulomb {
		pairs = append(pairs, Coulomb{})
	}
	h, err := NewParticles(t.N, t.D, ext, pairs...)
	if err != nil {
		return nil, err
	}
	h.Reference, h.HasReference = t.Exact()
	return h, nil
}

// Validate reports the first field whose value makes the system undefined.
// The messages name the Go field and the config key it comes from.
func (t Trap) Validate() error {
	switch {
	case t.N < 1:
		return fmt.Errorf("hamiltonian: N (system.particles) = %d, need at least 1", t.N)
	case t.D < 1 || t.D > 3:
		return fmt.Errorf("hamiltonian: D (system.dimensions) = %d, need 1, 2 or 3", t.D)
	case !(t.Omega > 0) || math.IsInf(t.Omega, 0):
		return fmt.Errorf("hamiltonian: Omega (system.omega) = %g, need a finite value > 0", t.Omega)
	case t.Elliptical && t.D != 3:
		return fmt.Errorf("hamiltonian: Elliptical (system.trap = \"elliptical\") needs D (system.dimensions) = 3, got %d", t.D)
	case t.Elliptical && (!(t.Gamma > 0) || math.IsInf(t.Gamma, 0)):
		return fmt.Errorf("hamiltonian: Gamma (system.gamma) = %g, need a finite value > 0 for the elliptical trap", t.Gamma)
	case !(t.HardSphere >= 0) || math.IsInf(t.HardSphere, 0):
		return fmt.Errorf("hamiltonian: HardSphere (system.radius) = %g, need a finite value ≥ 0", t.HardSphere)
	}
	return nil
}

// Exact returns the exact ground-state energy when it is known:
//   - no interaction (or N = 1): bosons all in the lowest orbital, ω/2 per
//     coordinate (γω/2 for z in the elliptical trap), so N·d·ω/2 isotropic
//     and N·(1 + γ/2)·ω elliptical; fermions fill the lowest orbitals
//     twice (spin up and down), e.g. 2, 10, 28, 60 ω for the closed 2D
//     shells N = 2, 6, 12, 20 and 3, 18, 60 ω for N = 2, 8, 20 in 3D;
//   - two particles with Coulomb repulsion in the isotropic trap (spin
//     singlet, so bosons and fermions alike): 3 at ω = 1 in 2D and 2 at
//     ω = ½ in 3D (Taut's analytic solutions).
func (t Trap) Exact() (e float64, ok bool) {
	if t.Validate() != nil {
		return 0, false
	}
	interacting := t.N > 1 && (t.Coulomb || t.HardSphere > 0)
	if !interacting {
		if !t.Fermions {
			return float64(t.N) * t.oneBodyGround(), true
		}
		return t.fermionGround(), true
	}
	if t.N == 2 && t.Coulomb && !(t.HardSphere > 0) && !t.Elliptical {
		switch {
		case t.D == 2 && t.Omega == 1:
			return 3, true
		case t.D == 3 && t.Omega == 0.5:
			return 2, true
		}
	}
	return 0, false
}

// oneBodyGround is the lowest single-particle energy.
func (t Trap) oneBodyGround() float64 {
	if t.Elliptical {
		return t.Omega * (1 + t.Gamma/2)
	}
	return float64(t.D) * t.Omega / 2
}

// fermionGround sums the lowest ⌈N/2⌉ and ⌊N/2⌋ single-particle energies
// ω(n_x + ½) + ω(n_y + ½) + ω_z(n_z + ½) (spin up and down). The orbitals
// come out in order of energy from a best-first walk over the quantum
// numbers: every orbital but the ground state has a cheaper neighbour
// with one quantum number lowered, so popping the cheapest pending one
// and pushing its raised neighbours lists them in order, in O(N log N).
func (t Trap) fermionGround() float64 {
	up := (t.N + 1) / 2
	w := [3]float64{t.Omega, t.Omega, t.Omega}
	if t.Elliptical {
		w[2] *= t.Gamma
	}
	energy := func(q [3]int) float64 {
		e := 0.0
		for k := range t.D {
			e += w[k] * (float64(q[k]) + 0.5)
		}
		return e
	}
	pending := &orbitalHeap{energy: energy}
	seen := map[[3]int]bool{{}: true}
	heap.Push(pending, [3]int{})
	levels := make([]float64, 0, up)
	for len(levels) < up {
		q := heap.Pop(pending).([3]int)
		levels = append(levels, energy(q))
		for k := range t.D {
			r := q
			r[k]++
			if !seen[r] {
				seen[r] = true
				heap.Push(pending, r)
			}
		}
	}
	e := 0.0
	for k, l := range levels {
		e += l
		if k < t.N/2 {
			e += l
		}
	}
	return e
}

// orbitalHeap is a min-heap of quantum numbers by energy.
type orbitalHeap struct {
	q      [][3]int
	energy func([3]int) float64
}

func (o *orbitalHeap) Len() int           { return len(o.q) }
func (o *orbitalHeap) Less(i, j int) bool { return o.energy(o.q[i]) < o.energy(o.q[j]) }
func (o *orbitalHeap) Swap(i, j int)      { o.q[i], o.q[j] = o.q[j], o.q[i] }
func (o *orbitalHeap) Push(x any)         { o.q = append(o.q, x.([3]int)) }
func (o *orbitalHeap) Pop() any {
	x := o.q[len(o.q)-1]
	o.q = o.q[:len(o.q)-1]
	return x
}

// MustTrap is NewTrap for constant descriptions in tests and examples: it
// panics when t is invalid.
func MustTrap(t Trap) *Particles {
	h, err := NewTrap(t)
	if err != nil {
		panic(err)
	}
	return h
}
