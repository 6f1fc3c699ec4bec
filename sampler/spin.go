package sampler

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// SpinState is what a spin walker needs of a lattice wave function: the
// configuration (s_i = ±1) and amplitude ratios of one or two flipped
// spins. wavefunc.SpinState implements it.
type SpinState interface {
	// Spins is the current configuration (read-only view).
	Spins() []int8
	// LogRatio is ln(Ψ(s')/Ψ(s)) for s' = s with spin i (and spin j,
	// when j ≥ 0) flipped.
	LogRatio(i, j int) float64
	// Flip makes s' the current configuration.
	Flip(i, j int)
	// SetSpins replaces the configuration and refreshes the caches.
	SetSpins(s []int8)
	// Refresh recomputes the caches after the parameters changed.
	Refresh()
}

// SpinMove selects the proposal of a SpinWalker.
type SpinMove int

const (
	// SingleFlip flips one uniformly chosen spin.
	SingleFlip SpinMove = iota
	// Exchange swaps a uniformly chosen up spin with a uniformly chosen
	// down spin, so the magnetisation Σ s_i is conserved. Both choices
	// are uniform over sets whose sizes the move leaves unchanged, so the
	// proposal is symmetric.
	Exchange
)

func (m SpinMove) String() string {
	switch m {
	case SingleFlip:
		return "flip"
	case Exchange:
		return "exchange"
	}
	return fmt.Sprintf("SpinMove(%d)", int(m))
}

// ParseSpinMove turns "flip" or "exchange" into a SpinMove.
func ParseSpinMove(s string) (SpinMove, error) {
	switch s {
	case "flip":
		return SingleFlip, nil
	case "exchange":
		return Exchange, nil
	}
	return 0, fmt.Errorf("unknown spin move %q (want \"flip\" or \"exchange\")", s)
}

// SpinSettings are a SpinWalker's fixed parameters.
type SpinSettings struct {
	Move SpinMove
	// Thin is the number of sweeps between two samples; 0 means 1.
	Thin int
}

// Validate reports a setting that cannot work.
func (s SpinSettings) Validate() error {
	if s.Move != SingleFlip && s.Move != Exchange {
		return fmt.Errorf("sampler: unknown spin move %v", s.Move)
	}
	if s.Thin < 0 {
		return fmt.Errorf("sampler: thin %d must not be negative", s.Thin)
	}
	return nil
}

// SpinWalker is one Metropolis chain over spin configurations, drawn from
// |Ψ(s)|². A sweep proposes N moves. It is used by one goroutine at a time.
type SpinWalker struct {
	state SpinState
	set   SpinSettings
	src   *rand.PCG
	rng   *rand.Rand
	n     int
	// For exchange moves: the sites of up and down spins; an accepted swap
	// of up[a] and down[b] trades the two entries, in O(1).
	up, down []int

	accepted, proposed uint64
}

// NewSpinWalker returns a walker over st (at its current configuration)
// drawing random numbers from src. Exchange moves need at least one up
// and one down spin.
func NewSpinWalker(st SpinState, set SpinSettings, src *rand.PCG) (*SpinWalker, error) {
	if err := set.Validate(); err != nil {
		return nil, err
	}
	w := cacheline.New[SpinWalker]()
	*w = SpinWalker{state: st, set: set, src: src, rng: newRand(src), n: len(st.Spins())}
	if w.n == 0 {
		return nil, errors.New("sampler: spin walker over zero sites")
	}
	if set.Move == Exchange {
		// Room for every site, so that index and a restore never
		// reallocate the lists next to another walker's memory.
		w.up, w.down = cacheline.Make[int](w.n)[:0], cacheline.Make[int](w.n)[:0]
		w.index()
		if len(w.up) == 0 || len(w.down) == 0 {
			return nil, fmt.Errorf("sampler: exchange moves need up and down spins, configuration has %d up and %d down", len(w.up), len(w.down))
		}
	}
	return w, nil
}

// index rebuilds the up/down site lists from the configuration.
func (w *SpinWalker) index() {
	w.up, w.down = w.up[:0], w.down[:0]
	for i, s := range w.state.Spins() {
		if s > 0 {
			w.up = append(w.up, i)
		} else {
			w.down = append(w.down, i)
		}
	}
}

// State is the walker's wave-function state.
func (w *SpinWalker) State() SpinState { return w.state }

// Rand is the walker's random number generator.
func (w *SpinWalker) Rand() *rand.Rand { return w.rng }

// Counts returns the accepted and proposed moves since the last ResetCounts.
func (w *SpinWalker) Counts() (accepted, proposed uint64) { return w.accepted, w.proposed }

// ResetCounts zeroes the move counters.
func (w *SpinWalker) ResetCounts() { w.accepted, w.proposed = 0, 0 }

// accept is the Metropolis test for a log amplitude ratio; uphill moves
// need no random number and NaN is rejected.
func (w *SpinWalker) accept(logRatio float64) bool {
	a := 2 * logRatio
	return a >= 0 || (a > math.Inf(-1) && w.rng.Float64() < math.Exp(a))
}

// Move proposes one move and reports whether it was accepted.
func (w *SpinWalker) Move() bool {
	w.proposed++
	if w.set.Move == SingleFlip {
		i := w.rng.IntN(w.n)
		if w.accept(w.state.LogRatio(i, -1)) {
			w.state.Flip(i, -1)
			w.accepted++
			return true
		}
		return false
	}
	a, b := w.rng.IntN(len(w.up)), w.rng.IntN(len(w.down))
	i, j := w.up[a], w.down[b]
	if !w.accept(w.state.LogRatio(i, j)) {
		return false
	}
	w.state.Flip(i, j)
	// Site i is now down and j up: they trade places in the lists.
	w.up[a], w.down[b] = j, i
	w.accepted++
	return true
}

// Sweep proposes N moves and returns the number accepted.
func (w *SpinWalker) Sweep() int {
	acc := 0
	for range w.n {
		if w.Move() {
			acc++
		}
	}
	return acc
}

// Sample advances the chain by Thin sweeps (at least one).
func (w *SpinWalker) Sample() {
	for range max(w.set.Thin, 1) {
		w.Sweep()
	}
}

// Refresh recomputes the state's caches after the parameters changed.
func (w *SpinWalker) Refresh() { w.state.Refresh() }

const spinMagic = "VMCS"

// MarshalBinary encodes the configuration, the counters, for exchange
// moves the order of the up and down site lists (the next proposal depends
// on it), and the PCG state.
func (w *SpinWalker) MarshalBinary() ([]byte, error) {
	s := w.state.Spins()
	b := make([]byte, 0, headerLen+5*len(s)+24)
	b = appendHeader(b, spinMagic, len(s), w.accepted, w.proposed)
	for _, v := range s {
		b = append(b, byte(v))
	}
	if w.set.Move == Exchange {
		for _, i := range w.up {
			b = binary.LittleEndian.AppendUint32(b, uint32(i))
		}
		for _, i := range w.down {
			b = binary.LittleEndian.AppendUint32(b, uint32(i))
		}
	}
	return w.src.AppendBinary(b)
}

// UnmarshalBinary restores a walker marshalled by MarshalBinary of a walker
// over the same number of sites; the caches are rebuilt from the model's
// current parameters.
func (w *SpinWalker) UnmarshalBinary(b []byte) error {
	n, acc, prop, b, err := readHeader(b, spinMagic, "spin walker")
	if err != nil {
		return err
	}
	if n != uint64(w.n) {
		return fmt.Errorf("sampler: spin walker record has %d sites, want %d", n, w.n)
	}
	if uint64(len(b)) < n {
		return errors.New("sampler: spin walker record cut short")
	}
	s := make([]int8, n)
	up := 0
	for i := range s {
		s[i] = int8(b[i])
		if s[i] != 1 && s[i] != -1 {
			return fmt.Errorf("sampler: spin walker record has spin %d at site %d", s[i], i)
		}
		if s[i] > 0 {
			up++
		}
	}
	if w.set.Move == Exchange && up != len(w.up) {
		return fmt.Errorf("sampler: spin walker record has %d up spins, the exchange chain conserves %d", up, len(w.up))
	}
	b = b[n:]
	var order []int
	if w.set.Move == Exchange {
		if uint64(len(b)) < 4*n {
			return errors.New("sampler: spin walker record cut short")
		}
		order = make([]int, n)
		seen := make([]bool, n)
		for k := range order {
			i := binary.LittleEndian.Uint32(b[4*k:])
			// The first `up` entries list up spins, the rest down ones.
			if uint64(i) >= n || seen[i] || (s[i] > 0) != (k < up) {
				return fmt.Errorf("sampler: spin walker record has an inconsistent site list at entry %d", k)
			}
			seen[i] = true
			order[k] = int(i)
		}
		b = b[4*n:]
	}
	src := new(rand.PCG)
	if err := src.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("sampler: spin walker RNG state: %w", err)
	}
	w.state.SetSpins(s)
	if w.set.Move == Exchange {
		w.up = append(w.up[:0], order[:up]...)
		w.down = append(w.down[:0], order[up:]...)
	}
	*w.src = *src
	w.accepted, w.proposed = acc, prop
	return nil
}
