package generative

import "fmt"

// IsingRBM returns an RBM with one hidden unit per site whose visible
// marginal is the Boltzmann distribution of the periodic L×L Ising model at
// temperature T (coupling J = 1), up to corrections of order e^{−gate}.
//
// Hidden unit j gates on spin j: its input is −B + (B + gate)·v_j +
// 4K(v_right + v_up), K = 1/T, B = gate + 8K. With v_j = 0 the input is
// at most −gate, so the unit contributes ≈ 0; with v_j = 1 it is at least
// gate, where softplus(x) ≈ x, so the unit contributes ≈ gate + 4K v_j v_right
// + 4K v_j v_up: each bond's coupling 4K v_i v_k of K s_i s_k (s = 2v − 1)
// exactly once. The visible biases cancel the linear terms. So capacity does
// not limit an RBM with n_h = N: the exact machine exists, far from the
// small-weight region where training starts and converges. Its hidden units
// copy their spins almost deterministically, so block Gibbs barely moves
// (the probability of flipping a spin per step is of order e^{−gate}); it is
// a reference for free energies, not a machine to sample by Gibbs steps.
func IsingRBM(L int, T, gate float64) (*RBM, error) {
	if L < 2 || !(T > 0) || !(gate > 0) {
		return nil, fmt.Errorf("generative: Ising RBM with L = %d, T = %g, gate %g: want L ≥ 2, T > 0, gate > 0", L, T, gate)
	}
	n := L * L
	K := 1 / T
	B := gate + 8*K
	right, up := squareNeighbours(L)
	r := NewRBM(n, n)
	for j := range n {
		r.B[j] = -B
		r.W[j*n+j] += B + gate
		r.W[right[j]*n+j] += 4 * K
		r.W[up[j]*n+j] += 4 * K
		r.A[j] = -8*K - (softplus(gate) - softplus(-B))
	}
	return r, nil
}
