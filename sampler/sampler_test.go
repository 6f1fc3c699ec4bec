package sampler_test

import (
	"math"
	"testing"

	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

func newWalker(t testing.TB, m *gauss, set sampler.Settings, seed uint64) *sampler.Walker {
	t.Helper()
	x := make([]float64, m.n*m.d)
	w, err := sampler.New(m, x, set, sampler.NewSource(seed, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// batchMean returns the mean of xs and the error of the mean from nb
// batch means (batches much longer than the autocorrelation time).
func batchMean(xs []float64, nb int) (mean, err float64) {
	bl := len(xs) / nb
	var s, s2 float64
	for b := range nb {
		m := 0.0
		for _, v := range xs[b*bl : (b+1)*bl] {
			m += v
		}
		m /= float64(bl)
		s += m
		s2 += m * m
	}
	mean = s / float64(nb)
	return mean, math.Sqrt((s2/float64(nb) - mean*mean) / float64(nb-1))
}

// Both proposals sample |Ψ|² = exp(−2αx²): ⟨x²⟩ = 1/(4α) per coordinate,
// ⟨x⁴⟩ = 3/(16α²). The tolerance is 4.5 error bars of batch means (a false
// alarm has probability below 1e-5 per check).
func TestStationaryDistribution(t *testing.T) {
	sweeps := 400000
	if testing.Short() {
		sweeps = 100000
	}
	for _, tc := range []struct {
		name string
		set  sampler.Settings
	}{
		{"metropolis", sampler.Settings{Kind: sampler.Metropolis, Step: 1.5}},
		{"importance", sampler.Settings{Kind: sampler.Importance, Step: 0.3}},
		{"importance-large-dt", sampler.Settings{Kind: sampler.Importance, Step: 1.2, Thin: 2}},
		// a|v|²Δt ≈ 1 at ⟨x²⟩: the limit changes the drift substantially.
		{"importance-drift-limit", sampler.Settings{Kind: sampler.Importance, Step: 1.2, DriftLimit: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &gauss{n: 2, d: 2, alpha: 0.7}
			w := newWalker(t, m, tc.set, 11)
			for range 1000 { // burn-in
				w.Sweep()
			}
			w.ResetCounts()
			x2 := make([]float64, sweeps)
			x4 := make([]float64, sweeps)
			for s := range sweeps {
				w.Sample()
				v := w.State().Positions()[3]
				x2[s], x4[s] = v*v, v*v*v*v
			}
			acc, prop := w.Counts()
			if prop != uint64(sweeps*max(tc.set.Thin, 1)*m.n) {
				t.Errorf("proposed %d moves, want %d", prop, sweeps*max(tc.set.Thin, 1)*m.n)
			}
			if r := float64(acc) / float64(prop); r < 0.2 || r > 0.999 {
				t.Errorf("acceptance %g outside (0.2, 0.999): step badly chosen for this test", r)
			}
			for _, c := range []struct {
				name string
				xs   []float64
				want float64
			}{{"<x²>", x2, 1 / (4 * m.alpha)}, {"<x⁴>", x4, 3 / (16 * m.alpha * m.alpha)}} {
				mean, e := batchMean(c.xs, 100)
				if math.Abs(mean-c.want) > 4.5*e {
					t.Errorf("%s = %.5f ± %.5f, exact %.5f", c.name, mean, e, c.want)
				}
			}
		})
	}
}

// A move into a region where Ψ = 0 is never accepted.
func TestZeroPsiRejected(t *testing.T) {
	for _, k := range []sampler.Kind{sampler.Metropolis, sampler.Importance} {
		m := &gauss{n: 3, d: 1, alpha: 0.5, wall: 0.1}
		w := newWalker(t, m, sampler.Settings{Kind: k, Step: 1}, 3)
		for range 20000 {
			w.Sweep()
			for i, v := range w.State().Positions() {
				if v > m.wall {
					t.Fatalf("%v: particle %d at %g beyond the wall %g", k, i, v, m.wall)
				}
			}
		}
	}
}

func TestSeedStreams(t *testing.T) {
	seen := map[[2]uint64]bool{}
	for seed := uint64(0); seed < 4; seed++ {
		for r := range 8 {
			for w := range 8 {
				hi, lo := sampler.Seed(seed, r, w)
				if seen[[2]uint64{hi, lo}] {
					t.Fatalf("seed words repeat at seed %d rank %d walker %d", seed, r, w)
				}
				seen[[2]uint64{hi, lo}] = true
				if h2, l2 := sampler.Seed(seed, r, w); h2 != hi || l2 != lo {
					t.Fatal("Seed is not a function of its inputs")
				}
			}
		}
	}
	// Swapping rank and walker must not give the same stream.
	a, _ := sampler.Seed(1, 2, 3)
	b, _ := sampler.Seed(1, 3, 2)
	if a == b {
		t.Error("Seed(1, 2, 3) == Seed(1, 3, 2)")
	}
}

// A walker restored from MarshalBinary continues the chain bit for bit.
func TestMarshalContinuesChain(t *testing.T) {
	for _, k := range []sampler.Kind{sampler.Metropolis, sampler.Importance} {
		m := &gauss{n: 4, d: 3, alpha: 0.5}
		set := sampler.Settings{Kind: k, Step: 0.8}
		a := newWalker(t, m, set, 5)
		for range 100 {
			a.Sweep()
		}
		blob, err := a.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		b := newWalker(t, m, set, 99) // different stream, overwritten below
		if err := b.UnmarshalBinary(blob); err != nil {
			t.Fatal(err)
		}
		for range 100 {
			a.Sweep()
			b.Sweep()
		}
		pa, pb := a.State().Positions(), b.State().Positions()
		for i := range pa {
			if pa[i] != pb[i] {
				t.Fatalf("%v: coordinate %d: %v after restore, %v uninterrupted", k, i, pb[i], pa[i])
			}
		}
		a1, p1 := a.Counts()
		a2, p2 := b.Counts()
		if a1 != a2 || p1 != p2 {
			t.Errorf("%v: counters %d/%d after restore, %d/%d uninterrupted", k, a2, p2, a1, p1)
		}
		if err := b.UnmarshalBinary(blob[:40]); err == nil {
			t.Error("a truncated record was accepted")
		}
		other := newWalker(t, &gauss{n: 3, d: 3, alpha: 0.5}, set, 1)
		if err := other.UnmarshalBinary(blob); err == nil {
			t.Error("a record of 4 particles was accepted by a walker of 3")
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	bad := []sampler.Settings{
		{Kind: sampler.Metropolis, Step: 0},
		{Kind: sampler.Metropolis, Step: -1},
		{Kind: sampler.Importance, Step: math.NaN()},
		{Kind: sampler.Importance, Step: 1, Thin: -2},
		{Kind: 7, Step: 1},
		{Kind: sampler.Importance, Step: 1, DriftLimit: -1},
		{Kind: sampler.Importance, Step: 1, DriftLimit: math.NaN()},
		{Kind: sampler.Importance, Step: 1, DriftLimit: math.Inf(1)},
	}
	for _, s := range bad {
		if err := s.Validate(); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if _, err := sampler.ParseKind("gibbs"); err == nil {
		t.Error("ParseKind accepted an unknown kind")
	}
	for _, k := range []sampler.Kind{sampler.Metropolis, sampler.Importance} {
		if got, err := sampler.ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
}

func TestMoveAllocatesNothing(t *testing.T) {
	for _, set := range []sampler.Settings{
		{Kind: sampler.Metropolis, Step: 0.5}, {Kind: sampler.Importance, Step: 0.5},
		{Kind: sampler.Importance, Step: 0.5, DriftLimit: 1},
	} {
		w := newWalker(t, &gauss{n: 5, d: 3, alpha: 0.5}, set, 1)
		if a := testing.AllocsPerRun(1000, func() { w.Sweep() }); a != 0 {
			t.Errorf("%+v: %g allocations per sweep", set, a)
		}
	}
}

// The real models of package wavefunc move without allocating too: the
// Gaussian and its product with the hard-sphere Jastrow factor.
func TestWavefuncMovesAllocateNothing(t *testing.T) {
	const n, d = 6, 3
	models := map[string]wavefunc.Model{
		"gaussian":    wavefunc.NewGaussian(n, d, 0.5, 1),
		"hard-sphere": wavefunc.NewProduct(wavefunc.NewGaussian(n, d, 0.5, 1), wavefunc.NewHardSphereJastrow(n, d, 0.01)),
	}
	for name, m := range models {
		for _, k := range []sampler.Kind{sampler.Metropolis, sampler.Importance} {
			x := make([]float64, n*d)
			for i := range x {
				x[i] = float64(i%7) - 3 // distinct, well separated positions
			}
			w, err := sampler.New(m, x, sampler.Settings{Kind: k, Step: 0.5}, sampler.NewSource(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			if a := testing.AllocsPerRun(500, func() { w.Sweep() }); a != 0 {
				t.Errorf("%s, %v: %g allocations per sweep", name, k, a)
			}
		}
	}
}
