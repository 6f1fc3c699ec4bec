package regress

import (
	"fmt"
	"math"
	"sort"
)

// LassoOptions tune coordinate descent. The zero value is usable.
type LassoOptions struct {
	// Tol stops the sweeps when no coefficient moved by more than Tol in
	// units of the target's RMS per unit feature RMS (default 1e-12).
	Tol float64
	// MaxSweeps bounds the sweeps over all coordinates (default 100000).
	MaxSweeps int
}

func (o LassoOptions) tol() float64 {
	if o.Tol <= 0 {
		return 1e-12
	}
	return o.Tol
}

func (o LassoOptions) maxSweeps() int {
	if o.MaxSweeps <= 0 {
		return 100000
	}
	return o.MaxSweeps
}

// Lasso minimises (1/n)‖y − Xθ‖² + λ Σ w_j|θ_j| by cyclic coordinate
// descent on the Gram matrix: θ_j ← S(z_j, nλw_j/2)/G_jj with
// z_j = (Xᵀy)_j − Σ_{k≠j} G_jk θ_k and S the soft threshold. warm, when
// not nil, is the starting point (a neighbouring λ's solution on a path).
// Standard errors are not available in closed form (NaN); use Bootstrap.
func Lasso(s *Stats, lambda float64, penalty, warm []float64, opt LassoOptions) (*Fit, error) {
	if err := checkStats(s); err != nil {
		return nil, err
	}
	if lambda < 0 || math.IsNaN(lambda) {
		return nil, fmt.Errorf("regress: lasso λ = %v, want ≥ 0", lambda)
	}
	p := s.P
	w, err := weights(penalty, p)
	if err != nil {
		return nil, err
	}
	theta := make([]float64, p)
	if warm != nil {
		if len(warm) != p {
			return nil, fmt.Errorf("regress: warm start has %d values for %d features", len(warm), p)
		}
		copy(theta, warm)
	}
	g := s.XtX
	// r = Xᵀy − Gθ, kept up to date as coordinates change.
	r := append([]float64(nil), s.XtY...)
	for i := range p {
		for j := range p {
			r[i] -= g[i*p+j] * theta[j]
		}
	}
	// Convergence scale per coordinate: a change Δθ_j matters in
	// proportion to the feature's RMS sqrt(G_jj/n), relative to the
	// target's RMS sqrt(yᵀy/n).
	yrms := math.Sqrt(s.YtY / s.N)
	if yrms == 0 {
		yrms = 1
	}
	tol := opt.tol()
	f := &Fit{Method: "lasso", Lambda: lambda, N: s.N, Rank: p}
	for sweep := 1; sweep <= opt.maxSweeps(); sweep++ {
		maxMove := 0.0
		for j := range p {
			gjj := g[j*p+j]
			if gjj <= 0 {
				theta[j] = 0
				continue
			}
			z := r[j] + gjj*theta[j]
			t := s.N * lambda * w[j] / 2
			var nv float64
			switch {
			case z > t:
				nv = (z - t) / gjj
			case z < -t:
				nv = (z + t) / gjj
			}
			d := nv - theta[j]
			if d == 0 {
				continue
			}
			theta[j] = nv
			col := g[j*p : (j+1)*p] // G is symmetric: row j = column j
			for i := range p {
				r[i] -= col[i] * d
			}
			maxMove = max(maxMove, math.Abs(d)*math.Sqrt(gjj/s.N)/yrms)
		}
		f.Iterations = sweep
		// Coordinate descent converges linearly, slowly when features are
		// nearly collinear, and small moves then do not mean the optimum
		// is near. Once the support looks settled, solve the optimality
		// conditions exactly and keep the result if it satisfies them
		// everywhere.
		if maxMove < 1e-6 || sweep%64 == 0 {
			if exact, ok := lassoPolish(s, lambda, w, theta); ok {
				theta = exact
				break
			}
		}
		if maxMove <= tol {
			break
		}
		if sweep == opt.maxSweeps() {
			return nil, fmt.Errorf("regress: lasso λ = %g did not converge in %d sweeps (last move %g)", lambda, sweep, maxMove)
		}
	}
	f.Coef = theta
	f.RSS = s.RSS(theta)
	f.StdErr = make([]float64, p)
	for i := range p {
		f.StdErr[i] = math.NaN()
		if theta[i] != 0 {
			f.DoF++
		}
	}
	if s.N > f.DoF {
		f.Sigma2 = f.RSS / (s.N - f.DoF)
	} else {
		f.Sigma2 = math.NaN()
	}
	return f, nil
}

// KKT returns the largest violation of the Lasso optimality conditions at
// θ, in units of λ: with g = (2/n)(Xᵀy − XᵀXθ), g_j = λw_j sign θ_j where
// θ_j ≠ 0 and |g_j| ≤ λw_j where θ_j = 0.
func KKT(s *Stats, lambda float64, penalty, theta []float64) float64 {
	p := s.P
	w, err := weights(penalty, p)
	if err != nil {
		return math.Inf(1)
	}
	worst := 0.0
	for j := range p {
		g := s.XtY[j]
		for k := range p {
			g -= s.XtX[j*p+k] * theta[k]
		}
		g *= 2 / s.N
		var v float64
		if theta[j] != 0 {
			v = math.Abs(g - lambda*w[j]*math.Copysign(1, theta[j]))
		} else {
			v = max(math.Abs(g)-lambda*w[j], 0)
		}
		worst = max(worst, v/math.Max(lambda, math.SmallestNonzeroFloat64))
	}
	return worst
}

// LambdaMax is the smallest λ at which the Lasso sets every penalised
// coefficient to zero: the unpenalised ones (w_j = 0) are fitted by least
// squares, and λ_max = max over penalised j of (2/n)|(Xᵀy − Gθ)_j|/w_j.
func LambdaMax(s *Stats, penalty []float64) (float64, error) {
	if err := checkStats(s); err != nil {
		return 0, err
	}
	p := s.P
	w, err := weights(penalty, p)
	if err != nil {
		return 0, err
	}
	var free []int
	for j := range p {
		if w[j] == 0 {
			free = append(free, j)
		}
	}
	theta := make([]float64, p)
	if len(free) > 0 {
		sub := s.Subset(free)
		fit, err := OLS(sub)
		if err != nil {
			return 0, err
		}
		for a, j := range free {
			theta[j] = fit.Coef[a]
		}
	}
	lm := 0.0
	for j := range p {
		if w[j] == 0 {
			continue
		}
		g := s.XtY[j]
		for k := range p {
			g -= s.XtX[j*p+k] * theta[k]
		}
		lm = max(lm, 2/s.N*math.Abs(g)/w[j])
	}
	return lm, nil
}

// LambdaGrid returns n values from hi down to hi·ratio, evenly spaced in
// log λ.
func LambdaGrid(hi, ratio float64, n int) []float64 {
	if n == 1 {
		return []float64{hi}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = hi * math.Pow(ratio, float64(i)/float64(n-1))
	}
	return out
}

// LassoPath fits the Lasso at every λ, largest first, each warm-started
// from the previous solution. The fits are returned in the order of
// lambdas as given.
func LassoPath(s *Stats, lambdas, penalty []float64, opt LassoOptions) ([]*Fit, error) {
	order := make([]int, len(lambdas))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lambdas[order[a]] > lambdas[order[b]] })
	fits := make([]*Fit, len(lambdas))
	var warm []float64
	for _, i := range order {
		f, err := Lasso(s, lambdas[i], penalty, warm, opt)
		if err != nil {
			return nil, err
		}
		fits[i] = f
		warm = f.Coef
	}
	return fits, nil
}

// lassoPolish finishes a Lasso solve from the coordinate-descent iterate
// θ by an active-set method (Osborne, Presnell and Turlach, 2000): on the
// support S with signs σ the optimum solves G_SS θ_S = (Xᵀy)_S −
// (nλ/2) w_S∘σ_S. If that solution flips a sign, move towards it only until
// the first coefficient reaches zero and drop it; if the conditions fail off
// the support, add the worst offender. The objective decreases at every step
// and the loop ends in a few iterations when the iterate is near the
// solution. It reports false when the support's Gram block is singular or
// the loop does not settle.
func lassoPolish(s *Stats, lambda float64, w, theta []float64) ([]float64, bool) {
	p := s.P
	cur := append([]float64(nil), theta...)
	sign := make([]float64, p)
	for j, t := range cur {
		if t != 0 {
			sign[j] = math.Copysign(1, t)
		}
	}
	grad := func(j int, th []float64) float64 {
		g := s.XtY[j]
		for k := range p {
			g -= s.XtX[j*p+k] * th[k]
		}
		return 2 / s.N * g
	}
	for range 4*p + 8 {
		var sup []int
		for j := range p {
			if sign[j] != 0 {
				sup = append(sup, j)
			}
		}
		target := make([]float64, p)
		if q := len(sup); q > 0 {
			a := make([]float64, q*q)
			b := make([]float64, q)
			for x, i := range sup {
				b[x] = s.XtY[i] - s.N*lambda/2*w[i]*sign[i]
				for y, j := range sup {
					a[x*q+y] = s.XtX[i*p+j]
				}
			}
			sol, err := newSPD(a, q)
			if err != nil || sol.deficient {
				return nil, false
			}
			sub := make([]float64, q)
			sol.solve(sub, b)
			for x, i := range sup {
				target[i] = sub[x]
			}
		}
		// Step towards the target, stopping where a penalised coefficient
		// would change sign.
		step, drop := 1.0, -1
		for _, i := range sup {
			if w[i] > 0 && target[i]*sign[i] <= 0 {
				if t := cur[i] / (cur[i] - target[i]); t < step {
					step, drop = t, i
				}
			}
		}
		for j := range p {
			cur[j] += step * (target[j] - cur[j])
		}
		if drop >= 0 {
			cur[drop], sign[drop] = 0, 0
			continue
		}
		// Optimal on the support: check the conditions off it.
		worst, wj := 0.0, -1
		for j := range p {
			if sign[j] != 0 {
				continue
			}
			cur[j] = 0
			if v := math.Abs(grad(j, cur)) - lambda*w[j]*(1+1e-9); v > worst {
				worst, wj = v, j
			}
		}
		if wj < 0 {
			return cur, true
		}
		sign[wj] = math.Copysign(1, grad(wj, cur))
	}
	return nil, false
}
