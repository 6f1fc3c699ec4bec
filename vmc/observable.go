package vmc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/stats"
)

// Observable is a quantity the driver measures at every production sample
// besides the local energy: Len values per sample, summed over the samples
// of each walker, merged in walker order and reduced across ranks in the
// same all-reduce as the energy.
//
// Blocked chooses the statistics: true gives every value a blocking error
// bar (a stats.Blocker per value and walker, and its pooled level sums
// per value in the reduction), false keeps plain sums and means, which suits large
// histograms whose bins need no error bar.
type Observable interface {
	// Name identifies the observable in results and checkpoints.
	Name() string
	// Len is the number of values per sample.
	Len() int
	// Blocked reports whether each value gets a blocking error bar.
	Blocked() bool
	// Bind returns the measurement for walker w, or an error when w is not
	// a walker the observable can measure (New fails then). The function
	// runs on w's goroutine, once per production sample after w's energy
	// was measured, and must not allocate.
	Bind(w Walker) (MeasureFunc, error)
}

// MeasureFunc writes an observable's Len values at its walker's current
// configuration into dst, overwriting it.
type MeasureFunc func(dst []float64)

// ObservableResult is the production estimate of one observable over all
// walkers and ranks.
type ObservableResult struct {
	Name    string
	Samples float64   // samples measured
	Sum     []float64 // Σ of each value over the samples
	// Mean of each value: Sum/Samples, or for a Blocked observable the
	// combination of the walkers' chains that Error belongs to.
	Mean []float64
	// Error is the blocking error bar of each Mean; NaN unless Blocked.
	Error []float64
	// Tau is each value's integrated autocorrelation time in samples
	// (see stats.Estimate); NaN unless Blocked.
	Tau []float64
}

// Observable returns the result of the observable named name.
func (r *Result) Observable(name string) (*ObservableResult, bool) {
	for i := range r.Observables {
		if r.Observables[i].Name == name {
			return &r.Observables[i], true
		}
	}
	return nil, false
}

func checkObservables(obs []Observable) error {
	seen := map[string]bool{}
	for i, o := range obs {
		if o == nil {
			return fmt.Errorf("vmc: observable %d is nil", i)
		}
		if seen[o.Name()] {
			return fmt.Errorf("vmc: two observables named %q", o.Name())
		}
		seen[o.Name()] = true
		if o.Len() < 1 {
			return fmt.Errorf("vmc: observable %q has %d values, need at least 1", o.Name(), o.Len())
		}
	}
	return nil
}

// obsAccum is one walker's sums of one observable.
type obsAccum struct {
	val []float64 // the current sample
	n   float64
	sum []float64
	blk []stats.Blocker // per value, when blocked
}

func newObsAccum(o Observable) obsAccum {
	a := obsAccum{val: make([]float64, o.Len()), sum: make([]float64, o.Len())}
	if o.Blocked() {
		a.blk = make([]stats.Blocker, o.Len())
	}
	return a
}

// measure adds one sample.
func (a *obsAccum) measure(m MeasureFunc) {
	m(a.val)
	a.n++
	for k, v := range a.val {
		a.sum[k] += v
	}
	for k := range a.blk {
		a.blk[k].Add(a.val[k])
	}
}

// appendBinary encodes n, the sums and the blockers for a checkpoint.
func (a *obsAccum) appendBinary(b []byte) ([]byte, error) {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(a.sum)))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(a.blk)))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a.n))
	for _, v := range a.sum {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	for k := range a.blk {
		blk, err := a.blk[k].MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(len(blk)))
		b = append(b, blk...)
	}
	return b, nil
}

// unmarshal restores what appendBinary wrote and returns the rest of b.
func (a *obsAccum) unmarshal(b []byte) ([]byte, error) {
	short := errors.New("observable record cut short")
	u := func() uint64 {
		v := binary.LittleEndian.Uint64(b)
		b = b[8:]
		return v
	}
	if len(b) < 24 {
		return nil, short
	}
	if nv, nb := u(), u(); nv != uint64(len(a.sum)) || nb != uint64(len(a.blk)) {
		return nil, fmt.Errorf("observable record of %d values (%d blocked), this run %d (%d)", nv, nb, len(a.sum), len(a.blk))
	}
	a.n = math.Float64frombits(u())
	if len(b) < 8*len(a.sum) {
		return nil, short
	}
	for k := range a.sum {
		a.sum[k] = math.Float64frombits(u())
	}
	for k := range a.blk {
		if len(b) < 8 {
			return nil, short
		}
		n := u()
		if n > uint64(len(b)) {
			return nil, short
		}
		if err := a.blk[k].UnmarshalBinary(b[:n]); err != nil {
			return nil, err
		}
		b = b[n:]
	}
	return b, nil
}

// observableSums are one observable's views in the production buffer.
type observableSums struct {
	name  string
	n     reduce.Scalar
	sum   reduce.Vector
	chain reduce.Vector // blocked observables only: per value, the pooled level sums
	width int           // stats.SumsLen of one value
}

func declareObservable(b *reduce.Buffer, o Observable, maxN int) observableSums {
	p := "observable " + o.Name() + ": "
	s := observableSums{name: o.Name(), n: b.Scalar(p + "n"), sum: b.Vector(p+"sum", o.Len())}
	if o.Blocked() {
		s.width = stats.SumsLen(maxN)
		s.chain = b.Vector(p+"chain_levels", o.Len()*s.width)
	}
	return s
}

// merge adds one walker's sums.
func (s observableSums) merge(a *obsAccum) {
	s.n.Add(a.n)
	sum := s.sum.Data()
	for k, v := range a.sum {
		sum[k] += v
	}
	if s.width == 0 {
		return
	}
	c := s.chain.Data()
	for k := range a.blk {
		a.blk[k].AddSums(c[k*s.width:(k+1)*s.width], 0)
	}
}

// result reads the reduced sums.
func (s observableSums) result() ObservableResult {
	r := ObservableResult{Name: s.name, Samples: s.n.Value(), Sum: append([]float64(nil), s.sum.Data()...)}
	r.Mean, r.Error, r.Tau = make([]float64, len(r.Sum)), make([]float64, len(r.Sum)), make([]float64, len(r.Sum))
	for k, v := range r.Sum {
		if s.width > 0 {
			e := stats.FromSums(s.chain.Data()[k*s.width:(k+1)*s.width], 0)
			r.Mean[k], r.Error[k], r.Tau[k] = math.NaN(), math.NaN(), math.NaN()
			if e.N > 0 {
				r.Mean[k], r.Error[k], r.Tau[k] = e.Mean, e.Error, e.Tau
			}
			continue
		}
		r.Mean[k], r.Error[k], r.Tau[k] = math.NaN(), math.NaN(), math.NaN()
		if r.Samples > 0 {
			r.Mean[k] = v / r.Samples
		}
	}
	return r
}
