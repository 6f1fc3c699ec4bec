package hamiltonian

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Continuous is what the driver needs of a Hamiltonian of N particles in
// d dimensions,
//
//	H = Σ_i −½∇_i² + V(x),
//
// besides the kinetic energy, which it takes from the wave function:
// the potential, a starting configuration for each walker and, when it is
// known, the exact ground-state energy. Particles implements it; a model
// that is not one external potential plus pair interactions (three-body
// forces, say) can implement it directly.
type Continuous interface {
	// Particles is N.
	Particles() int
	// Dims is d.
	Dims() int
	// Potential is V(x) for the flat configuration x (N·d values); +Inf
	// where Ψ must vanish (overlapping hard cores). It is called once per
	// sample and must not allocate.
	Potential(x []float64) float64
	// InitialPositions fills dst (N·d values) with a starting
	// configuration drawn from rng, one where V is finite.
	InitialPositions(dst []float64, rng *rand.Rand) error
	// Exact is the exact ground-state energy when it is known.
	Exact() (e float64, ok bool)
}

// External is a one-body potential acting on every particle, such as a
// trap. Harmonic and Elliptical implement it.
type External interface {
	// Potential is Σ_i V_ext(r_i) over the flat configuration x of
	// particles in d dimensions. It must not allocate.
	Potential(x []float64, d int) float64
	// Width is the spread of coordinate k (0 ≤ k < d) of the starting
	// configurations: each is drawn from a Gaussian of this standard
	// deviation, so it should be the size of the one-body ground state.
	Width(k int) float64
}

// Pair is a pair interaction v(r_ij), summed over i < j. A hard core of
// radius a (v = +Inf for r ≤ a) is declared by Core rather than returned
// by V, so that walkers can be started without overlap.
type Pair interface {
	// V is v(r) for r beyond the hard core. It must not allocate.
	V(r float64) float64
	// Core is the hard-core radius a (0 for none): v = +Inf for r ≤ a.
	Core() float64
}

// Particles is a Hamiltonian of N particles in d dimensions in one
// external potential with zero or more pair interactions,
//
//	V(x) = V_ext(x) + Σ_{i<j} Σ_p v_p(r_ij),
//
// built by NewParticles (or NewTrap for the built-in systems). Reference
// is its exact ground-state energy when HasReference.
type Particles struct {
	N, D     int
	External External
	Pairs    []Pair
	// Reference is the exact ground-state energy when HasReference; the
	// caller sets it when known (NewTrap does for the built-in systems).
	Reference    float64
	HasReference bool

	core float64 // the largest hard-core radius
	soft []Pair  // the pairs with a finite part (not pure hard spheres)
}

var _ Continuous = (*Particles)(nil)

// NewParticles composes a Hamiltonian of n particles in d dimensions. The
// external potential is required (it sets the starting configurations);
// an External or Pair with a method Check(d int) error is asked whether it
// accepts d dimensions.
func NewParticles(n, d int, ext External, pairs ...Pair) (*Particles, error) {
	if n < 1 {
		return nil, fmt.Errorf("hamiltonian: %d particles (system.particles), need at least 1", n)
	}
	if d < 1 {
		return nil, fmt.Errorf("hamiltonian: %d dimensions (system.dimensions), need at least 1", d)
	}
	if ext == nil {
		return nil, errors.New("hamiltonian: no external potential")
	}
	if c, ok := ext.(checker); ok {
		if err := c.Check(d); err != nil {
			return nil, err
		}
	}
	h := &Particles{N: n, D: d, External: ext, Pairs: pairs}
	for k, p := range pairs {
		if p == nil {
			return nil, fmt.Errorf("hamiltonian: pair interaction %d is nil", k)
		}
		if c, ok := p.(checker); ok {
			if err := c.Check(d); err != nil {
				return nil, err
			}
		}
		a := p.Core()
		if !(a >= 0) || math.IsInf(a, 0) {
			return nil, fmt.Errorf("hamiltonian: hard-core radius %g (system.radius) of pair interaction %d, need a finite value ≥ 0", a, k)
		}
		h.core = max(h.core, a)
		// A hard sphere has no finite part: skipping it spares a square
		// root per pair.
		if _, hard := p.(HardSphere); !hard {
			h.soft = append(h.soft, p)
		}
	}
	return h, nil
}

// checker is implemented by potentials that hold only in some dimensions.
type checker interface {
	Check(d int) error
}

// Particles is N.
func (h *Particles) Particles() int { return h.N }

// Dims is d.
func (h *Particles) Dims() int { return h.D }

// Core is the largest hard-core radius of the pair interactions (0 for
// none).
func (h *Particles) Core() float64 { return h.core }

// Exact is the Reference energy, when HasReference.
func (h *Particles) Exact() (float64, bool) { return h.Reference, h.HasReference }

// Potential is V(x): the external potential, then the pairs i < j in
// order, each adding its interactions; +Inf as soon as two hard cores
// overlap. It allocates nothing and costs O(N²) with pair interactions.
func (h *Particles) Potential(x []float64) float64 {
	d := h.D
	if len(x) != h.N*d {
		panic(fmt.Sprintf("hamiltonian: Potential of %d coordinates, want N·D = %d", len(x), h.N*d))
	}
	v := h.External.Potential(x, d)
	if len(h.Pairs) == 0 {
		return v
	}
	a2 := h.core * h.core
	for i := 0; i < h.N; i++ {
		xi := x[i*d : i*d+d]
		for j := i + 1; j < h.N; j++ {
			xj := x[j*d : j*d+d]
			s := 0.0
			for k := range xi {
				t := xi[k] - xj[k]
				s += t * t
			}
			if h.core > 0 && s <= a2 {
				return math.Inf(1)
			}
			if len(h.soft) == 0 {
				continue
			}
			r := math.Sqrt(s)
			for _, p := range h.soft {
				v += p.V(r)
			}
		}
	}
	return v
}

// LocalEnergy is E_L = −½(∇²ln Ψ + |∇ln Ψ|²) + V(x).
func (h *Particles) LocalEnergy(x, grad []float64, lap float64) float64 {
	return LocalEnergy(h, x, grad, lap)
}

// LocalEnergy is E_L = −½(∇²ln Ψ + |∇ln Ψ|²) + V(x) of h, with grad =
// ∇ln Ψ (N·d values) and lap = ∇²ln Ψ at x (ħ = m = 1).
func LocalEnergy(h Continuous, x, grad []float64, lap float64) float64 {
	g2 := 0.0
	for _, g := range grad {
		g2 += g * g
	}
	return -0.5*(lap+g2) + h.Potential(x)
}

// Overlaps reports whether two hard cores overlap (some r_ij ≤ a); it is
// false without hard cores.
func (h *Particles) Overlaps(x []float64) bool {
	if !(h.core > 0) {
		return false
	}
	a2 := h.core * h.core
	for i := 1; i < h.N; i++ {
		if overlapsEarlier(x, i, h.D, a2) {
			return true
		}
	}
	return false
}

// ErrPlacement is wrapped by InitialPositions when hard spheres cannot be
// placed without overlap.
var ErrPlacement = errors.New("cannot place hard spheres without overlap")

// InitialPositions fills dst (N·D values) with a configuration drawn from
// Gaussians of the external potential's widths, coordinate by coordinate
// and particle by particle. With hard cores, particles are placed one at a
// time, redrawing a particle that overlaps the ones already placed; after
// a bounded number of redraws the radius is reported as too large.
func (h *Particles) InitialPositions(dst []float64, rng *rand.Rand) error {
	d := h.D
	if len(dst) != h.N*d {
		panic(fmt.Sprintf("hamiltonian: InitialPositions into %d values, want N·D = %d", len(dst), h.N*d))
	}
	width := make([]float64, d)
	for k := range width {
		width[k] = h.External.Width(k)
		if !(width[k] > 0) || math.IsInf(width[k], 0) {
			return fmt.Errorf("hamiltonian: external potential gives width %g for coordinate %d, need a finite value > 0", width[k], k)
		}
	}
	// A particle that overlaps the placed ones after this many redraws
	// means the spheres fill the trap's central region: the trial
	// functions would then start deep in their tails, so give up.
	const tries = 1000
	a2 := h.core * h.core
	for i := 0; i < h.N; i++ {
		xi := dst[i*d : i*d+d]
		for t := 0; ; t++ {
			for k := range xi {
				xi[k] = width[k] * rng.NormFloat64()
			}
			if !(h.core > 0) || !overlapsEarlier(dst, i, d, a2) {
				break
			}
			if t == tries {
				return fmt.Errorf("hamiltonian: hard-core radius %g (system.radius) is too large for %d particles in a trap of width %.4g (particle %d overlaps after %d draws): %w",
					h.core, h.N, width[0], i, tries, ErrPlacement)
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
