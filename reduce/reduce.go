// Package reduce packs the sufficient statistics of a distributed job into
// one flat float64 buffer with named sections, so that a rank fills them
// locally and all ranks sum them with a single collective call.
//
// The layout is declared once (Scalar, Vector, Matrix, Moments); the handles
// then read and write the shared buffer. Every rank must declare the same
// sections in the same order: AllReduce checks the layout's length and a
// hash of its section names across ranks before summing, so a mismatch is an
// error rather than a silently wrong sum.
package reduce

import (
	"fmt"
	"hash/fnv"
	"math"

	"github.com/vmcmpi/vmcmpi/comm"
)

type section struct {
	name string
	off  int
	n    int
}

// Buffer is a flat float64 buffer with named sections.
type Buffer struct {
	data     []float64
	sections []section
	index    map[string]int
	check    [4]float64
}

// New returns an empty buffer.
func New() *Buffer { return &Buffer{index: map[string]int{}} }

func (b *Buffer) add(name string, n int) int {
	if _, dup := b.index[name]; dup {
		panic(fmt.Sprintf("reduce: section %q declared twice", name))
	}
	if n < 0 {
		panic(fmt.Sprintf("reduce: section %q has negative size %d", name, n))
	}
	off := len(b.data)
	b.index[name] = len(b.sections)
	b.sections = append(b.sections, section{name: name, off: off, n: n})
	b.data = append(b.data, make([]float64, n)...)
	return off
}

// Len is the number of float64 values in the buffer.
func (b *Buffer) Len() int { return len(b.data) }

// Data is the whole buffer; it is what AllReduce sends.
func (b *Buffer) Data() []float64 { return b.data }

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

// AllReduce sums the buffer across the ranks of c, in place, after checking
// that every rank has the same layout.
func (b *Buffer) AllReduce(c comm.Comm) error {
	if c.Size() == 1 {
		return nil
	}
	h := b.fingerprint()
	n := float64(len(b.data))
	b.check = [4]float64{n, -n, h, -h}
	if err := c.AllReduce(b.check[:], comm.Max); err != nil {
		return fmt.Errorf("reduce: layout check: %w", err)
	}
	if b.check[0] != n || -b.check[1] != n || b.check[2] != h || -b.check[3] != h {
		return fmt.Errorf("reduce: rank %d: buffer layout differs across ranks (%d values here, between %g and %g across ranks, or different section names)",
			c.Rank(), len(b.data), -b.check[1], b.check[0])
	}
	if err := c.AllReduce(b.data, comm.Sum); err != nil {
		return fmt.Errorf("reduce: %w", err)
	}
	return nil
}

// fingerprint hashes the section names and sizes into a float64 that is
// exact (below 2^52), so it survives a Max reduction unchanged.
func (b *Buffer) fingerprint() float64 {
	f := fnv.New64a()
	for _, s := range b.sections {
		fmt.Fprintf(f, "%s:%d;", s.name, s.n)
	}
	return float64(f.Sum64() >> 12)
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
