package hamiltonian

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Continuous is N particles in d dimensions in a harmonic trap,
//
//	H = Σ_i −½∇_i² + V_trap + V_int,
//
// with V_trap = ½ω² Σ_i r_i² (isotropic) or ½ω² Σ_i (x_i² + y_i² + γ² z_i²)
// (Elliptical, d = 3 only), and V_int the Coulomb repulsion Σ_{i<j} 1/r_ij
// and/or hard spheres of radius HardSphere (V = +Inf when some r_ij ≤ a).
// Fermions only changes Exact (shell filling instead of a condensate).
type Continuous struct {
	N, D       int     // particles and dimensions
	Omega      float64 // trap frequency ω
	Elliptical bool    // V_trap with γ² z² (d = 3)
	Gamma      float64 // γ of the elliptical trap
	Coulomb    bool    // Σ_{i<j} 1/r_ij
	HardSphere float64 // radius a > 0 of the hard spheres; 0 for none
	Fermions   bool    // electrons (shell filling) rather than bosons, for Exact
}

// Validate reports the first field whose value makes the system undefined.
// The messages name the Go field and the config key it comes from.
func (h *Continuous) Validate() error {
	switch {
	case h.N < 1:
		return fmt.Errorf("hamiltonian: N (system.particles) = %d, need at least 1", h.N)
	case h.D < 1 || h.D > 3:
		return fmt.Errorf("hamiltonian: D (system.dimensions) = %d, need 1, 2 or 3", h.D)
	case !(h.Omega > 0) || math.IsInf(h.Omega, 0):
		return fmt.Errorf("hamiltonian: Omega (system.omega) = %g, need a finite value > 0", h.Omega)
	case h.Elliptical && h.D != 3:
		return fmt.Errorf("hamiltonian: Elliptical (system.trap = \"elliptical\") needs D (system.dimensions) = 3, got %d", h.D)
	case h.Elliptical && (!(h.Gamma > 0) || math.IsInf(h.Gamma, 0)):
		return fmt.Errorf("hamiltonian: Gamma (system.gamma) = %g, need a finite value > 0 for the elliptical trap", h.Gamma)
	case !(h.HardSphere >= 0) || math.IsInf(h.HardSphere, 0):
		return fmt.Errorf("hamiltonian: HardSphere (system.radius) = %g, need a finite value ≥ 0", h.HardSphere)
	}
	return nil
}

// zWeight is the weight of the z coordinate in Σ r²: γ² in the
// elliptical trap and 1 otherwise.
func (h *Continuous) zWeight() float64 {
	if h.Elliptical && h.D == 3 {
		return h.Gamma * h.Gamma
	}
	return 1
}

// Potential is V(x): the trap plus the interactions; +Inf when two hard
// spheres overlap. It allocates nothing and costs O(N²) with interactions.
func (h *Continuous) Potential(x []float64) float64 {
	d := h.D
	if len(x) != h.N*d {
		panic(fmt.Sprintf("hamiltonian: Potential of %d coordinates, want N·D = %d", len(x), h.N*d))
	}
	r2 := 0.0
	if h.Elliptical && d == 3 {
		g2 := h.zWeight()
		for i := 0; i < len(x); i += 3 {
			r2 += x[i]*x[i] + x[i+1]*x[i+1] + g2*x[i+2]*x[i+2]
		}
	} else {
		for _, v := range x {
			r2 += v * v
		}
	}
	v := 0.5 * h.Omega * h.Omega * r2
	if !h.Coulomb && !(h.HardSphere > 0) {
		return v
	}
	a2 := h.HardSphere * h.HardSphere
	for i := 0; i < h.N; i++ {
		xi := x[i*d : i*d+d]
		for j := i + 1; j < h.N; j++ {
			xj := x[j*d : j*d+d]
			s := 0.0
			for k := range xi {
				t := xi[k] - xj[k]
				s += t * t
			}
			if h.HardSphere > 0 && s <= a2 {
				return math.Inf(1)
			}
			if h.Coulomb {
				v += 1 / math.Sqrt(s)
			}
		}
	}
	return v
}

// LocalEnergy is E_L = −½(∇²ln Ψ + |∇ln Ψ|²) + V(x), with grad = ∇ln Ψ
// (N·D values) and lap = ∇²ln Ψ at x.
func (h *Continuous) LocalEnergy(x, grad []float64, lap float64) float64 {
	g2 := 0.0
	for _, g := range grad {
		g2 += g * g
	}
	return -0.5*(lap+g2) + h.Potential(x)
}

// Overlaps reports whether two hard spheres overlap (some r_ij ≤ a); it is
// false without hard spheres.
func (h *Continuous) Overlaps(x []float64) bool {
	if !(h.HardSphere > 0) {
		return false
	}
	a2 := h.HardSphere * h.HardSphere
	for i := 1; i < h.N; i++ {
		if overlapsEarlier(x, i, h.D, a2) {
			return true
		}
	}
	return false
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
func (h *Continuous) Exact() (e float64, ok bool) {
	if h.Validate() != nil {
		return 0, false
	}
	interacting := h.N > 1 && (h.Coulomb || h.HardSphere > 0)
	if !interacting {
		if !h.Fermions {
			return float64(h.N) * h.oneBodyGround(), true
		}
		return h.fermionGround(), true
	}
	if h.N == 2 && h.Coulomb && !(h.HardSphere > 0) && !h.Elliptical {
		switch {
		case h.D == 2 && h.Omega == 1:
			return 3, true
		case h.D == 3 && h.Omega == 0.5:
			return 2, true
		}
	}
	return 0, false
}

// oneBodyGround is the lowest single-particle energy.
func (h *Continuous) oneBodyGround() float64 {
	if h.Elliptical {
		return h.Omega * (1 + h.Gamma/2)
	}
	return float64(h.D) * h.Omega / 2
}

// fermionGround sums the lowest ⌈N/2⌉ and ⌊N/2⌋ single-particle energies
// ω(n_x + ½) + ω(n_y + ½) + ω_z(n_z + ½) (spin up and down). The orbitals
// come out in order of energy from a best-first walk over the quantum
// numbers: every orbital but the ground state has a cheaper neighbour
// with one quantum number lowered, so popping the cheapest pending one
// and pushing its raised neighbours lists them in order, in O(N log N).
func (h *Continuous) fermionGround() float64 {
	up := (h.N + 1) / 2
	w := [3]float64{h.Omega, h.Omega, h.Omega}
	if h.Elliptical {
		w[2] *= h.Gamma
	}
	energy := func(q [3]int) float64 {
		e := 0.0
		for k := range h.D {
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
		for k := range h.D {
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
		if k < h.N/2 {
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

// ErrPlacement is wrapped by InitialPositions when hard spheres cannot be
// placed without overlap.
var ErrPlacement = errors.New("cannot place hard spheres without overlap")

// InitialPositions fills dst (N·D values) with a configuration drawn from
// Gaussians of width 1/√ω per coordinate (1/√(γω) along z in the
// elliptical trap), the spread of the non-interacting ground state. Hard
// spheres are placed one at a time, redrawing a particle that overlaps the
// ones already placed; after a bounded number of redraws the radius is
// reported as too large.
func (h *Continuous) InitialPositions(dst []float64, rng *rand.Rand) error {
	if err := h.Validate(); err != nil {
		return err
	}
	d := h.D
	if len(dst) != h.N*d {
		panic(fmt.Sprintf("hamiltonian: InitialPositions into %d values, want N·D = %d", len(dst), h.N*d))
	}
	sigma := 1 / math.Sqrt(h.Omega)
	sz := sigma
	if h.Elliptical {
		sz = 1 / math.Sqrt(h.Omega*h.Gamma)
	}
	// A particle that overlaps the placed ones after this many redraws
	// means the spheres fill the trap's central region: the Gaussian trial
	// functions would then start deep in their tails, so give up.
	const tries = 1000
	a2 := h.HardSphere * h.HardSphere
	for i := 0; i < h.N; i++ {
		xi := dst[i*d : i*d+d]
		for t := 0; ; t++ {
			for k := range xi {
				s := sigma
				if k == 2 {
					s = sz
				}
				xi[k] = s * rng.NormFloat64()
			}
			if !(h.HardSphere > 0) || !overlapsEarlier(dst, i, d, a2) {
				break
			}
			if t == tries {
				return fmt.Errorf("hamiltonian: system.radius = %g is too large for %d particles in a trap of length 1/√ω = %.4g (particle %d overlaps after %d draws): %w",
					h.HardSphere, h.N, sigma, i, tries, ErrPlacement)
			}
		}
	}
	return nil
}

// overlapsEarlier reports whether particle i overlaps any particle j < i.
func overlapsEarlier(x []float64, i, d int, a2 float64) bool {
	for j := 0; j < i; j++ {
		s := 0.0
		for k := range d {
			t := x[i*d+k] - x[j*d+k]
			s += t * t
		}
		if s <= a2 {
			return true
		}
	}
	return false
}
