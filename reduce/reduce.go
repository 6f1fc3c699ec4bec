// Package reduce packs the sufficient statistics of a distributed job into
// one flat float64 buffer with named sections, so that a rank fills them
// locally and all ranks sum them with a single collective call.
//
// The layout is declared once (Scalar, Vector, Matrix, Moments, Consensus);
// the handles then read and write the shared buffer. Every rank must
// declare the same sections in the same order. The layout is verified
// across ranks once (Verify, or the first AllReduce after a section was
// declared), with the communicator's fully checked collectives: a mismatch
// is an error naming the rank rather than a silently wrong sum.
//
// After that an AllReduce is a single collective: the unchecked all-reduce
// of the backend (comm.UncheckedAllReducer) when it has one. Its safety
// comes from a trailer of five values that travels behind the data:
// 1, h₁, h₁², h₂, h₂² for two 16-bit hashes h of the layout and of the
// buffer's call count. After the sum every rank checks, exactly in
// integers, that Σ1 is the number of ranks and (Σh)² = Σ1·Σh², which by
// Cauchy–Schwarz holds only when every rank sent the same h: all ranks
// reduced this buffer at the same call. A mismatch (ranks out of step) is
// then seen by all ranks at once, and one more checked collective names the
// rank that differs.
package reduce

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/bits"

	"github.com/vmcmpi/vmcmpi/comm"
)

type section struct {
	name string
	off  int
	n    int
}

// trailerLen is the number of values behind the data: a Consensus.
const trailerLen = consensusLen

// Buffer is a flat float64 buffer with named sections.
type Buffer struct {
	data     []float64 // the sections, then the trailer
	n        int       // values in the sections
	sections []section
	index    map[string]int
	// verified is the number of sections whose layout all ranks have
	// confirmed (−1: none); calls counts this buffer's reductions.
	verified int
	calls    uint64
	print    uint64
}

// New returns an empty buffer.
func New() *Buffer {
	return &Buffer{index: map[string]int{}, data: make([]float64, trailerLen), verified: -1}
}

func (b *Buffer) add(name string, n int) int {
	if _, dup := b.index[name]; dup {
		panic(fmt.Sprintf("reduce: section %q declared twice", name))
	}
	if n < 0 {
		panic(fmt.Sprintf("reduce: section %q has negative size %d", name, n))
	}
	off := b.n
	b.index[name] = len(b.sections)
	b.sections = append(b.sections, section{name: name, off: off, n: n})
	b.n += n
	data := make([]float64, b.n+trailerLen)
	copy(data, b.data[:off])
	b.data = data
	b.print = b.fingerprint()
	return off
}

// Len is the number of float64 values in the buffer's sections.
func (b *Buffer) Len() int { return b.n }

// Data is the values of all sections in declaration order.
func (b *Buffer) Data() []float64 { return b.data[:b.n:b.n] }

// Section returns the values of a named section, or false when there is none.
func (b *Buffer) Section(name string) ([]float64, bool) {
	i, ok := b.index[name]
	if !ok {
		return nil, false
	}
	s := b.sections[i]
	return b.data[s.off : s.off+s.n : s.off+s.n], true
}

// Reset sets every value to zero, ready for the next accumulation.
func (b *Buffer) Reset() { clear(b.data) }

// Verify checks with one checked collective (a MAX all-reduce of four
// values per buffer) that every rank declared the same layouts for bufs,
// in the same order; afterwards each AllReduce of them is one collective.
// Every rank must call it with the same number of buffers.
func Verify(c comm.Comm, bufs ...*Buffer) error {
	if c.Size() == 1 {
		for _, b := range bufs {
			b.verified = len(b.sections)
		}
		return nil
	}
	check := make([]float64, 4*len(bufs))
	for i, b := range bufs {
		n, h := float64(b.n), float64(b.print>>12)
		copy(check[4*i:], []float64{n, -n, h, -h})
	}
	if err := c.AllReduce(check, comm.Max); err != nil {
		return fmt.Errorf("reduce: layout check: %w", err)
	}
	for i, b := range bufs {
		n, h := float64(b.n), float64(b.print>>12)
		v := check[4*i : 4*i+4]
		if v[0] != n || -v[1] != n || v[2] != h || -v[3] != h {
			return fmt.Errorf("reduce: rank %d: buffer layout differs across ranks (%d values here, between %g and %g across ranks, or different section names)",
				c.Rank(), b.n, -v[1], v[0])
		}
	}
	for _, b := range bufs {
		b.verified = len(b.sections)
	}
	return nil
}

// AllReduce sums the buffer across the ranks of c, in place: one
// collective once the layout is verified (Verify, or this call's own
// check after a layout change), with the trailer check described in the
// package documentation.
func (b *Buffer) AllReduce(c comm.Comm) error {
	if c.Size() == 1 {
		return nil
	}
	if b.verified != len(b.sections) {
		if err := Verify(c, b); err != nil {
			return err
		}
	}
	b.calls++
	key := mix(b.print ^ mix(b.calls))
	t := Consensus{b: b, off: b.n}
	t.Set(key)
	var err error
	if u, ok := c.(comm.UncheckedAllReducer); ok {
		err = u.AllReduceUnchecked(b.data, comm.Sum)
	} else {
		err = c.AllReduce(b.data, comm.Sum)
	}
	if err != nil {
		return fmt.Errorf("reduce: %w", err)
	}
	if t.Agreed(c.Size()) {
		return nil
	}
	// Out of step: every rank saw the same sums, so all come here and
	// meet in this checked collective, which names a rank that differs.
	// The ranks' call counts stay apart: the job cannot go on.
	return outOfStep(c, key&consensusMask)
}

// outOfStep finds, with one checked collective, the first rank whose
// trailer key differs from this rank's.
func outOfStep(c comm.Comm, key uint64) error {
	keys := make([]float64, c.Size())
	keys[c.Rank()] = float64(key)
	if err := c.AllReduce(keys, comm.Sum); err != nil {
		return fmt.Errorf("reduce: rank %d: ranks reduced different buffers or calls, and naming the rank failed: %w", c.Rank(), err)
	}
	for r, k := range keys {
		if k != float64(key) {
			return fmt.Errorf("reduce: rank %d: ranks are out of step: rank %d reduced another buffer or call at the same time", c.Rank(), r)
		}
	}
	return fmt.Errorf("reduce: rank %d: ranks are out of step (a buffer of another length or operation)", c.Rank())
}

// fingerprint hashes the section names and sizes.
func (b *Buffer) fingerprint() uint64 {
	f := fnv.New64a()
	for _, s := range b.sections {
		fmt.Fprintf(f, "%s:%d;", s.name, s.n)
	}
	return f.Sum64()
}

// mix is the splitmix64 finaliser: every input bit reaches every output bit.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// consensusLen is the size of a Consensus section: 1, h₁, h₁², h₂, h₂².
const consensusLen = 5

// consensusMask keeps the two 16-bit halves of a key that a Consensus sums.
// With h < 2¹⁶ every partial sum of h² stays below 2⁵³ for up to 2²¹
// ranks, so the float64 sums are exact integers.
const consensusMask = 1<<32 - 1

// Consensus is a handle on five values of a Buffer that tell, after the
// sum, whether every rank set the same 32-bit key: a rank sets
// 1, h₁, h₁², h₂, h₂² from the two 16-bit halves of its key, and the sums
// satisfy (Σh)² = n·Σh² exactly when all n keys are equal (Cauchy–Schwarz),
// for each half. Two different keys agree only when both halves collide.
type Consensus struct {
	b   *Buffer
	off int
}

// Consensus declares a section that checks agreement on a key.
func (b *Buffer) Consensus(name string) Consensus {
	return Consensus{b: b, off: b.add(name, consensusLen)}
}

// Set writes this rank's key (its low 32 bits count).
func (c Consensus) Set(key uint64) {
	s := c.b.data[c.off : c.off+consensusLen : c.off+consensusLen]
	h1, h2 := float64(key&0xffff), float64(key>>16&0xffff)
	s[0], s[1], s[2], s[3], s[4] = 1, h1, h1*h1, h2, h2*h2
}

// Agreed reports, after the sum, whether all size ranks set the same key.
func (c Consensus) Agreed(size int) bool {
	s := c.b.data[c.off : c.off+consensusLen : c.off+consensusLen]
	if s[0] != float64(size) || size < 1 {
		return false
	}
	return sameKeys(uint64(size), s[1], s[2]) && sameKeys(uint64(size), s[3], s[4])
}

// sameKeys compares (Σh)² with n·Σh² in 128-bit integers.
func sameKeys(n uint64, sum, sumSq float64) bool {
	if sum < 0 || sumSq < 0 || sum != math.Trunc(sum) || sumSq != math.Trunc(sumSq) || sumSq >= 1<<63 {
		return false
	}
	hi1, lo1 := bits.Mul64(uint64(sum), uint64(sum))
	hi2, lo2 := bits.Mul64(n, uint64(sumSq))
	return hi1 == hi2 && lo1 == lo2
}

// Scalar is a handle on one value of a Buffer.
type Scalar struct {
	b   *Buffer
	off int
}

// Scalar declares a section holding one value.
func (b *Buffer) Scalar(name string) Scalar { return Scalar{b: b, off: b.add(name, 1)} }

// Add adds v to the value.
func (s Scalar) Add(v float64) { s.b.data[s.off] += v }

// Set replaces the value by v.
func (s Scalar) Set(v float64) { s.b.data[s.off] = v }

// Value is the current value.
func (s Scalar) Value() float64 { return s.b.data[s.off] }

// Ptr points at the value in the buffer, for hot loops.
func (s Scalar) Ptr() *float64 { return &s.b.data[s.off] }

// Vector is a handle on n consecutive values of a Buffer.
type Vector struct {
	b   *Buffer
	off int
	n   int
}

// Vector declares a section of n values.
func (b *Buffer) Vector(name string, n int) Vector {
	return Vector{b: b, off: b.add(name, n), n: n}
}

// Data is the section's values, a view into the buffer.
func (v Vector) Data() []float64 { return v.b.data[v.off : v.off+v.n : v.off+v.n] }

// Len is the number of values.
func (v Vector) Len() int { return v.n }

// Matrix is a handle on an r×c row-major block of a Buffer.
type Matrix struct {
	b          *Buffer
	off        int
	rows, cols int
}

// Matrix declares a section of r×c values stored row-major.
func (b *Buffer) Matrix(name string, r, c int) Matrix {
	return Matrix{b: b, off: b.add(name, r*c), rows: r, cols: c}
}

// Data is the row-major values, a view into the buffer.
func (m Matrix) Data() []float64 { return m.b.data[m.off : m.off+m.rows*m.cols : m.off+m.rows*m.cols] }

// Dims is the number of rows and columns.
func (m Matrix) Dims() (r, c int) { return m.rows, m.cols }

// At is element (i, j).
func (m Matrix) At(i, j int) float64 {
	return m.b.data[m.off+i*m.cols+j]
}

// Add adds v to element (i, j).
func (m Matrix) Add(i, j int, v float64) { m.b.data[m.off+i*m.cols+j] += v }

// Moments accumulates the count, mean and variance of a sample in a form
// that sums across ranks and stays accurate for 10⁹ and more samples: it
// stores n, Σ(x−K) and Σ(x−K)² about a shift K that every rank must choose
// identically (for example the previous iteration's mean energy). With K
// near the mean, Σ(x−K)² carries no catastrophic cancellation, unlike a
// raw Σx².
type Moments struct {
	b     *Buffer
	off   int
	shift float64
}

// Moments declares a three-value section for a sample's moments.
func (b *Buffer) Moments(name string) *Moments {
	return &Moments{b: b, off: b.add(name, 3)}
}

// SetShift sets K. Call it before accumulating, with the same value on all
// ranks.
func (m *Moments) SetShift(k float64) { m.shift = k }

// Shift returns K.
func (m *Moments) Shift() float64 { return m.shift }

// Add accumulates one sample.
func (m *Moments) Add(x float64) {
	d := x - m.shift
	s := m.b.data[m.off : m.off+3 : m.off+3]
	s[0]++
	s[1] += d
	s[2] += d * d
}

// Merge accumulates a summary of n samples with the given mean and sum of
// squared deviations from that mean (as a Welford accumulator keeps).
func (m *Moments) Merge(n, mean, m2 float64) {
	if n == 0 {
		return
	}
	d := mean - m.shift
	s := m.b.data[m.off : m.off+3 : m.off+3]
	s[0] += n
	s[1] += n * d
	s[2] += m2 + n*d*d
}

// N is the number of samples.
func (m *Moments) N() float64 { return m.b.data[m.off] }

// Mean is the sample mean (NaN when empty).
func (m *Moments) Mean() float64 {
	n := m.b.data[m.off]
	if n == 0 {
		return math.NaN()
	}
	return m.shift + m.b.data[m.off+1]/n
}

// Variance is the population variance Σ(x−mean)²/n (NaN when empty). It is
// never negative.
func (m *Moments) Variance() float64 {
	n := m.b.data[m.off]
	if n == 0 {
		return math.NaN()
	}
	s1, s2 := m.b.data[m.off+1], m.b.data[m.off+2]
	v := (s2 - s1*s1/n) / n
	return math.Max(v, 0)
}
