package sampler

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// chain is what Walker and GibbsWalker share, whatever their proposal: the
// state of N particles in d dimensions, the RNG stream and the move
// counters.
type chain struct {
	model wavefunc.Model
	state wavefunc.State
	src   *rand.PCG
	rng   *rand.Rand
	n, d  int

	accepted, proposed uint64
}

// newChain starts a chain at configuration x (N·d values, copied), where
// ln|Ψ| must be finite.
func newChain(m wavefunc.Model, x []float64, src *rand.PCG) (chain, error) {
	n, d := m.Particles(), m.Dims()
	if len(x) != n*d {
		return chain{}, fmt.Errorf("sampler: configuration has %d values, want N·d = %d", len(x), n*d)
	}
	s := m.NewState(x)
	if lp := s.LogPsi(); math.IsNaN(lp) || math.IsInf(lp, 0) {
		return chain{}, fmt.Errorf("sampler: ln|Ψ| = %g at the initial configuration", lp)
	}
	return chain{model: m, state: s, src: src, rng: newRand(src), n: n, d: d}, nil
}

// newRand is rand.New(src) in cache lines of its own.
func newRand(src rand.Source) *rand.Rand {
	r := cacheline.New[rand.Rand]()
	*r = *rand.New(src)
	return r
}

// State is the walker's wave-function state at its current configuration.
func (c *chain) State() wavefunc.State { return c.state }

// Rand is the walker's random number generator, for callers that need
// extra random numbers in the same reproducible stream.
func (c *chain) Rand() *rand.Rand { return c.rng }

// Counts returns the accepted and proposed moves since the last ResetCounts.
func (c *chain) Counts() (accepted, proposed uint64) { return c.accepted, c.proposed }

// ResetCounts zeroes the move counters.
func (c *chain) ResetCounts() { c.accepted, c.proposed = 0, 0 }

// Refresh recomputes the state's caches, after the model's parameters
// changed.
func (c *chain) Refresh() { c.state.Refresh() }

// marshal encodes the configuration, the counters and the PCG state as a
// record with the given magic.
func (c *chain) marshal(magic string) ([]byte, error) {
	x := c.state.Positions()
	b := make([]byte, 0, headerLen+8*len(x)+24)
	b = appendHeader(b, magic, len(x), c.accepted, c.proposed)
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return c.src.AppendBinary(b)
}

// unmarshal restores a record written by marshal for a model of the same
// shape; what names the walker type in errors. The state is rebuilt from
// the model's current parameters and must have a finite ln|Ψ|. On error
// the chain is unchanged.
func (c *chain) unmarshal(b []byte, magic, what string) error {
	n, acc, prop, b, err := readHeader(b, magic, what)
	if err != nil {
		return err
	}
	if n != uint64(c.n*c.d) {
		return fmt.Errorf("sampler: %s record has %d coordinates, want %d", what, n, c.n*c.d)
	}
	if uint64(len(b)) < 8*n {
		return fmt.Errorf("sampler: %s record cut short", what)
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	src := new(rand.PCG)
	if err := src.UnmarshalBinary(b[8*n:]); err != nil {
		return fmt.Errorf("sampler: %s RNG state: %w", what, err)
	}
	s := c.model.NewState(x)
	if lp := s.LogPsi(); math.IsNaN(lp) || math.IsInf(lp, 0) {
		return fmt.Errorf("sampler: restored configuration has ln|Ψ| = %g", lp)
	}
	*c.src = *src
	c.state = s
	c.accepted, c.proposed = acc, prop
	return nil
}
