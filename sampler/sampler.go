package sampler

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Kind selects the proposal of a Walker.
type Kind int

const (
	// Metropolis moves a particle uniformly within a cube of side Step.
	Metropolis Kind = iota
	// Importance moves a particle by Langevin drift and diffusion with time
	// step Step, with the Green's-function acceptance ratio.
	Importance
)

func (k Kind) String() string {
	switch k {
	case Metropolis:
		return "metropolis"
	case Importance:
		return "importance"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind turns "metropolis" or "importance" into a Kind.
func ParseKind(s string) (Kind, error) {
	switch s {
	case "metropolis":
		return Metropolis, nil
	case "importance":
		return Importance, nil
	}
	return 0, fmt.Errorf("unknown sampler kind %q (want \"metropolis\" or \"importance\")", s)
}

// Settings are a Walker's fixed parameters.
type Settings struct {
	Kind Kind
	// Step is the step length L (Metropolis) or the time step Δt
	// (importance sampling); it must be positive.
	Step float64
	// Thin is the number of sweeps between two samples; 0 means 1.
	Thin int
	// DriftLimit is the constant a of the drift-velocity limit of Umrigar,
	// Nightingale and Runge (J. Chem. Phys. 99, 2865 (1993)) for importance
	// sampling; 0 leaves the drift unlimited. Near a node of Ψ the drift
	// ∇ln|Ψ| grows like 1/distance, so an unlimited Δt·∇ln|Ψ| throws the
	// particle far into the tails, every such move is rejected and a walker
	// that starts (or lands) there stays, its diverging local energy
	// dominating the averages. The limited drift
	// v̄ = v·(−1 + √(1 + 2a|v|²Δt))/(a|v|²Δt) is v where a|v|²Δt ≪ 1 and at
	// most √(2/(aΔt)) in length; the forward and reverse Green's functions
	// both use it, so detailed balance stays exact. a = 1 suits wave
	// functions with nodes (Slater determinants); nodeless ones need none.
	DriftLimit float64
}

// Validate reports a setting that cannot work.
func (s Settings) Validate() error {
	if s.Kind != Metropolis && s.Kind != Importance {
		return fmt.Errorf("sampler: unknown kind %v", s.Kind)
	}
	if !(s.Step > 0) || math.IsInf(s.Step, 1) {
		return fmt.Errorf("sampler: step %g must be positive and finite", s.Step)
	}
	if s.Thin < 0 {
		return fmt.Errorf("sampler: thin %d must not be negative", s.Thin)
	}
	if !(s.DriftLimit >= 0) || math.IsInf(s.DriftLimit, 1) {
		return fmt.Errorf("sampler: drift limit %g must be finite and ≥ 0 (0: no limit)", s.DriftLimit)
	}
	return nil
}

// Seed derives the two PCG seed words of one walker from the run's seed,
// the rank and the walker's index on that rank. Each input passes through
// the SplitMix64 finaliser before it is folded in, so neighbouring ranks or
// walkers give unrelated streams.
func Seed(seed uint64, rank, walker int) (hi, lo uint64) {
	// SplitMix64's increment 2^64/φ, and twice and three times it (mod 2^64),
	// keep the three inputs in different regions before mixing.
	const golden, g2, g3 uint64 = 0x9e3779b97f4a7c15, 0x3c6ef372fe94f82a, 0xdaa66d2c7ddf743f
	x := mix64(seed + golden)
	x = mix64(x ^ mix64(uint64(rank)+g2))
	x = mix64(x ^ mix64(uint64(walker)+g3))
	return x, mix64(x + golden)
}

// mix64 is the SplitMix64 output function (Steele, Lea, Flood 2014).
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// NewSource returns the PCG stream of walker index on rank, in cache
// lines of its own: it is written at every draw, possibly while another
// walker draws from its stream on another core.
func NewSource(seed uint64, rank, walker int) *rand.PCG {
	src := cacheline.New[rand.PCG]()
	src.Seed(Seed(seed, rank, walker))
	return src
}

// Walker is one Markov chain. It is used by one goroutine at a time, and
// New places it, its scratch and its state in cache lines of their own.
type Walker struct {
	chain
	set Settings

	pos, fOld, fNew []float64
}

// New returns a Walker at configuration x (N·d values, copied) drawing its
// random numbers from src. ln|Ψ(x)| must be finite.
func New(m wavefunc.Model, x []float64, set Settings, src *rand.PCG) (*Walker, error) {
	if err := set.Validate(); err != nil {
		return nil, err
	}
	c, err := newChain(m, x, src)
	if err != nil {
		return nil, err
	}
	d := c.d
	var ar cacheline.Arena[float64]
	w := cacheline.New[Walker]()
	*w = Walker{chain: c, set: set, pos: ar.Make(d), fOld: ar.Make(d), fNew: ar.Make(d)}
	return w, nil
}

// Settings returns the walker's settings.
func (w *Walker) Settings() Settings { return w.set }

// Move proposes one move of particle i and reports whether it was accepted.
func (w *Walker) Move(i int) bool {
	d := w.d
	x := w.state.Positions()[i*d : i*d+d]
	pos := w.pos
	var logAcc float64
	switch w.set.Kind {
	case Metropolis:
		for k := range d {
			pos[k] = x[k] + w.set.Step*(w.rng.Float64()-0.5)
		}
		logAcc = 2 * w.state.Propose(i, pos)
	default:
		// D = ½: drift DΔtF = Δt∇ln|Ψ|, diffusion √(2DΔt) = √Δt.
		dt := w.set.Step
		sq := math.Sqrt(dt)
		w.state.GradI(i, w.fOld)
		w.limitDrift(w.fOld)
		for k := range d {
			pos[k] = x[k] + dt*w.fOld[k] + sq*w.rng.NormFloat64()
		}
		r := w.state.Propose(i, pos)
		if math.IsInf(r, -1) {
			logAcc = r
			break
		}
		w.state.ProposedGradI(w.fNew)
		w.limitDrift(w.fNew)
		// ln G(y→x) − ln G(x→y) with G(x→y) = exp(−|y−x−DΔtF(x)|²/(4DΔt)).
		var fwd, bwd float64
		for k := range d {
			a := pos[k] - x[k] - dt*w.fOld[k]
			b := x[k] - pos[k] - dt*w.fNew[k]
			fwd += a * a
			bwd += b * b
		}
		logAcc = 2*r + (fwd-bwd)/(2*dt)
	}
	w.proposed++
	// Uphill moves need no random number; NaN ratios are rejected.
	if logAcc >= 0 || (logAcc > math.Inf(-1) && w.rng.Float64() < math.Exp(logAcc)) {
		w.state.Accept()
		w.accepted++
		return true
	}
	w.state.Reject()
	return false
}

// limitDrift scales the drift velocity v (one particle's ∇ln|Ψ|, d
// values) in place to Umrigar, Nightingale and Runge's limited v̄ when
// Settings.DriftLimit is set. The factor (−1 + √(1+2x))/x with
// x = a|v|²Δt is written as 2/(1 + √(1+2x)), which has no cancellation for
// small x and is exactly 1 at v = 0.
func (w *Walker) limitDrift(v []float64) {
	a := w.set.DriftLimit
	if a == 0 {
		return
	}
	v2 := 0.0
	for _, c := range v {
		v2 += c * c
	}
	f := 2 / (1 + math.Sqrt(1+2*a*v2*w.set.Step))
	for k := range v {
		v[k] *= f
	}
}

// Sweep proposes one move per particle, in particle order, and returns the
// number accepted.
func (w *Walker) Sweep() int {
	acc := 0
	for i := range w.n {
		if w.Move(i) {
			acc++
		}
	}
	return acc
}

// Sample advances the chain by Thin sweeps (at least one), to the next
// configuration to measure.
func (w *Walker) Sample() {
	t := max(w.set.Thin, 1)
	for range t {
		w.Sweep()
	}
}

const magic = "VMCW"

// MarshalBinary encodes the configuration, the PCG state and the move
// counters (little-endian), so a checkpoint can continue the chain exactly.
func (w *Walker) MarshalBinary() ([]byte, error) { return w.marshal(magic) }

// UnmarshalBinary restores a walker marshalled by MarshalBinary of a walker
// of the same model shape; the state is rebuilt from the model's current
// parameters.
func (w *Walker) UnmarshalBinary(b []byte) error { return w.unmarshal(b, magic, "walker") }
