package vmc

import (
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
)

// sumWalker measures E_L = Σ_k O_k with O_k a fraction computed from a
// step counter: cheap, deterministic and allocation-free, so any
// allocation seen below is the driver's.
type sumWalker struct{ step float64 }

func (w *sumWalker) Sweep() (int, int) { w.step++; return 1, 1 }
func (w *sumWalker) Measure(o []float64) float64 {
	e := 0.0
	for k := range o {
		o[k] = float64((int(w.step)*(k+3))%17) / 17
		e += o[k]
	}
	return e
}
func (w *sumWalker) Refresh()                       {}
func (w *sumWalker) MarshalBinary() ([]byte, error) { return nil, nil }
func (w *sumWalker) UnmarshalBinary([]byte) error   { return nil }

type sumSystem struct{ p []float64 }

func (s *sumSystem) NumParams() int                 { return len(s.p) }
func (s *sumSystem) Params(dst []float64) []float64 { return append(dst[:0], s.p...) }
func (s *sumSystem) SetParams(p []float64)          { copy(s.p, p) }
func (s *sumSystem) Exact() (float64, bool)         { return 0, false }
func (s *sumSystem) NewWalker(rank, index int, seed uint64) (Walker, error) {
	return &sumWalker{step: float64(index)}, nil
}

// A walker's sampling of an iteration (energy sums, Σ O_k, Σ E_L O_k and
// the dense or matrix-free SR sums) allocates nothing, per sample or per
// iteration; the matrix-free path stores into preallocated rows.
func TestSampleWalkerAllocatesNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sr     Preconditioner
		solver SRSolver
	}{
		{"gradient", nil, SRAuto},
		{"dense", &optim.SR{Shift: 1e-3}, SRDense},
		{"cg", &optim.SR{Shift: 1e-3}, SRCG},
	} {
		const samples = 500
		d, err := New(comm.NewSerial(), &sumSystem{p: make([]float64, 20)}, Options{Walkers: 1, Samples: samples, Iterations: 1,
			Rule: optim.NewGD(0.1), SR: tc.sr, SRSolver: tc.solver})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.SRMatrixFree(); got != (tc.solver == SRCG) {
			t.Fatalf("%s: matrix-free %v", tc.name, got)
		}
		if a := testing.AllocsPerRun(10, func() { d.sampleWalker(0, 1, never) }); a != 0 {
			t.Errorf("%s: %g allocations per iteration of %d samples, want 0", tc.name, a, samples)
		}
		if a := d.accs[0]; a.n != samples || (tc.solver == SRCG && a.rows != samples) {
			t.Errorf("%s: %g samples and %d kept rows, want %d", tc.name, a.n, a.rows, samples)
		}
	}
}

// One product S·v of the matrix-free path on one walker allocates nothing
// beyond the walker goroutines' bookkeeping (a few small objects per call,
// independent of the samples and of P).
func TestApplySAllocations(t *testing.T) {
	var counts []float64
	for _, samples := range []int{100, 1000} {
		d, err := New(comm.NewSerial(), &sumSystem{p: make([]float64, 50)}, Options{Walkers: 2, Samples: samples, Iterations: 1,
			Rule: optim.NewGD(0.1), SR: &optim.SR{Shift: 1e-3}, SRSolver: SRCG})
		if err != nil {
			t.Fatal(err)
		}
		for w := range d.walkers {
			d.sampleWalker(w, 0, nil)
		}
		d.mf.n = float64(2 * samples)
		v, dst := make([]float64, 50), make([]float64, 50)
		v[3] = 1
		counts = append(counts, testing.AllocsPerRun(10, func() { d.applyS(dst, v) }))
	}
	if counts[0] != counts[1] || counts[0] > 10 {
		t.Errorf("S·v allocates %v times for 100 and 1000 samples, want the same small count", counts)
	}
}
