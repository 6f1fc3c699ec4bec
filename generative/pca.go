package generative

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// couplingStart sets W, a and b of r (binary visible units, NH = NV) from
// the covariance C of the data rows (means mu). To second order in the
// hidden inputs a hidden unit adds ¼W_h W_hᵀ to the visible couplings, and
// a Gaussian fit of the data has couplings −C⁻¹ off the diagonal; the free
// diagonal shifts them to J = 1/λ_min − C⁻¹, positive semi-definite. W is
// its symmetric square root, 2√J: hidden unit h is centred on site h and
// decays away from it. (The principal-axes root, one unit per eigenvector,
// gives the same couplings but delocalised units with larger spurious
// four-spin terms, and trains worse than a random start.) The hidden biases
// centre the inputs, b_h = −W_h·μ, and the visible biases cancel the other
// fields the hidden units add at second order, keeping the means.
func couplingStart(r *RBM, rows [][]float64, mu []float64) error {
	nv, nh := r.NV, r.NH
	if nh != nv || r.Q != 0 {
		return fmt.Errorf("generative: coupling start needs binary units and as many hidden units as sites, have %d sites and %d hidden", nv, nh)
	}
	cov := mat.NewSymDense(nv, nil)
	for _, v := range rows {
		for i := range nv {
			di := v[i] - mu[i]
			for j := i; j < nv; j++ {
				cov.SetSym(i, j, cov.At(i, j)+di*(v[j]-mu[j]))
			}
		}
	}
	cov.ScaleSym(1/float64(len(rows)), cov)
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return errors.New("generative: eigendecomposition of the data covariance failed")
	}
	lam := eig.Values(nil) // ascending
	var vec mat.Dense
	eig.VectorsTo(&vec)
	lmin := max(lam[0], 1e-3)
	s := make([]float64, nv)
	for k := range nv {
		s[k] = 2 * math.Sqrt(max(0, 1/lmin-1/max(lam[k], lmin)))
	}
	for i := range nv {
		for h := range nh {
			x := 0.0
			for k := nv - 1; k >= 0; k-- { // largest eigenvalue first
				x += s[k] * vec.At(i, k) * vec.At(h, k)
			}
			r.W[i*nh+h] = x
		}
	}
	for h := range nh {
		x := 0.0
		for i := range nv {
			x += r.W[i*nh+h] * mu[i]
		}
		r.B[h] = -x
	}
	for i := range nv {
		var sw, sw2 float64
		for _, w := range r.W[i*nh : (i+1)*nh] {
			sw += w
			sw2 += w * w
		}
		// Fields on v_i at second order: ½Σ_h W_ih + ⅛Σ_h W_ih² − Σ_j J_ij μ_j
		// with J = ¼WWᵀ; keep the off-diagonal mean field, cancel the rest.
		r.A[i] += -sw/2 - sw2/8 + sw2/4*mu[i]
	}
	return nil
}
