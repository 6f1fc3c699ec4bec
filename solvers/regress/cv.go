package regress

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Fitter fits a model to training statistics at one λ and returns its
// coefficients. warm is the same fold's solution at the previous λ of the
// grid (nil at the first), for warm starts.
type Fitter func(train *Stats, lambda float64, warm []float64) ([]float64, error)

// OLSFitter fits least squares (λ is ignored).
func OLSFitter() Fitter {
	return func(s *Stats, _ float64, _ []float64) ([]float64, error) {
		f, err := OLS(s)
		if err != nil {
			return nil, err
		}
		return f.Coef, nil
	}
}

// RidgeFitter fits Ridge with the given penalty weights.
func RidgeFitter(penalty []float64) Fitter {
	return func(s *Stats, lambda float64, _ []float64) ([]float64, error) {
		f, err := Ridge(s, lambda, penalty)
		if err != nil {
			return nil, err
		}
		return f.Coef, nil
	}
}

// LassoFitter fits the Lasso with the given penalty weights, warm-started.
func LassoFitter(penalty []float64, opt LassoOptions) Fitter {
	return func(s *Stats, lambda float64, warm []float64) ([]float64, error) {
		f, err := Lasso(s, lambda, penalty, warm, opt)
		if err != nil {
			return nil, err
		}
		return f.Coef, nil
	}
}

// BayesFitter fits Bayesian regression and returns the posterior mean
// (λ is ignored).
func BayesFitter(opt BayesOptions) Fitter {
	return func(s *Stats, _ float64, _ []float64) ([]float64, error) {
		b, err := Bayes(s, opt)
		if err != nil {
			return nil, err
		}
		return b.Mean, nil
	}
}

// CVOptions tune cross-validation. The zero value picks the λ of least
// score.
type CVOptions struct {
	// OneSE picks the largest λ whose score is within one standard error
	// of the best score (the one-standard-error rule).
	OneSE bool
}

// CV holds cross-validation scores over a λ grid.
type CV struct {
	Lambdas []float64
	Score   []float64   // held-out mean squared error, pooled: Σ_f RSS_f / Σ_f n_f
	SE      []float64   // standard error of the score: sd over folds of MSE_f / √K
	FoldMSE [][]float64 // [λ][fold] held-out mean squared error of each fold
	Best    int         // index of the least score
	Chosen  int         // index chosen (Best, or by the one-SE rule)
}

// Lambda is the chosen λ.
func (cv *CV) Lambda() float64 { return cv.Lambdas[cv.Chosen] }

// CrossValidate scores every λ by k-fold cross-validation from the per-fold
// statistics alone: fold k's model is fitted to total − fold k and scored
// on fold k by its residual sum of squares yᵀy − 2θᵀXᵀy + θᵀXᵀXθ. Folds
// without rows are left out. Each fold walks the grid in the order given,
// passing the previous solution as a warm start: give Lasso grids largest
// λ first.
func CrossValidate(f *Folded, lambdas []float64, fit Fitter, opt CVOptions) (*CV, error) {
	if len(lambdas) == 0 {
		return nil, errors.New("regress: cross-validation needs at least one λ")
	}
	var used []int
	for k, s := range f.Folds {
		if s.N > 0 {
			used = append(used, k)
		}
	}
	if len(used) < 2 {
		return nil, fmt.Errorf("regress: cross-validation needs at least 2 non-empty folds, have %d", len(used))
	}
	cv := &CV{Lambdas: append([]float64(nil), lambdas...), Score: make([]float64, len(lambdas)),
		SE: make([]float64, len(lambdas)), FoldMSE: make([][]float64, len(lambdas))}
	rss := make([][]float64, len(lambdas))
	for i := range lambdas {
		cv.FoldMSE[i] = make([]float64, len(f.Folds))
		rss[i] = make([]float64, len(f.Folds))
		for k := range f.Folds {
			cv.FoldMSE[i][k] = math.NaN()
		}
	}
	for _, k := range used {
		train := f.Train(k)
		var warm []float64
		for i, lam := range lambdas {
			theta, err := fit(train, lam, warm)
			if err != nil {
				return nil, fmt.Errorf("regress: fold %d, λ = %g: %w", k, lam, err)
			}
			warm = theta
			rss[i][k] = f.Folds[k].RSS(theta)
			cv.FoldMSE[i][k] = rss[i][k] / f.Folds[k].N
		}
	}
	nk := float64(len(used))
	for i := range lambdas {
		var sr, sn, m float64
		for _, k := range used {
			sr += rss[i][k]
			sn += f.Folds[k].N
			m += cv.FoldMSE[i][k]
		}
		cv.Score[i] = sr / sn
		m /= nk
		v := 0.0
		for _, k := range used {
			d := cv.FoldMSE[i][k] - m
			v += d * d
		}
		cv.SE[i] = math.Sqrt(v / (nk - 1) / nk)
	}
	for i := range lambdas {
		if cv.Score[i] < cv.Score[cv.Best] {
			cv.Best = i
		}
	}
	cv.Chosen = cv.Best
	if opt.OneSE {
		limit := cv.Score[cv.Best] + cv.SE[cv.Best]
		for i := range lambdas {
			if cv.Score[i] <= limit && lambdas[i] > lambdas[cv.Chosen] {
				cv.Chosen = i
			}
		}
	}
	return cv, nil
}

// CVLogPredictive is the cross-validated log predictive density of the
// Bayesian model (see Posterior.LogPredictive): for each non-empty fold,
// the posterior fitted to total − fold scores the fold. It returns the sum
// over folds and the per-fold values.
func CVLogPredictive(f *Folded, opt BayesOptions) (float64, []float64, error) {
	per := make([]float64, len(f.Folds))
	total := 0.0
	for k, s := range f.Folds {
		if s.N == 0 {
			continue
		}
		post, err := Bayes(f.Train(k), opt)
		if err != nil {
			return 0, nil, fmt.Errorf("regress: fold %d: %w", k, err)
		}
		per[k] = post.LogPredictive(s)
		total += per[k]
	}
	return total, per, nil
}

// Bootstrapped summarises bootstrap replicates of the coefficients.
type Bootstrapped struct {
	Mean, StdErr []float64
	Replicates   int
}

// Bootstrap refits the model on resamples of the statistics' non-empty
// (lane, fold) cells, drawn with replacement: a bootstrap over groups of
// rows, computable from the statistics alone. Rows fall in cells by row
// index and hash, so the groups are unrelated to the data's values. The
// resampling uses a PCG stream seeded by seed, identical on every rank.
func Bootstrap(f *Folded, replicates int, seed uint64, fit func(*Stats) ([]float64, error)) (*Bootstrapped, error) {
	var cells []*Stats
	for _, c := range f.Cells {
		if c.N > 0 {
			cells = append(cells, c)
		}
	}
	if len(cells) < 2 {
		return nil, fmt.Errorf("regress: bootstrap needs at least 2 non-empty cells, have %d", len(cells))
	}
	if replicates < 2 {
		return nil, fmt.Errorf("regress: bootstrap needs at least 2 replicates, got %d", replicates)
	}
	p := f.Total.P
	rng := rand.New(rand.NewPCG(seed, 0xb0075a3b1e))
	sum := make([]float64, p)
	sum2 := make([]float64, p)
	s := NewStats(p)
	for range replicates {
		*s = Stats{P: p, XtY: s.XtY, XtX: s.XtX}
		clear(s.XtY)
		clear(s.XtX)
		for range cells {
			s.AddStats(cells[rng.IntN(len(cells))], 1)
		}
		theta, err := fit(s)
		if err != nil {
			return nil, fmt.Errorf("regress: bootstrap replicate: %w", err)
		}
		for i, t := range theta {
			sum[i] += t
			sum2[i] += t * t
		}
	}
	b := &Bootstrapped{Mean: make([]float64, p), StdErr: make([]float64, p), Replicates: replicates}
	r := float64(replicates)
	for i := range p {
		b.Mean[i] = sum[i] / r
		b.StdErr[i] = math.Sqrt(max(sum2[i]/r-b.Mean[i]*b.Mean[i], 0) * r / (r - 1))
	}
	return b, nil
}
