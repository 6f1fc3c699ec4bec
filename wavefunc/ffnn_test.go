package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/wavefunc"
	"github.com/vmcmpi/vmcmpi/wavefunc/wavecheck"
)

func TestFFNNDerivsAndMoves(t *testing.T) {
	for _, tc := range []struct {
		n, d     int
		hidden   []int
		act      string
		envelope float64
	}{
		{1, 1, []int{3}, "tanh", 0},
		{2, 2, []int{8, 8}, "tanh", 1},
		{2, 2, []int{6}, "softplus", 0.5},
		{2, 3, []int{5, 4}, "gelu", 1},
		{3, 2, []int{7, 5, 3}, "gelu", 0},
	} {
		rng := rand.New(rand.NewPCG(21, uint64(tc.n*10+tc.d)))
		layers := append(append([]int{tc.n * tc.d}, tc.hidden...), 1)
		nn, err := wavefunc.NewFFNN(tc.n, tc.d, layers, tc.act, tc.envelope)
		if err != nil {
			t.Fatal(err)
		}
		// Scale 1.5 puts the pre-activations well into the curved part
		// of each activation, and nonzero biases break any symmetry.
		nn.Randomize(1.5, rng)
		p := nn.Params(nil)
		for k := range p {
			p[k] += 0.3 * rng.NormFloat64()
		}
		nn.SetParams(p)
		for range 3 {
			x := randConfig(rng, tc.n*tc.d, 1)
			// h = 3e-4, tol 1e-6: weights of scale 1.5 give third
			// derivatives up to ≈ 10, so the O(h²·f'''/6) truncation is
			// ≈ 2e-7 (h = 1e-3 fails at 2e-6); second-difference
			// round-off ≈ |ln Ψ|·1e-16/h² ≈ 1e-8.
			if err := wavecheck.Derivs(nn, x, 3e-4, 1e-6); err != nil {
				t.Fatalf("%v %s: %v", layers, tc.act, err)
			}
		}
		x := randConfig(rng, tc.n*tc.d, 1)
		probe := nn.NewState(x)
		if err := wavecheck.Moves(nn, x, 60, 1e-10, gaussMove(rng, probe, tc.d, 0.5)); err != nil {
			t.Fatalf("%v %s: %v", layers, tc.act, err)
		}
	}
}

// A network with zero weights is the bare envelope: ln Ψ = −e|x|²/2.
func TestFFNNZeroIsEnvelope(t *testing.T) {
	nn, err := wavefunc.NewFFNN(2, 2, []int{4, 5, 1}, "tanh", 0.8)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.3, -0.2, 1.1, 0.5}
	r2 := 0.0
	for _, v := range x {
		r2 += v * v
	}
	s := nn.NewState(x)
	if got, want := s.LogPsi(), -0.8*r2/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("LogPsi = %v, want %v", got, want)
	}
	g := make([]float64, 4)
	if lap := s.Derivs(g); math.Abs(lap+0.8*4) > 1e-15 {
		t.Errorf("Laplacian %v, want %v", lap, -0.8*4)
	}
}

func TestFFNNBadShapes(t *testing.T) {
	for _, tc := range []struct {
		layers []int
		act    string
		env    float64
		want   string
	}{
		{[]int{3, 4, 1}, "tanh", 1, "particles×dimensions = 4"},
		{[]int{4, 4, 2}, "tanh", 1, "output width"},
		{[]int{4}, "tanh", 1, "at least"},
		{[]int{4, 0, 1}, "tanh", 1, "not positive"},
		{[]int{4, 3, 1}, "relu", 1, "activation"},
		{[]int{4, 3, 1}, "tanh", -1, "envelope"},
	} {
		_, err := wavefunc.NewFFNN(2, 2, tc.layers, tc.act, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewFFNN(%v, %q, %v) error %v, want one mentioning %q", tc.layers, tc.act, tc.env, err, tc.want)
		}
	}
}

// A Positions view is the live configuration: after Accept it shows the
// moved particle (callers such as the samplers hold the view across a
// move).
func TestNQSPositionsViewIsLive(t *testing.T) {
	nn, err := wavefunc.NewFFNN(2, 2, []int{4, 3, 1}, "tanh", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []wavefunc.Model{wavefunc.NewRBM(2, 2, 2, 1), wavefunc.NewPade(2, 2, 1), nn} {
		s := m.NewState([]float64{0, 0, 1, 1})
		view := s.Positions()
		s.Propose(1, []float64{0.5, -0.5})
		s.Accept()
		if view[2] != 0.5 || view[3] != -0.5 || view[0] != 0 {
			t.Errorf("%T: view after Accept %v, want [0 0 0.5 -0.5]", m, view)
		}
	}
}
