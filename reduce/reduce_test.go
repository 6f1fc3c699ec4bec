package reduce_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/internal/mpitest"
	"github.com/vmcmpi/vmcmpi/reduce"
)

// fillAndSum declares one section of each kind, fills it with values of
// rank r, sums across c and checks the closed forms. Every value is a small
// integer (or a shifted sum of them), so the sums are exact in any order.
func fillAndSum(c comm.Comm) error {
	r, n := float64(c.Rank()), float64(c.Size())
	tri := n * (n + 1) / 2 // Σ_r (r+1)
	b := reduce.New()
	count := b.Scalar("count")
	v := b.Vector("grad", 3)
	m := b.Matrix("S", 2, 3)
	e := b.Moments("energy")
	e.SetShift(10) // the same on all ranks
	count.Add(r + 1)
	for i := range v.Data() {
		v.Data()[i] = (r + 1) * float64(i+1)
	}
	for i := range 2 {
		for j := range 3 {
			m.Add(i, j, (r+1)*float64(10*i+j))
		}
	}
	// Rank r adds samples 10+r and 12+r: n_r = 2, mean 11+r.
	e.Add(10 + r)
	e.Add(12 + r)

	if err := b.AllReduce(c); err != nil {
		return err
	}
	var errs []error
	check := func(what string, got, want float64) {
		if got != want {
			errs = append(errs, fmt.Errorf("rank %d of %d: %s = %g, want %g", c.Rank(), c.Size(), what, got, want))
		}
	}
	check("count", count.Value(), tri)
	grad, ok := b.Section("grad")
	if !ok || len(grad) != 3 {
		return fmt.Errorf("Section(grad) = %v, %v", grad, ok)
	}
	for i, g := range grad {
		check(fmt.Sprintf("grad[%d]", i), g, float64(i+1)*tri)
	}
	for i := range 2 {
		for j := range 3 {
			check(fmt.Sprintf("S[%d,%d]", i, j), m.At(i, j), float64(10*i+j)*tri)
		}
	}
	// All samples: {10+r, 12+r : r < n}. Mean 11 + (n−1)/2; variance
	// 1 (within a rank) + (n²−1)/12 (of the uniform rank offsets).
	check("energy N", e.N(), 2*n)
	check("energy mean", e.Mean(), 11+(n-1)/2)
	if got, want := e.Variance(), 1+(n*n-1)/12; math.Abs(got-want) > 1e-14*want {
		errs = append(errs, fmt.Errorf("rank %d of %d: energy variance %g, want %g", c.Rank(), c.Size(), got, want))
	}
	return errors.Join(errs...)
}

func TestSectionsSummedLocal(t *testing.T) {
	for n := 1; n <= 5; n++ {
		if err := comm.RunLocal(n, fillAndSum); err != nil {
			t.Errorf("%d ranks: %v", n, err)
		}
	}
	if err := fillAndSum(comm.NewSerial()); err != nil {
		t.Errorf("serial: %v", err)
	}
}

// layoutMismatch declares a layout that differs on rank 1: by length, or
// by names only. Every rank must get an error, and the data must be left
// as it was rather than summed.
func layoutMismatch(c comm.Comm, byName bool) error {
	b := reduce.New()
	name, n := "grad", 3
	if c.Rank() == 1 {
		if byName {
			name = "gard"
		} else {
			n = 4
		}
	}
	v := b.Vector(name, n)
	v.Data()[0] = 1
	err := b.AllReduce(c)
	if err == nil {
		return errors.New("AllReduce with different layouts succeeded")
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("rank %d", c.Rank())) || !strings.Contains(err.Error(), "layout") {
		return fmt.Errorf("error %q does not name this rank and the layout", err)
	}
	if v.Data()[0] != 1 {
		return fmt.Errorf("data changed to %g by a failed AllReduce", v.Data()[0])
	}
	return nil
}

func TestLayoutMismatchLocal(t *testing.T) {
	for _, byName := range []bool{false, true} {
		if err := comm.RunLocal(3, func(c comm.Comm) error { return layoutMismatch(c, byName) }); err != nil {
			t.Errorf("differing by name=%v: %v", byName, err)
		}
	}
}

func TestBufferBasics(t *testing.T) {
	b := reduce.New()
	s := b.Scalar("a")
	v := b.Vector("v", 2)
	m := b.Matrix("m", 2, 2)
	if b.Len() != 7 || len(b.Data()) != 7 {
		t.Errorf("Len %d, want 7", b.Len())
	}
	s.Set(3)
	v.Data()[1] = 4
	m.Add(1, 0, 5)
	want := []float64{3, 0, 4, 0, 0, 5, 0}
	for i, x := range b.Data() {
		if x != want[i] {
			t.Errorf("Data()[%d] = %g, want %g (sections must be laid out in declaration order)", i, x, want[i])
		}
	}
	if r, c := m.Dims(); r != 2 || c != 2 {
		t.Errorf("Dims %d×%d", r, c)
	}
	if _, ok := b.Section("nope"); ok {
		t.Error("Section of an undeclared name reported ok")
	}
	b.Reset()
	for i, x := range b.Data() {
		if x != 0 {
			t.Errorf("after Reset, Data()[%d] = %g", i, x)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("declaring a section twice did not panic")
		}
	}()
	b.Scalar("a")
}

func TestMomentsEmptyAndAdd(t *testing.T) {
	e := reduce.New().Moments("e")
	if !math.IsNaN(e.Mean()) || !math.IsNaN(e.Variance()) {
		t.Errorf("empty moments: mean %g variance %g, want NaN", e.Mean(), e.Variance())
	}
	e.SetShift(2.5)
	for _, x := range []float64{1, 2, 3, 4} {
		e.Add(x)
	}
	// {1,2,3,4}: mean 2.5, population variance 1.25.
	if e.N() != 4 || e.Mean() != 2.5 || e.Variance() != 1.25 {
		t.Errorf("N %g mean %g variance %g, want 4 2.5 1.25", e.N(), e.Mean(), e.Variance())
	}
	e.Merge(0, 99, 99) // an empty summary changes nothing
	if e.N() != 4 || e.Mean() != 2.5 {
		t.Errorf("after an empty Merge: N %g mean %g", e.N(), e.Mean())
	}
}

// chunk is one walker's summary: n samples, their mean and Σ(x−mean)².
type chunk struct{ n, mean, m2 float64 }

// hugeChunks stands for 10⁹ samples of an energy near 10⁶ with a tiny
// spread: 1000 chunks of 10⁶ samples, chunk c with mean 10⁶ + (c−499.5)·10⁻⁶
// and variance 10⁻⁸ within it. The total variance is ≈ 9.3·10⁻⁸, fourteen
// orders of magnitude below mean² — the regime where Σx² fails.
func hugeChunks() []chunk {
	cs := make([]chunk, 1000)
	for c := range cs {
		cs[c] = chunk{n: 1e6, mean: 1e6 + (float64(c)-499.5)*1e-6, m2: 1e6 * 1e-8}
	}
	return cs
}

// exactMoments computes the pooled mean and population variance of the
// chunks (as the float64 values they hold) in 512-bit arithmetic.
func exactMoments(cs []chunk) (mean, variance float64) {
	const prec = 512
	f := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	n, s, m2 := f(0), f(0), f(0)
	for _, c := range cs {
		n.Add(n, f(c.n))
		s.Add(s, new(big.Float).SetPrec(prec).Mul(f(c.n), f(c.mean)))
		m2.Add(m2, f(c.m2))
	}
	mu := new(big.Float).SetPrec(prec).Quo(s, n)
	for _, c := range cs {
		d := new(big.Float).SetPrec(prec).Sub(f(c.mean), mu)
		d.Mul(d, d)
		d.Mul(d, f(c.n))
		m2.Add(m2, d)
	}
	m2.Quo(m2, n)
	mean, _ = mu.Float64()
	variance, _ = m2.Float64()
	return mean, variance
}

// TestMomentsHugeN merges 10⁹ samples' worth of chunks, spread over 4
// in-process ranks, and compares with the exact pooled moments. The shift
// is deliberately 10⁻³ off the mean (≈ 3 standard deviations), as a
// previous iteration's estimate would be.
func TestMomentsHugeN(t *testing.T) {
	cs := hugeChunks()
	mean, variance := exactMoments(cs)
	const ranks = 4
	err := comm.RunLocal(ranks, func(c comm.Comm) error {
		b := reduce.New()
		e := b.Moments("energy")
		e.SetShift(1e6 + 1e-3)
		for i := c.Rank(); i < len(cs); i += ranks {
			e.Merge(cs[i].n, cs[i].mean, cs[i].m2)
		}
		if err := b.AllReduce(c); err != nil {
			return err
		}
		if e.N() != 1e9 {
			return fmt.Errorf("N = %g, want 1e9", e.N())
		}
		// Mean: the shifted sum carries an error of a few ulp of the
		// offsets (~1e-3), far below 1e-12 absolute.
		if math.Abs(e.Mean()-mean) > 1e-12 {
			return fmt.Errorf("rank %d: mean %.17g, exact %.17g", c.Rank(), e.Mean(), mean)
		}
		// Variance: Σ(x−K)² ≈ N(var + 1e-6) is summed over 1000 terms,
		// relative error ~1000·ε; removing the shift amplifies it by
		// (1e-6+var)/var ≈ 12, so ~3e-12 relative; 1e-9 leaves margin.
		if rel := math.Abs(e.Variance()-variance) / variance; rel > 1e-9 {
			return fmt.Errorf("rank %d: variance %.17g, exact %.17g (relative error %.2g)", c.Rank(), e.Variance(), variance, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The same data as raw sums Σx and Σx² loses every digit of the
	// variance: Σx²/N ≈ 10¹² carries rounding of ~10⁻⁴, a thousand times
	// the variance itself.
	var n, sx, sxx float64
	for _, c := range cs {
		n += c.n
		sx += c.n * c.mean
		sxx += c.m2 + c.n*c.mean*c.mean
	}
	naive := sxx/n - (sx/n)*(sx/n)
	if rel := math.Abs(naive-variance) / variance; rel < 1 {
		t.Errorf("raw Σx² variance %g vs exact %g is within %.2g: the test data no longer shows the cancellation", naive, variance, rel)
	} else {
		t.Logf("exact variance %.6g; shifted sums agree; raw Σx² gives %.6g", variance, naive)
	}
}

// TestOneCollective: a verified buffer reduces with one collective per
// AllReduce; an unverified one checks its layout first (one checked call,
// two MPI collectives) and then reduces with one, and a section declared
// later makes the next AllReduce check again.
func TestOneCollective(t *testing.T) {
	err := comm.RunLocal(2, func(c comm.Comm) error {
		cc := &mpitest.Counting{Comm: c}
		a, b := reduce.New(), reduce.New()
		va, vb := a.Vector("a", 3), b.Vector("b", 2)
		if err := reduce.Verify(cc, a); err != nil {
			return err
		}
		var errs []error
		want := func(what string, n int) {
			if got := cc.Collectives(); got != n {
				errs = append(errs, fmt.Errorf("rank %d: after %s: %d collectives, want %d", c.Rank(), what, got, n))
			}
		}
		want("Verify", 2)
		for i := range 5 {
			a.Reset()
			va.Data()[0] = float64(c.Rank() + i)
			if err := a.AllReduce(cc); err != nil {
				return err
			}
			if got := va.Data()[0]; got != float64(1+2*i) {
				errs = append(errs, fmt.Errorf("sum %g, want %d", got, 1+2*i))
			}
		}
		want("5 reductions of a verified buffer", 7)
		vb.Data()[1] = 1
		if err := b.AllReduce(cc); err != nil {
			return err
		}
		want("the first reduction of an unverified buffer", 10)
		b.Scalar("late")
		if err := b.AllReduce(cc); err != nil {
			return err
		}
		want("a reduction after a new section", 13)
		if err := b.AllReduce(cc); err != nil {
			return err
		}
		want("one more", 14)
		return errors.Join(errs...)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outOfStep makes rank 1 reduce buffer B while the others reduce buffer A
// of the same layout (and the same number of calls before): all ranks must
// get an error naming a rank that differs, and be able to use the
// communicator afterwards.
func outOfStep(c comm.Comm) error {
	a, b := reduce.New(), reduce.New()
	a.Vector("v", 2)
	b.Vector("v", 2)
	if err := reduce.Verify(c, a, b); err != nil {
		return err
	}
	if err := a.AllReduce(c); err != nil { // call 1 of A on every rank
		return err
	}
	other := "rank 1"
	if c.Rank() == 1 {
		other = "rank 0"
	}
	var err error
	if c.Rank() == 1 {
		err = b.AllReduce(c) // call 1 of B meets call 2 of A
	} else {
		err = a.AllReduce(c)
	}
	if err == nil || !strings.Contains(err.Error(), "out of step") || !strings.Contains(err.Error(), other) {
		return fmt.Errorf("rank %d: out-of-step reduction gave %v, want an error naming %s", c.Rank(), err, other)
	}
	return c.Barrier()
}

func TestOutOfStepLocal(t *testing.T) {
	if err := comm.RunLocal(3, outOfStep); err != nil {
		t.Fatal(err)
	}
}

// TestConsensus: equal keys agree on every rank; a key that differs in one
// half only, on one rank, does not.
func TestConsensus(t *testing.T) {
	for _, tc := range []struct {
		name  string
		key   func(rank int) uint64
		agree bool
	}{
		{"equal", func(int) uint64 { return 0xdead_beef }, true},
		{"low half differs", func(r int) uint64 { return 0xdead_beef + uint64(r/2) }, false},
		{"high half differs", func(r int) uint64 { return 0xdead_beef + uint64(r/2)<<16 }, false},
		{"zero and max", func(r int) uint64 { return uint64(r%2) * 0xffff_ffff }, false},
	} {
		err := comm.RunLocal(4, func(c comm.Comm) error {
			b := reduce.New()
			k := b.Consensus("k")
			k.Set(tc.key(c.Rank()))
			if err := b.AllReduce(c); err != nil {
				return err
			}
			if got := k.Agreed(c.Size()); got != tc.agree {
				return fmt.Errorf("Agreed = %v, want %v", got, tc.agree)
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
