package stats

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// ar1 returns n samples of x_t = φ x_{t−1} + ε_t, ε ~ N(0, 1), started from
// the stationary distribution N(0, 1/(1−φ²)) so there is no burn-in bias.
func ar1(n int, phi float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	x := make([]float64, n)
	v := rng.NormFloat64() / math.Sqrt(1-phi*phi)
	for i := range x {
		x[i] = v
		v = phi*v + rng.NormFloat64()
	}
	return x
}

// ar1VarMean is the exact variance of the mean of n consecutive stationary
// AR(1) samples with unit innovations:
// (σ²/n)[(1+φ)/(1−φ) − 2φ(1−φⁿ)/(n(1−φ)²)], σ² = 1/(1−φ²).
// For large n it tends to 1/((1−φ)² n).
func ar1VarMean(n int, phi float64) float64 {
	s2 := 1 / (1 - phi*phi)
	fn := float64(n)
	return s2 / fn * ((1+phi)/(1-phi) - 2*phi*(1-math.Pow(phi, fn))/(fn*(1-phi)*(1-phi)))
}

// corrRelStd is the relative standard deviation of the lag-1 corrected
// blocking variance from n_j blocks: the variance's 2/(n_j − 1) plus
// (2σ_ρ)² = 4/n_j of the correction.
func corrRelStd(nj int) float64 { return math.Sqrt(2/float64(nj-1) + 4/float64(nj)) }

// chi2RelStd is the relative standard deviation of a variance estimated
// with k − 1 degrees of freedom: sqrt(2/(k − 1)).
func chi2RelStd(k int) float64 { return math.Sqrt(2 / float64(k-1)) }

func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

func TestBlockerMatchesBlocking(t *testing.T) {
	lengths := []int{2, 3, 5, 17, 1000, 4096, 65537, 100003}
	if !testing.Short() {
		lengths = append(lengths, 1<<20, 1<<20+12345)
	}
	for _, n := range lengths {
		for _, offset := range []float64{0, 1e3} {
			x := ar1(n, 0.9, uint64(n))
			for i := range x {
				x[i] += offset
			}
			want := Blocking(x)
			var b Blocker
			for _, v := range x {
				b.Add(v)
			}
			got := b.Result()
			if got.N != want.N || got.Level != want.Level {
				t.Errorf("n=%d offset=%g: stream N=%d Level=%d, stored N=%d Level=%d",
					n, offset, got.N, got.Level, want.N, want.Level)
			}
			// Only round-off separates the streamed sums from the two-pass
			// sums: shifted sums lose about log2(n) bits relative to σ.
			sd := math.Sqrt(want.Variance)
			if math.Abs(got.Mean-want.Mean) > 1e-12*(sd+math.Abs(offset)) {
				t.Errorf("n=%d offset=%g: mean %.17g vs %.17g", n, offset, got.Mean, want.Mean)
			}
			for _, c := range []struct {
				name string
				a, b float64
			}{{"variance", got.Variance, want.Variance}, {"error", got.Error, want.Error}, {"tau", got.Tau, want.Tau}} {
				if n >= 2 && relDiff(c.a, c.b) > 1e-9 {
					t.Errorf("n=%d offset=%g: %s stream %.17g, stored %.17g", n, offset, c.name, c.a, c.b)
				}
			}
		}
	}
}

func TestBlockingAR1Exact(t *testing.T) {
	n := 1 << 20
	phis := []float64{0, 0.5, 0.9}
	if testing.Short() {
		n = 1 << 17
	} else {
		phis = append(phis, 0.99)
	}
	for _, phi := range phis {
		x := ar1(n, phi, 7)
		e := Blocking(x)
		exact := ar1VarMean(n, phi)
		nj := n >> e.Level
		// At the chosen level the error² is a variance with about n_j − 1
		// degrees of freedom times the lag-1 correction 1 + 2ρ_j, whose ρ_j
		// scatters by 1/√n_j: relative spread sqrt(6/n_j); allow 4 of
		// them. The correction removes the 1/B bias of the plain level, so
		// the comparison is with the exact variance of the mean itself.
		tol := 4 * corrRelStd(nj)
		got := e.Error * e.Error
		if r := math.Abs(got/exact - 1); r > tol {
			t.Errorf("φ=%g: error² %.4g vs exact %.4g at level %d: rel. diff %.3f > %.3f", phi, got, exact, e.Level, r, tol)
		}
		// τ = (1+φ)/(1−φ) for AR(1), within the same relative tolerance
		// for large n.
		tauExact := (1 + phi) / (1 - phi)
		if r := math.Abs(e.Tau/tauExact - 1); r > tol+4/math.Sqrt(float64(n)) {
			t.Errorf("φ=%g: τ %.3f vs %.3f", phi, e.Tau, tauExact)
		}
		if math.Abs(e.ESS*e.Tau-float64(n)) > 1e-6*float64(n) {
			t.Errorf("φ=%g: ESS·τ = %g, want n = %d", phi, e.ESS*e.Tau, n)
		}
		t.Logf("φ=%g n=%d level=%d error=%.4g exact=%.4g naive=%.4g τ=%.2f", phi, n, e.Level, e.Error, math.Sqrt(exact), math.Sqrt(e.Variance/float64(n)), e.Tau)
	}
}

// Independent repetitions: the spread of the means must match the blocking
// error bars, and expose the naive σ/√n as too small.
func TestBlockingSeeds(t *testing.T) {
	const phi = 0.9
	K, n := 40, 1<<16
	if testing.Short() {
		K, n = 20, 1<<14
	}
	var sumM2, sumErrVar, sumNaive, sumExpect, sumRel2 float64
	for s := range K {
		x := ar1(n, phi, uint64(1000+s))
		e := Blocking(x)
		sumM2 += e.Mean * e.Mean // the exact mean is 0
		sumErrVar += e.Error * e.Error
		sumNaive += e.Variance / float64(n)
		sumExpect += ar1VarMean(n, phi)
		r := corrRelStd(n >> e.Level)
		sumRel2 += r * r
	}
	fK := float64(K)
	errVar, naive := sumErrVar/fK, sumNaive/fK
	// Σ m_s² / Var(mean) ~ χ²_K (K independent normal means with known
	// mean 0). Accept the blocking variance if the observed statistic lies
	// in the central 99.9 % interval; the blocking average is itself
	// uncertain by ~sqrt(2/(n_j−1)/K) ≈ 2 %, far inside that interval.
	chi := distuv.ChiSquared{K: fK}
	lo, hi := chi.Quantile(0.0005), chi.Quantile(0.9995)
	if q := sumM2 / errVar; q < lo || q > hi {
		t.Errorf("Σ mean²/blocking var = %.1f outside the χ²_%d 99.9%% interval [%.1f, %.1f]", q, K, lo, hi)
	}
	// The naive σ²/n must be rejected by the same test: for φ = 0.9 it is
	// (1−φ)/(1+φ) ≈ 1/19 of the truth.
	if q := sumM2 / naive; q <= hi {
		t.Errorf("Σ mean²/naive var = %.1f not above the χ² bound %.1f: naive error not detectably too small", q, hi)
	}
	// The average blocking variance against the exact variance of the
	// mean (the lag-1 correction leaves no bias of the chosen level):
	// spread sqrt(Σ 6/n_j)/K, 4 of them.
	if tol := 4 * math.Sqrt(sumRel2) / fK; math.Abs(errVar/(sumExpect/fK)-1) > tol {
		t.Errorf("mean blocking var %.4g vs exact expectation %.4g: beyond %.3f", errVar, sumExpect/fK, tol)
	}
	t.Logf("K=%d n=%d: spread² %.4g, blocking %.4g, naive %.4g, exact %.4g", K, n, sumM2/fK, errVar, naive, ar1VarMean(n, phi))
}

func TestBlockingUncorrelated(t *testing.T) {
	const K = 20
	n := 1 << 16
	if testing.Short() {
		n = 1 << 13
	}
	const mu, sigma = 3.0, 2.0
	atZero := 0
	for s := range K {
		rng := rand.New(rand.NewPCG(uint64(s), 99))
		x := make([]float64, n)
		for i := range x {
			x[i] = mu + sigma*rng.NormFloat64()
		}
		e := Blocking(x)
		if e.Level == 0 {
			atZero++
			// At level 0 the error is the naive one times the lag-1
			// correction: τ = 1 + 2 max(ρ(1) + 1/n, 0).
			rho := Autocorrelation(x, 1)[1]
			tau := 1 + 2*max(rho+1/float64(n), 0)
			if relDiff(e.Error, math.Sqrt(tau*e.Variance/float64(n))) > 1e-12 || math.Abs(e.Tau-tau) > 1e-12 {
				t.Errorf("seed %d: level 0 but error %g ≠ s·√(τ/n) %g or τ %g ≠ %g", s, e.Error, math.Sqrt(tau*e.Variance/float64(n)), e.Tau, tau)
			}
		}
		// Error·√n/σ estimates 1 with relative spread sqrt(6/n_j)/2.
		if tol := 4 * corrRelStd(n>>e.Level) / 2; math.Abs(e.Error*math.Sqrt(float64(n))/sigma-1) > tol {
			t.Errorf("seed %d: error %g, σ/√n %g (level %d, tol %.3f)", s, e.Error, sigma/math.Sqrt(float64(n)), e.Level, tol)
		}
		if e.Level > 3 {
			t.Errorf("seed %d: level %d for independent samples", s, e.Level)
		}
	}
	// Level 0 fails the 99 % test with probability ~1 %; 3 failures of 20
	// have probability ~1e-3.
	if atZero < K-2 {
		t.Errorf("only %d of %d independent series stopped at level 0", atZero, K)
	}
}

// The rule for lengths that are not powers of two: level k uses the
// ⌊n/2^k⌋ complete blocks, the mean uses every sample, and the variance
// of the mean is σ̂²_B·B/n. Checked against blocks formed directly.
func TestBlockingNonPowerOfTwo(t *testing.T) {
	for _, n := range []int{1<<10 + 300, 1<<12 - 1, 3000} {
		x := ar1(n, 0.6, uint64(n))
		x[n-1] += 50 // an outlier in the trailing, partial blocks
		e := Blocking(x)
		mean, _ := meanSS(x)
		if math.Abs(e.Mean-mean) > 1e-13 {
			t.Errorf("n=%d: mean %.17g, want mean of all samples %.17g", n, e.Mean, mean)
		}
		B := 1 << e.Level
		nj := n / B
		blocks := make([]float64, nj)
		bm := 0.0
		for i := range blocks {
			for _, v := range x[i*B : (i+1)*B] {
				blocks[i] += v
			}
			blocks[i] /= float64(B)
			bm += blocks[i]
		}
		bm /= float64(nj)
		ss, lag := 0.0, 0.0
		for i, b := range blocks {
			ss += (b - bm) * (b - bm)
			if i > 0 {
				lag += (blocks[i-1] - bm) * (b - bm)
			}
		}
		corr := 1 + 2*max(lag/ss+1/float64(nj), 0)
		want := math.Sqrt(ss / float64(nj-1) * float64(B) / float64(n) * corr)
		if relDiff(e.Error, want) > 1e-10 {
			t.Errorf("n=%d level %d: error %.15g, want %.15g", n, e.Level, e.Error, want)
		}
	}
}

func TestBlockingEdgeCases(t *testing.T) {
	if e := Blocking(nil); e != (Estimate{}) {
		t.Errorf("empty: %+v", e)
	}
	var b Blocker
	if e := b.Result(); e != (Estimate{}) {
		t.Errorf("empty blocker: %+v", e)
	}
	e := Blocking([]float64{4})
	if e.N != 1 || e.Mean != 4 || !math.IsNaN(e.Error) {
		t.Errorf("one sample: %+v", e)
	}
	// Two samples: one level, error = |a−b|/2 (s² = (a−b)²/2, /n).
	e = Blocking([]float64{1, 3})
	if e.N != 2 || e.Mean != 2 || e.Variance != 2 || math.Abs(e.Error-1) > 1e-15 || e.Level != 0 {
		t.Errorf("two samples: %+v", e)
	}
	// A constant series (an exact wave function): zero error, τ = 1.
	c := make([]float64, 1000)
	for i := range c {
		c[i] = 15
		b.Add(15)
	}
	for _, e := range []Estimate{Blocking(c), b.Result()} {
		if e.Mean != 15 || e.Variance != 0 || e.Error != 0 || e.Tau != 1 || e.ESS != 1000 || e.Level != 0 {
			t.Errorf("constant series: %+v", e)
		}
	}
}

func TestBlockerMarshal(t *testing.T) {
	x := ar1(20000, 0.8, 3)
	var a Blocker
	for _, v := range x[:12345] {
		a.Add(v)
	}
	data, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var r Blocker
	r.Add(99) // overwritten by the restore
	if err := r.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Result(), r.Result()) {
		t.Fatalf("restored result %+v, want %+v", r.Result(), a.Result())
	}
	for _, v := range x[12345:] {
		a.Add(v)
		r.Add(v)
	}
	if !reflect.DeepEqual(a.Result(), r.Result()) {
		t.Fatalf("after continuing: restored %+v, original %+v", r.Result(), a.Result())
	}
	d1, _ := a.MarshalBinary()
	d2, _ := r.MarshalBinary()
	if string(d1) != string(d2) {
		t.Fatal("continued states encode differently")
	}
	// Reset empties it: the same samples again give the same result.
	a.Reset()
	if a.N() != 0 || a.Result() != (Estimate{}) {
		t.Fatalf("after Reset: n=%d, %+v", a.N(), a.Result())
	}
	for _, v := range x {
		a.Add(v)
	}
	if !reflect.DeepEqual(a.Result(), r.Result()) {
		t.Fatalf("after Reset and refill: %+v, want %+v", a.Result(), r.Result())
	}
	// An empty Blocker round-trips too.
	var z, z2 Blocker
	dz, _ := z.MarshalBinary()
	if err := z2.UnmarshalBinary(dz); err != nil || z2.N() != 0 {
		t.Fatalf("empty round trip: %v, n=%d", err, z2.N())
	}

	bad := map[string][]byte{
		"short":     data[:5],
		"magic":     append([]byte("XYZ"), data[3:]...),
		"version":   append(append([]byte{}, data[:3]...), append([]byte{9}, data[4:]...)...),
		"truncated": data[:len(data)-1],
	}
	inconsistent := append([]byte{}, data...)
	inconsistent[blockerHeader+blockerLevel] ^= 1 // level 1 count no longer n_0/2
	bad["inconsistent"] = inconsistent
	before := r.Result()
	for name, d := range bad {
		if err := r.UnmarshalBinary(d); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(r.Result(), before) {
			t.Errorf("%s: failed restore changed the Blocker", name)
		}
	}
}

func TestBlockerAddAllocs(t *testing.T) {
	var b Blocker
	for i := range 1 << 12 {
		b.Add(float64(i % 7))
	}
	x := 0.0
	// Fewer than 2^12 further samples reach no new level.
	if a := testing.AllocsPerRun(1000, func() { x++; b.Add(x) }); a != 0 {
		t.Errorf("Add allocates %g times per call", a)
	}
}

func TestCombine(t *testing.T) {
	lengths := []int{1000, 4096, 3000, 777, 8192}
	var chains []Estimate
	var all []float64
	var sumN, sumNM, sumN2V float64
	for i, n := range lengths {
		x := ar1(n, 0.7, uint64(50+i))
		for j := range x {
			x[j] += 2 + 0.1*float64(i) // chains with different means
		}
		var b Blocker
		for _, v := range x {
			b.Add(v)
		}
		bn, bm, bv := b.Summary()
		sumN += bn
		sumNM += bn * bm
		sumN2V += bn * bn * bv
		chains = append(chains, Blocking(x))
		all = append(all, x...)
	}
	chains = append(chains, Estimate{}) // empty chains are skipped
	c := Combine(chains)

	// Pooled closed form from the concatenated samples.
	N := len(all)
	mean, ss := meanSS(all)
	errVar := 0.0
	for _, e := range chains {
		errVar += float64(e.N) * float64(e.N) * e.Error * e.Error
	}
	errVar /= float64(N) * float64(N)
	if c.N != N || math.Abs(c.Mean-mean) > 1e-13 || relDiff(c.Variance, ss/float64(N-1)) > 1e-12 ||
		relDiff(c.Error, math.Sqrt(errVar)) > 1e-13 {
		t.Errorf("combined %+v; pooled N=%d mean=%.15g var=%.15g err=%.15g", c, N, mean, ss/float64(N-1), math.Sqrt(errVar))
	}
	if relDiff(c.Tau, c.Error*c.Error*float64(N)/c.Variance) > 1e-12 {
		t.Errorf("τ %g inconsistent", c.Tau)
	}
	m, e := CombineSums(sumN, sumNM, sumN2V)
	if math.Abs(m-c.Mean) > 1e-12 || relDiff(e, c.Error) > 1e-10 {
		t.Errorf("CombineSums %.15g ± %.15g, Combine %.15g ± %.15g", m, e, c.Mean, c.Error)
	}
	if m, e := CombineSums(0, 0, 0); !math.IsNaN(m) || !math.IsNaN(e) {
		t.Errorf("CombineSums of nothing: %g ± %g", m, e)
	}
	if e := Combine(nil); e != (Estimate{}) {
		t.Errorf("Combine(nil) = %+v", e)
	}
}

// Equal independent chains: the combined error must be 1/√K of one chain's,
// which the blocking estimate of the concatenation reproduces within its
// statistical error.
func TestCombineVsConcatenation(t *testing.T) {
	const K, n, phi = 16, 1 << 13, 0.8
	var chains []Estimate
	var all []float64
	for s := range K {
		x := ar1(n, phi, uint64(500+s))
		chains = append(chains, Blocking(x))
		all = append(all, x...)
	}
	c := Combine(chains)
	exact := ar1VarMean(n, phi) / K
	// Σ over K chains of variances each with n_j − 1 dof: relative spread
	// ~ sqrt(2/(n_j−1))/√K; 4 of them plus the level bias (< 10 % of τ/B).
	r := chi2RelStd(n>>c.Level) / math.Sqrt(K)
	if d := math.Abs(c.Error*c.Error/exact - 1); d > 4*r+0.05 {
		t.Errorf("combined error² %.4g vs exact %.4g (rel %.3f)", c.Error*c.Error, exact, d)
	}
	whole := Blocking(all)
	rw := chi2RelStd(len(all) >> whole.Level)
	if d := math.Abs(whole.Error*whole.Error/(c.Error*c.Error) - 1); d > 4*math.Hypot(r, rw)+0.05 {
		t.Errorf("concatenated %.4g vs combined %.4g (rel %.3f)", whole.Error, c.Error, d)
	}
}

func BenchmarkBlockerAdd(b *testing.B) {
	x := ar1(1<<16, 0.9, 1)
	var bl Blocker
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		bl.Add(x[i&(1<<16-1)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

func BenchmarkBlockerResult(b *testing.B) {
	var bl Blocker
	for _, v := range ar1(1<<20, 0.9, 1) {
		bl.Add(v)
	}
	b.ReportAllocs()
	for b.Loop() {
		bl.Result()
	}
}

func BenchmarkBlocking(b *testing.B) {
	x := ar1(1<<20, 0.9, 1)
	b.ReportAllocs()
	for b.Loop() {
		Blocking(x)
	}
	b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// meanSS is the two-pass mean of x and the sum of squared deviations from
// it, the reference the estimators are checked against.
func meanSS(x []float64) (mean, ss float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, ss
}
