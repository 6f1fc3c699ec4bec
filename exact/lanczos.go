package exact

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// Options tunes GroundState; the zero value is usable.
type Options struct {
	// MaxBytes is the memory the solver may use; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Krylov is the number of Lanczos vectors kept between restarts
	// (0 means 40). It shrinks, down to 8, when memory is short.
	Krylov int
	// Tol is the residual ‖Hv − Ev‖ at which the ground state counts as
	// converged, relative to max(1, |E|); 0 means 1e-10.
	Tol float64
	// MaxRestarts bounds the restarts; 0 means 200.
	MaxRestarts int
	// Seed of the random start vector.
	Seed uint64
}

// DefaultMaxBytes is the memory budget when Options.MaxBytes is 0.
const DefaultMaxBytes = 2 << 30

const minKrylov = 8

// Result is an exact ground-state energy and how it was obtained.
type Result struct {
	Energy   float64 `json:"energy"`    // ground-state energy
	Sites    int     `json:"sites"`     // lattice sites N
	Dim      int     `json:"dimension"` // dimension of the sector's basis
	Sector   string  `json:"sector"`    // "full" or "Sz=…"
	Krylov   int     `json:"krylov"`    // Krylov space size per restart
	MatVecs  int     `json:"matvecs"`   // Hamiltonian applications
	Residual float64 `json:"residual"`  // Lanczos residual estimate |β_m y_m|
	Bytes    int64   `json:"bytes"`     // memory of the Lanczos vectors (Need)
}

// ErrMemory is wrapped by the error returned when a system needs more
// memory than allowed.
var ErrMemory = errors.New("too much memory")

func memoryError(h *hamiltonian.Spin, need, limit int64) error {
	return fmt.Errorf("exact: %v has %d sites and needs %s, more than the limit of %s: %w",
		h, h.N, humanBytes(need), humanBytes(limit), ErrMemory)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n >= 1<<61 {
		return "more than 2 EiB"
	}
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, u := float64(n), 0
	for v >= unit && u < 6 {
		v /= unit
		u++
	}
	return fmt.Sprintf("%d bytes (%.1f %ciB)", n, v, "BKMGTPE"[u])
}

// Need returns the dimension of the space GroundState would use for h,
// the memory it would take with k Lanczos vectors and the sector's name.
func Need(h *hamiltonian.Spin, k int) (dim int, bytes int64, sector string) {
	up := sectorOf(h)
	sector = "full"
	if up >= 0 {
		sector = fmt.Sprintf("Sz=%g", float64(2*up-h.N)/2)
	}
	if h.N > MaxSites {
		return 0, math.MaxInt64, sector
	}
	if up < 0 && h.N > 60 {
		return 0, math.MaxInt64, sector
	}
	dim = dimension(h.N, up)
	k = min(k, dim)
	// k+1 Lanczos vectors, H·v, the diagonal; a sector stores its
	// configurations too.
	vecs := int64(k + 3)
	if up >= 0 {
		vecs++
	}
	return dim, vecs * int64(dim) * 8, sector
}

// GroundState returns the lowest eigenvalue of h by restarted Lanczos with
// full reorthogonalisation inside each cycle: the Krylov space is built
// from the current vector, the lowest Ritz vector of the cycle starts the
// next one. It checks the memory before allocating anything and fails with
// an error wrapping ErrMemory, naming the bytes needed.
func GroundState(h *hamiltonian.Spin, opt Options) (Result, error) {
	res, _, _, err := groundState(h, opt, false)
	return res, err
}

// groundState is GroundState; with vector set it also returns the
// normalised ground-state vector in the basis b.
func groundState(h *hamiltonian.Spin, opt Options, vector bool) (res Result, b *basis, psi []float64, err error) {
	limit := opt.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	k := opt.Krylov
	if k <= 0 {
		k = 40
	}
	k = max(k, minKrylov)
	dim, need, sector := Need(h, k)
	for need > limit && k > minKrylov {
		k = max(minKrylov, k/2)
		dim, need, sector = Need(h, k)
	}
	if need > limit {
		return Result{}, nil, nil, memoryError(h, need, limit)
	}
	tol := opt.Tol
	if tol <= 0 {
		tol = 1e-10
	}
	restarts := opt.MaxRestarts
	if restarts <= 0 {
		restarts = 200
	}
	if b, err = newBasis(h.N, sectorOf(h)); err != nil {
		return Result{}, nil, nil, err
	}
	op := newOperator(h, b)
	res = Result{Sites: h.N, Dim: dim, Sector: sector, Bytes: need}
	if dim == 1 {
		res.Energy = op.diag[0]
		return res, b, []float64{1}, nil
	}
	k = min(k, dim)
	res.Krylov = k

	rng := rand.New(rand.NewPCG(opt.Seed, 0x6c616e637a6f73))
	v := make([][]float64, k+1)
	for i := range v {
		v[i] = make([]float64, dim)
	}
	w := make([]float64, dim)
	for i := range v[0] {
		v[0][i] = rng.Float64() - 0.5
	}
	floats.Scale(1/floats.Norm(v[0], 2), v[0])

	alpha := make([]float64, k)
	beta := make([]float64, k)
	for range restarts {
		m := k // size of this cycle's tridiagonal matrix
		for j := range k {
			op.apply(w, v[j])
			res.MatVecs++
			alpha[j] = floats.Dot(w, v[j])
			// Full Gram–Schmidt against the cycle's vectors, twice
			// ("twice is enough"), replaces the three-term recurrence and
			// keeps the basis orthogonal to working precision.
			for range 2 {
				for i := 0; i <= j; i++ {
					floats.AddScaled(w, -floats.Dot(w, v[i]), v[i])
				}
			}
			beta[j] = floats.Norm(w, 2)
			if j == k-1 {
				break
			}
			// An invariant subspace: the Ritz values of T are exact.
			if beta[j] < 1e-13*math.Max(1, math.Abs(alpha[j])) {
				m = j + 1
				beta[j] = 0
				break
			}
			floats.ScaleTo(v[j+1], 1/beta[j], w)
		}
		theta, y := lowestRitz(alpha[:m], beta[:m])
		res.Energy = theta
		// ‖H x − θ x‖ for the Ritz vector x = V y is β_m |y_m|.
		res.Residual = math.Abs(beta[m-1] * y[m-1])
		if res.Residual <= tol*math.Max(1, math.Abs(theta)) || m < k {
			if vector {
				psi = make([]float64, dim)
				for i := range m {
					floats.AddScaled(psi, y[i], v[i])
				}
				floats.Scale(1/floats.Norm(psi, 2), psi)
			}
			return res, b, psi, nil
		}
		// Restart from the Ritz vector.
		for i := range w {
			w[i] = 0
		}
		for i := range m {
			floats.AddScaled(w, y[i], v[i])
		}
		floats.ScaleTo(v[0], 1/floats.Norm(w, 2), w)
	}
	return res, nil, nil, fmt.Errorf("exact: Lanczos did not converge on %v after %d restarts (residual %.3g)", h, restarts, res.Residual)
}

// lowestRitz diagonalises the tridiagonal matrix with diagonal a and
// off-diagonal b[:len(a)-1] and returns its lowest eigenvalue and vector.
func lowestRitz(a, b []float64) (float64, []float64) {
	m := len(a)
	t := mat.NewSymDense(m, nil)
	for i := range m {
		t.SetSym(i, i, a[i])
		if i+1 < m {
			t.SetSym(i, i+1, b[i])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(t, true) {
		// EigenSym fails only on NaN input, which H cannot produce.
		panic("exact: tridiagonal eigensolver failed")
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	lo := 0
	for i, x := range vals {
		if x < vals[lo] {
			lo = i
		}
	}
	return vals[lo], mat.Col(nil, lo, &vecs)
}
