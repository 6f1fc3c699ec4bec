package generative

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/classical"
	"github.com/vmcmpi/vmcmpi/comm"
)

// TestStudyExact: an Ising study on a lattice within reach of the transfer
// matrix carries the exact finite-lattice values (equal to enumeration at
// 4×4) in results.json and results.csv, and its Monte Carlo lies within 4σ
// of them; a Potts study has none ("nan" columns).
func TestStudyExact(t *testing.T) {
	for _, c := range []struct {
		path  string
		exact bool
	}{{"../configs/ising/ising-4-small.toml", true}, {"../configs/ising/potts-4-small.toml", false}} {
		cfg, err := LoadConfig(c.path, "rbm.hidden=0", "mc.samples=2000")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Output.Dir = t.TempDir()
		var lines []string
		rep, err := Study(context.Background(), comm.NewSerial(), cfg, false, func(s string) { lines = append(lines, s) })
		if err != nil {
			t.Fatal(err)
		}
		temps := cfg.Temps()
		var ex []classical.Observables
		if c.exact {
			if ex, err = classical.Exact(classical.Ising, 4, temps); err != nil {
				t.Fatal(err)
			}
		}
		for i, p := range rep.Points {
			if (p.Exact != nil) != c.exact {
				t.Fatalf("%s T = %v: exact %v", c.path, p.T, p.Exact)
			}
			if !c.exact {
				continue
			}
			x := *p.Exact
			if math.Abs(x.E-ex[i].E) > 1e-10 || math.Abs(x.M-ex[i].M) > 1e-10 || math.Abs(x.Cv-ex[i].Cv) > 1e-10 || math.Abs(x.Chi-ex[i].Chi) > 1e-10 {
				t.Errorf("T = %v: study's exact %+v, enumeration %+v", p.T, x, ex[i])
			}
			for _, d := range []struct {
				name           string
				est, se, exact float64
			}{{"e", p.MC.E, p.MC.EErr, x.E}, {"|m|", p.MC.M, p.MC.MErr, x.M}, {"C_v", p.MC.Cv, p.MC.CvErr, x.Cv}, {"χ", p.MC.Chi, p.MC.ChiErr, x.Chi}} {
				if math.Abs(sigmas(d.est, d.se, d.exact)) > 4 {
					t.Errorf("T = %v: MC %s = %.5f ± %.5f, exact %.5f", p.T, d.name, d.est, d.se, d.exact)
				}
			}
		}
		if got := strings.Count(strings.Join(lines, "\n"), ": exact e ="); c.exact && got != len(temps) {
			t.Errorf("%d exact lines in %q", got, lines)
		}
		b, err := os.ReadFile(filepath.Join(cfg.Output.Dir, ResultsCSV))
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(rows) != len(temps)+1 || rows[0] != strings.Join(CSVHeader, ",") {
			t.Fatalf("results.csv:\n%s", b)
		}
		for _, r := range rows[1:] {
			f := strings.Split(r, ",")
			if len(f) != len(CSVHeader) || (f[len(f)-1] == "nan") == c.exact {
				t.Errorf("results.csv row %q", r)
			}
		}
	}
}

// TestStudyReference: mc.measure_every and mc.measure_sweeps leave the
// training data bit-identical, report the stored configurations' own
// observables as Point.Data (equal to the default study's MC), and measure a
// reference with smaller error bars that agrees with the exact values.
func TestStudyReference(t *testing.T) {
	run := func(sets ...string) (*Report, string) {
		cfg, err := LoadConfig("../configs/ising/ising-4-small.toml", append([]string{"rbm.hidden=0", "mc.samples=2000"}, sets...)...)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Output.Dir = t.TempDir()
		rep, err := Study(context.Background(), comm.NewSerial(), cfg, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		return rep, cfg.Output.Dir
	}
	plain, pdir := run()
	ref, rdir := run("mc.measure_every=1", "mc.measure_sweeps=40000")
	for i, p := range ref.Points {
		q := plain.Points[i]
		a, _ := os.ReadFile(filepath.Join(pdir, q.DataFile))
		b, _ := os.ReadFile(filepath.Join(rdir, p.DataFile))
		if len(a) == 0 || string(a) != string(b) {
			t.Fatalf("T = %v: the training data depend on the measurement", p.T)
		}
		if q.Data != nil || p.Data == nil || *p.Data != q.MC {
			t.Fatalf("T = %v: data observables %+v, default study's MC %+v", p.T, p.Data, q.MC)
		}
		if p.MC.Samples != 2000*5+40000 || !(p.MC.CvErr < q.MC.CvErr/2) {
			t.Errorf("T = %v: reference of %d samples, C_v ± %.4f (stored only ± %.4f)", p.T, p.MC.Samples, p.MC.CvErr, q.MC.CvErr)
		}
		x := *p.Exact
		for _, d := range []struct {
			name           string
			est, se, exact float64
		}{{"e", p.MC.E, p.MC.EErr, x.E}, {"|m|", p.MC.M, p.MC.MErr, x.M}, {"C_v", p.MC.Cv, p.MC.CvErr, x.Cv}, {"χ", p.MC.Chi, p.MC.ChiErr, x.Chi}} {
			if math.Abs(sigmas(d.est, d.se, d.exact)) > 4 {
				t.Errorf("T = %v: reference %s = %.5f ± %.5f, exact %.5f", p.T, d.name, d.est, d.se, d.exact)
			}
		}
	}
}

// TestChainSpread: chains whose means scatter by their errors give χ²/dof
// near 1; one chain 40 errors off is flagged and named; a chain without
// fluctuations borrows the smallest error of the others.
func TestChainSpread(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	per := make([]float64, 2*16)
	for g := range 16 {
		per[2*g], per[2*g+1] = 0.99+0.001*rng.NormFloat64(), 1e-6
	}
	if sp := chainSpread(per); sp.Chi2 < 0.3 || sp.Chi2 > 2.5 || sp.Chi2 > SpreadWarning {
		t.Errorf("agreeing chains: %+v", sp)
	}
	per[2*5] = 0.95
	if sp := chainSpread(per); sp.Chi2 < SpreadWarning || sp.Worst != 5 || sp.M != 0.95 || sp.Z > -30 {
		t.Errorf("one chain in a second mode: %+v", sp)
	}
	per[2*5], per[2*5+1] = 0.99, 0
	if sp := chainSpread(per); math.IsInf(sp.Chi2, 0) || math.IsNaN(sp.Chi2) || sp.Chi2 > SpreadWarning {
		t.Errorf("a chain without fluctuations: %+v", sp)
	}
}

// TestOrderedStarts: a machine with two modes that block Gibbs cannot leave
// (one hidden unit that, when on, holds every spin up; off for a disordered
// start) gives agreeing chains from random starts, and chains flagged as
// disagreeing when half of them start ordered.
func TestOrderedStarts(t *testing.T) {
	r := NewRBM(64, 1)
	const w = 6.0
	for i := range 64 {
		r.W[i] = w
	}
	r.B[0] = -48 * w // on only with more than 48 of the 64 spins up
	o := SampleOptions{Chains: 8, BurnIn: 10, Samples: 500, Every: 1, Seed: 1}
	obs, sp, err := EvaluateChains(comm.NewSerial(), r, o, 2, 64, IsingObserver(8))
	if err != nil {
		t.Fatal(err)
	}
	if obs.M > 0.3 || sp.Chi2 > SpreadWarning {
		t.Errorf("random starts: |m| = %.3f, spread %+v", obs.M, sp)
	}
	if plain, _ := Evaluate(comm.NewSerial(), r, o, 2, 64, IsingObserver(8)); plain != obs {
		t.Errorf("Evaluate %+v, EvaluateChains %+v", plain, obs)
	}
	o.OrderedStarts = true
	obs, sp, err = EvaluateChains(comm.NewSerial(), r, o, 2, 64, IsingObserver(8))
	if err != nil {
		t.Fatal(err)
	}
	if obs.M < 0.4 || sp.Chi2 < SpreadWarning || sp.Worst%2 != 1 || sp.M < 0.9 {
		t.Errorf("ordered starts: |m| = %.3f, spread %+v", obs.M, sp)
	}
}
