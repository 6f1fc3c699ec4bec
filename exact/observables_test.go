package exact

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// The observables rebuild the energy: for the TFIM ring
// E = −J·N·C(1) − h·N·σˣ, for the Heisenberg ring E = J·N·⟨S_0·S_1⟩; the
// structure factor is the Fourier transform Σ_t e^{iqt} C(t) of the
// translation-averaged correlation, C(0) = 1 and ⟨S_0·S_0⟩ = 3/4. The
// TFIM at h = 1 is checked against the free-fermion energy as well
// (through GroundState), and the exchange-sector Heisenberg chain has
// m = |m| = σˣ = 0.
func TestGroundStateObservables(t *testing.T) {
	for _, c := range []struct {
		model string
		kind  string
		l     int
		field float64
	}{{"tfim", "chain", 8, 0.5}, {"tfim", "chain", 8, 1}, {"tfim", "chain", 8, 2}, {"heisenberg", "chain", 10, 0}, {"heisenberg", "square", 4, 0}, {"tfim", "square", 3, 3}} {
		h := spin(t, c.model, c.kind, c.l, true, 1, c.field)
		res, o, err := GroundStateObservables(h, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := float64(h.N)
		nb := float64(len(h.Lattice.Bonds))
		var e float64
		if c.model == "tfim" {
			e = -nb*o.CorrZZ[1] - c.field*n*o.SigmaX
		} else {
			e = nb * o.CorrSS[1]
			if o.M != 0 || o.AbsM != 0 || o.SigmaX != 0 {
				t.Errorf("%v: m %v |m| %v σˣ %v in the S^z = 0 sector", h, o.M, o.AbsM, o.SigmaX)
			}
		}
		if math.Abs(e-res.Energy) > 1e-8 {
			t.Errorf("%v: energy from observables %.10f, Lanczos %.10f", h, e, res.Energy)
		}
		if math.Abs(o.CorrZZ[0]-1) > 1e-12 || math.Abs(o.CorrSS[0]-0.75) > 1e-12 {
			t.Errorf("%v: C(0) = %v, S·S(0) = %v", h, o.CorrZZ[0], o.CorrSS[0])
		}
		_, r := h.Momenta()
		for k, q := range o.Q {
			var f complex128
			for tt, ct := range o.CorrZZ {
				f += complex(ct, 0) * cmplx.Exp(complex(0, q[0]*r[tt][0]+q[1]*r[tt][1]))
			}
			if math.Abs(real(f)-o.SQ[k]) > 1e-9 {
				t.Errorf("%v: S(%v) = %v, Fourier sum of C %v", h, q, o.SQ[k], f)
			}
		}
	}
}

// TFIMChain at h = 1 and the observables' energy agree on a ring of 10.
func TestObservablesTFIMClosedForm(t *testing.T) {
	lat, _ := hamiltonian.NewLattice("chain", 10, true)
	h, _ := hamiltonian.NewTFIM(lat, 1, 1)
	_, o, err := GroundStateObservables(h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := TFIMChain(10, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e := -10*o.CorrZZ[1] - 10*o.SigmaX; math.Abs(e-want) > 1e-8 {
		t.Errorf("E from observables %.10f, closed form %.10f", e, want)
	}
}
