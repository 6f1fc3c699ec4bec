package stats

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Blocker is the streaming form of Blocking: it keeps, per blocking level, a
// pending half of the next pair and running sums, so it needs O(log n) memory
// and no allocation per sample (a level is appended once when it is first
// reached). Its Result equals Blocking on the same series up to round-off.
// The zero value is an empty Blocker. A Blocker is not safe for concurrent
// use; give each chain its own. A copy shares its levels with the original:
// clone through MarshalBinary/UnmarshalBinary.
type Blocker struct {
	levels []blockLevel
}

// blockLevel is the state of one level. Sums are of y = value − shift, the
// shift being the first value of the level, so that a large common offset (an
// energy of −100 with a spread of 10⁻³) does not cancel catastrophically.
type blockLevel struct {
	n       uint64  // values seen at this level
	shift   float64 // first value of the level
	s1, s2  float64 // Σ y, Σ y²
	lag     float64 // Σ y_i y_{i+1}
	last    float64 // y of the latest value
	pending float64 // first value of an incomplete pair; valid when n is odd
}

// padLevels levels (3 × 56 B) on each side of a Blocker's levels keep them
// off the cache lines of whatever the allocator puts next to them.
const padLevels = 3

// newLevels returns n levels with room for all maxLevels, in memory of
// their own: Add then never reallocates, so blockers that walkers on
// different threads grow never end up side by side in one cache line.
func newLevels(n int) []blockLevel {
	full := make([]blockLevel, maxLevels+2*padLevels)
	return full[padLevels : padLevels+n : padLevels+maxLevels]
}

// Add appends one sample.
func (b *Blocker) Add(x float64) {
	for k := 0; ; k++ {
		if k == len(b.levels) {
			if b.levels == nil {
				b.levels = newLevels(0)
			}
			b.levels = append(b.levels, blockLevel{shift: x})
		}
		l := &b.levels[k]
		y := x - l.shift
		l.s1 += y
		l.s2 += y * y
		l.lag += l.last * y
		l.last = y
		l.n++
		if l.n&1 == 1 {
			l.pending = x
			return
		}
		x = (l.pending + x) / 2 // the block of the next level
	}
}

// N is the number of samples added.
func (b *Blocker) N() int {
	if len(b.levels) == 0 {
		return 0
	}
	return int(b.levels[0].n)
}

// Reset empties the Blocker, keeping its memory.
func (b *Blocker) Reset() { b.levels = b.levels[:0] }

// CopyFrom makes b an exact copy of src in b's own memory (an assignment
// would share src's levels), so that either continues bit for bit without
// disturbing the other. It allocates only when b has no levels yet.
func (b *Blocker) CopyFrom(src *Blocker) {
	if b.levels == nil && len(src.levels) > 0 {
		b.levels = newLevels(0)
	}
	b.levels = append(b.levels[:0], src.levels...)
}

// levelStats fills ls with the statistics of the levels that have at
// least two blocks and returns their number.
func (b *Blocker) levelStats(ls *[maxLevels]levelStat) int {
	d := 0
	for k := range b.levels {
		l := &b.levels[k]
		if l.n < 2 {
			break
		}
		m := float64(l.n)
		ybar := l.s1 / m
		ss := max(l.s2-l.s1*ybar, 0)
		// Σ_{i<m−1}(y_i−ȳ)(y_{i+1}−ȳ) from the sums; y_0 = 0 by the shift.
		lag := l.lag - ybar*(2*l.s1-l.last) + (m-1)*ybar*ybar
		ls[k] = levelStat{n: m, ss: ss, lag: lag, chains: 1}
		d++
	}
	return d
}

// mean is the mean of the samples added.
func (b *Blocker) mean() float64 {
	l0 := &b.levels[0]
	return l0.shift + l0.s1/float64(l0.n)
}

// Result returns the blocking estimate of the samples added so far.
func (b *Blocker) Result() Estimate {
	n := b.N()
	if n == 0 {
		return Estimate{}
	}
	var ls [maxLevels]levelStat
	d := b.levelStats(&ls)
	return finish(n, b.mean(), ls[:d], 0)
}

// Summary returns the number of samples, their mean and the variance of the
// mean (Error²), the three numbers from which independent chains combine:
// sum n, n·mean and n²·errVar over chains and pass them to CombineSums.
// AddSums and FromSums pool the chains' levels instead, which is better.
func (b *Blocker) Summary() (n, mean, errVar float64) {
	e := b.Result()
	return float64(e.N), e.Mean, e.Error * e.Error
}

// Binary layout: magic, version, number of levels (uint32), then per level
// n (uint64) and six float64 (shift, s1, s2, lag, last, pending) as IEEE bits,
// all little-endian. Exact: a restored Blocker continues bit for bit.
const (
	blockerMagic   = "BLK"
	blockerVersion = 1
	blockerHeader  = 8
	blockerLevel   = 7 * 8
)

// MarshalBinary encodes the full state for a checkpoint.
func (b *Blocker) MarshalBinary() ([]byte, error) { return b.AppendBinary(nil) }

// AppendBinary appends what MarshalBinary returns to buf; it allocates
// nothing when buf has the room.
func (b *Blocker) AppendBinary(buf []byte) ([]byte, error) {
	start, size := len(buf), blockerHeader+blockerLevel*len(b.levels)
	buf = slices.Grow(buf, size)[:start+size]
	enc := buf[start:] // every byte is written below
	copy(enc, blockerMagic)
	enc[3] = blockerVersion
	binary.LittleEndian.PutUint32(enc[4:], uint32(len(b.levels)))
	p := enc[blockerHeader:]
	for _, l := range b.levels {
		binary.LittleEndian.PutUint64(p, l.n)
		for i, v := range [...]float64{l.shift, l.s1, l.s2, l.lag, l.last, l.pending} {
			binary.LittleEndian.PutUint64(p[8+8*i:], math.Float64bits(v))
		}
		p = p[blockerLevel:]
	}
	return buf, nil
}

// UnmarshalBinary restores a state written by MarshalBinary, replacing the
// current one. Malformed data leaves the Blocker unchanged.
func (b *Blocker) UnmarshalBinary(data []byte) error {
	if len(data) < blockerHeader || string(data[:3]) != blockerMagic {
		return errors.New("stats: blocker state: not a Blocker encoding")
	}
	if data[3] != blockerVersion {
		return fmt.Errorf("stats: blocker state: version %d, expected %d", data[3], blockerVersion)
	}
	nl := binary.LittleEndian.Uint32(data[4:])
	if nl > maxLevels {
		return fmt.Errorf("stats: blocker state: %d levels, at most %d", nl, maxLevels)
	}
	if want := blockerHeader + blockerLevel*int(nl); len(data) != want {
		return fmt.Errorf("stats: blocker state: %d bytes for %d levels, expected %d", len(data), nl, want)
	}
	levels := newLevels(int(nl))
	p := data[blockerHeader:]
	for k := range levels {
		f := func(i int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(p[8+8*i:])) }
		levels[k] = blockLevel{
			n: binary.LittleEndian.Uint64(p), shift: f(0), s1: f(1), s2: f(2),
			lag: f(3), last: f(4), pending: f(5),
		}
		p = p[blockerLevel:]
		// Each level holds the pairs of the one below: n_{k+1} = ⌊n_k/2⌋ ≥ 1.
		if levels[k].n == 0 || k > 0 && levels[k].n != levels[k-1].n/2 {
			return fmt.Errorf("stats: blocker state: level %d holds %d values, inconsistent with level %d", k, levels[k].n, max(k-1, 0))
		}
	}
	if nl > 0 && levels[nl-1].n > 1 {
		return fmt.Errorf("stats: blocker state: top level %d holds %d values, expected 1", nl-1, levels[nl-1].n)
	}
	b.levels = levels
	return nil
}
