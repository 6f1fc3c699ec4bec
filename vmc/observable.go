package vmc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
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
// configuration into dst, overwriting it (or, bound by a Summer's BindSum,
// adds them to dst).
type MeasureFunc func(dst []float64)

// Summer is an Observable that, when not Blocked, adds each sample's values
// to the running sums itself: a histogram then increments the few bins
// its particles fall in instead of rewriting every bin that the driver
// would then add (for a 60-bin density, ten times the work of the sample's
// energy).
type Summer interface {
	Observable
	// BindSum is Bind whose function adds the sample's values into dst.
	BindSum(w Walker) (MeasureFunc, error)
}

// bind is o's measurement for walker w: BindSum's for an unblocked
// Summer (newObsAccum then lets it add into the sums), else Bind's.
func bind(o Observable, w Walker) (MeasureFunc, error) {
	if s, ok := o.(Summer); ok && !o.Blocked() {
		return s.BindSum(w)
	}
	return o.Bind(w)
}

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

// obsPreBlock is the number of consecutive samples a blocked value
// averages before its stats.Blocker sees them. Blocking is unchanged at
// block sizes of 8 and more, and the first three levels it skips hold no
// usable correlation information for production-length series, while a
// Blocker.Add per value and sample would cost as much as a cheap sample
// itself (the energy split alone blocks six values).
const obsPreBlock = 8

// obsAccum is one walker's sums of one observable.
type obsAccum struct {
	val []float64 // the current sample
	n   float64
	sum []float64
	// Blocked observables only: Σ x² per value (for τ in samples), the
	// running sums of the current pre-block and how many samples it has.
	sum2, pend []float64
	npend      int
	blk        []stats.Blocker // per value, of pre-block means
	adds       bool            // the measurement adds into sum itself (Summer)
}

// newObsAccum makes the sums of o from ar, the walker's memory.
func newObsAccum(o Observable, ar *cacheline.Arena[float64]) obsAccum {
	a := obsAccum{val: ar.Make(o.Len()), sum: ar.Make(o.Len())}
	_, a.adds = o.(Summer)
	a.adds = a.adds && !o.Blocked()
	if o.Blocked() {
		a.blk = cacheline.Make[stats.Blocker](o.Len())
		a.sum2 = ar.Make(o.Len())
		a.pend = ar.Make(o.Len())
	}
	return a
}

// measure adds one sample.
func (a *obsAccum) measure(m MeasureFunc) {
	a.n++
	if a.adds {
		m(a.sum)
		return
	}
	m(a.val)
	for k, v := range a.val {
		a.sum[k] += v
	}
	if a.blk == nil {
		return
	}
	for k, v := range a.val {
		a.sum2[k] += v * v
		a.pend[k] += v
	}
	if a.npend++; a.npend == obsPreBlock {
		for k := range a.blk {
			a.blk[k].Add(a.pend[k] / obsPreBlock)
			a.pend[k] = 0
		}
		a.npend = 0
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
	if a.blk != nil {
		b = binary.LittleEndian.AppendUint64(b, uint64(a.npend))
		for _, v := range append(a.sum2, a.pend...) {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
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
	if a.blk != nil {
		if len(b) < 8*(1+2*len(a.sum)) {
			return nil, short
		}
		if a.npend = int(u()); a.npend < 0 || a.npend >= obsPreBlock {
			return nil, fmt.Errorf("observable record with %d pending samples", a.npend)
		}
		for k := range a.sum2 {
			a.sum2[k] = math.Float64frombits(u())
		}
		for k := range a.pend {
			a.pend[k] = math.Float64frombits(u())
		}
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
	sum2  reduce.Vector // blocked observables only: Σ x² per value
	width int           // stats.SumsLen of one value
}

func declareObservable(b *reduce.Buffer, o Observable, maxN int) observableSums {
	p := "observable " + o.Name() + ": "
	s := observableSums{name: o.Name(), n: b.Scalar(p + "n"), sum: b.Vector(p+"sum", o.Len())}
	if o.Blocked() {
		s.width = stats.SumsLen(maxN/obsPreBlock + 1)
		s.chain = b.Vector(p+"chain_levels", o.Len()*s.width)
		s.sum2 = b.Vector(p+"sum2", o.Len())
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
	sum2 := s.sum2.Data()
	for k, v := range a.sum2 {
		sum2[k] += v
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
			// The blocks are means of obsPreBlock samples: the error of the
			// mean is theirs, the mean and τ (in samples) come from the raw
			// sums, which also hold a last, incomplete pre-block.
			e := stats.FromSums(s.chain.Data()[k*s.width:(k+1)*s.width], 0)
			r.Mean[k], r.Error[k], r.Tau[k] = math.NaN(), math.NaN(), math.NaN()
			if n := r.Samples; e.N > 0 && n > 0 {
				mean := v / n
				variance := s.sum2.Data()[k]/n - mean*mean
				r.Mean[k], r.Error[k] = mean, e.Error
				r.Tau[k] = 1
				if variance > 0 {
					r.Tau[k] = e.Error * e.Error * n / variance
				}
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
