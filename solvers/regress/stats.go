package regress

import (
	"fmt"
	"math/bits"

	"github.com/vmcmpi/vmcmpi/reduce"
)

// Stats are the sufficient statistics of a group of rows for a linear model
// with P features.
type Stats struct {
	P   int
	N   float64   // number of rows
	YtY float64   // Σ y²
	XtY []float64 // Σ x y, length P
	XtX []float64 // Σ x xᵀ, P×P row-major, symmetric
}

// NewStats returns empty statistics for p features.
func NewStats(p int) *Stats {
	return &Stats{P: p, XtY: make([]float64, p), XtX: make([]float64, p*p)}
}

// Add accumulates one row.
func (s *Stats) Add(x []float64, y float64) {
	p := s.P
	if len(x) != p {
		panic(fmt.Sprintf("regress: row has %d features, want %d", len(x), p))
	}
	s.N++
	s.YtY += y * y
	for i, xi := range x {
		s.XtY[i] += xi * y
		row := s.XtX[i*p : (i+1)*p]
		for j, xj := range x {
			row[j] += xi * xj
		}
	}
}

// Clone returns a deep copy.
func (s *Stats) Clone() *Stats {
	c := NewStats(s.P)
	c.N, c.YtY = s.N, s.YtY
	copy(c.XtY, s.XtY)
	copy(c.XtX, s.XtX)
	return c
}

// AddStats adds o·sign to s (sign +1 or −1), in place.
func (s *Stats) AddStats(o *Stats, sign float64) {
	if o.P != s.P {
		panic(fmt.Sprintf("regress: adding statistics of %d features to %d", o.P, s.P))
	}
	s.N += sign * o.N
	s.YtY += sign * o.YtY
	for i := range s.XtY {
		s.XtY[i] += sign * o.XtY[i]
	}
	for i := range s.XtX {
		s.XtX[i] += sign * o.XtX[i]
	}
}

// Subset returns the statistics of the model using only the features idx
// (in that order): the rows and columns of XᵀX and entries of Xᵀy they pick.
func (s *Stats) Subset(idx []int) *Stats {
	q := len(idx)
	c := NewStats(q)
	c.N, c.YtY = s.N, s.YtY
	for a, i := range idx {
		if i < 0 || i >= s.P {
			panic(fmt.Sprintf("regress: feature index %d outside [0, %d)", i, s.P))
		}
		c.XtY[a] = s.XtY[i]
		for b, j := range idx {
			c.XtX[a*q+b] = s.XtX[i*s.P+j]
		}
	}
	return c
}

// RSS is the residual sum of squares Σ (y − xᵀθ)² of these rows, from the
// statistics alone: yᵀy − 2θᵀXᵀy + θᵀXᵀXθ, floored at zero.
func (s *Stats) RSS(theta []float64) float64 {
	p := s.P
	r := s.YtY
	for i := range p {
		r -= 2 * theta[i] * s.XtY[i]
		gi := 0.0
		row := s.XtX[i*p : (i+1)*p]
		for j := range p {
			gi += row[j] * theta[j]
		}
		r += theta[i] * gi
	}
	return max(r, 0)
}

// DefaultLanes is the number of lanes rows are spread over when a Layout
// leaves Lanes zero. It bounds the useful number of ranks.
const DefaultLanes = 64

// Layout describes how rows are grouped: P features, Folds folds chosen by a
// hash of (row index, Seed), and Lanes lanes (row index mod Lanes). Every
// rank must use the same Layout.
type Layout struct {
	P, Folds, Lanes int
	Seed            uint64
}

func (l Layout) lanes() int {
	if l.Lanes <= 0 {
		return DefaultLanes
	}
	return l.Lanes
}

func (l Layout) folds() int { return max(l.Folds, 1) }

// Lane is the lane of a row.
func (l Layout) Lane(row int) int { return int(uint64(row) % uint64(l.lanes())) }

// Fold is the fold of a row, from a hash of (row, Seed) alone: it does not
// depend on how rows are spread over ranks.
func (l Layout) Fold(row int) int { return foldOf(row, l.seedHash(), l.folds()) }

func (l Layout) seedHash() uint64 { return mix64(l.Seed + 0x9e3779b97f4a7c15) }

// foldOf maps the hash of the row to [0, k) by a multiply-shift, which is
// as uniform as a modulo and cheaper.
func foldOf(row int, seedHash uint64, k int) int {
	hi, _ := bits.Mul64(mix64(uint64(row)^seedHash), uint64(k))
	return int(hi)
}

// Owner is the rank that must add a row so that results are bit-identical
// for any number of ranks: all rows of a lane go to one rank.
func (l Layout) Owner(row, size int) int { return l.Lane(row) % size }

// mix64 is the splitmix64 finaliser.
func mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Accumulator sums statistics per (lane, fold) cell into a section of a
// reduce.Buffer. Each cell stores n, yᵀy, Xᵀy and the upper triangle of XᵀX.
type Accumulator struct {
	layout Layout
	stride int
	// Hot-loop constants: the seed's hash, the fold and lane counts, and
	// a lane mask when the lane count is a power of two.
	seedHash     uint64
	folds, lanes int
	laneMask     int
	m            reduce.Matrix
}

// NewAccumulator declares a section name in buf for the layout's cells.
// Several accumulators (and other sections) may share one buffer, so that
// a single all-reduce combines everything.
func NewAccumulator(buf *reduce.Buffer, name string, l Layout) *Accumulator {
	if l.P < 1 {
		panic(fmt.Sprintf("regress: layout with %d features", l.P))
	}
	stride := 2 + l.P + l.P*(l.P+1)/2
	m := buf.Matrix(name, l.lanes()*l.folds(), stride)
	a := &Accumulator{layout: l, stride: stride, m: m, seedHash: l.seedHash(), folds: l.folds(), lanes: l.lanes(), laneMask: -1}
	if a.lanes&(a.lanes-1) == 0 {
		a.laneMask = a.lanes - 1
	}
	return a
}

// Layout returns the accumulator's layout.
func (a *Accumulator) Layout() Layout { return a.layout }

// Add accumulates row number row (its global index, the same on every
// rank) with features x and target y. It allocates nothing.
func (a *Accumulator) Add(row int, x []float64, y float64) {
	l := a.layout
	p := l.P
	if len(x) != p {
		panic(fmt.Sprintf("regress: row %d has %d features, want %d", row, len(x), p))
	}
	data := a.m.Data()
	lane := row & a.laneMask
	if a.laneMask < 0 {
		lane = l.Lane(row)
	}
	off := (lane*a.folds + foldOf(row, a.seedHash, a.folds)) * a.stride
	c := data[off : off+a.stride : off+a.stride]
	c[0]++
	c[1] += y * y
	xty := c[2 : 2+p]
	for i, xi := range x {
		xty[i] += xi * y
	}
	k := 2 + p
	for i, xi := range x {
		up := c[k : k+p-i]
		for j, xj := range x[i:] {
			up[j] += xi * xj
		}
		k += p - i
	}
}

// Folded are the statistics after the all-reduce: per cell, per fold and
// in total.
type Folded struct {
	Layout Layout
	Cells  []*Stats // lane-major: cell (lane, fold) at lane*Folds+fold
	Folds  []*Stats
	Total  *Stats
}

// Result unpacks the (already all-reduced) buffer. Cells are summed in a
// fixed order, so the result does not depend on the number of ranks.
func (a *Accumulator) Result() *Folded {
	l := a.layout
	p := l.P
	nf := l.folds()
	data := a.m.Data()
	f := &Folded{Layout: l, Total: NewStats(p)}
	for k := range nf {
		_ = k
		f.Folds = append(f.Folds, NewStats(p))
	}
	for lane := range l.lanes() {
		for k := range nf {
			off := (lane*nf + k) * a.stride
			c := data[off : off+a.stride]
			s := NewStats(p)
			s.N, s.YtY = c[0], c[1]
			copy(s.XtY, c[2:2+p])
			q := 2 + p
			for i := range p {
				for j := i; j < p; j++ {
					s.XtX[i*p+j] = c[q]
					s.XtX[j*p+i] = c[q]
					q++
				}
			}
			f.Cells = append(f.Cells, s)
			f.Folds[k].AddStats(s, 1)
		}
	}
	for _, s := range f.Folds {
		f.Total.AddStats(s, 1)
	}
	return f
}

// Train returns the statistics of every fold but k: total − fold k.
func (f *Folded) Train(k int) *Stats {
	s := f.Total.Clone()
	s.AddStats(f.Folds[k], -1)
	return s
}

// Subset restricts every cell, fold and the total to the features idx.
func (f *Folded) Subset(idx []int) *Folded {
	g := &Folded{Layout: f.Layout, Total: f.Total.Subset(idx)}
	g.Layout.P = len(idx)
	for _, c := range f.Cells {
		g.Cells = append(g.Cells, c.Subset(idx))
	}
	for _, c := range f.Folds {
		g.Folds = append(g.Folds, c.Subset(idx))
	}
	return g
}
