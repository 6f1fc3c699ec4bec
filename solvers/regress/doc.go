// Package regress fits linear models from sufficient statistics: the Gram
// matrix XᵀX, Xᵀy, yᵀy and the row count n. Ranks sum those over their own
// rows into a reduce.Buffer, one all-reduce combines them, and every rank
// then solves the same small dense problem, so a fit over 10⁷ rows costs the
// same communication as one over 10 rows.
//
// Methods: ordinary least squares (Cholesky, with an SVD fallback that
// reports rank deficiency), Ridge ((XᵀX + nλW)θ = Xᵀy with penalty weights W,
// zero for an unpenalised intercept), Lasso (coordinate descent on the Gram
// matrix, λ paths with warm starts), Bayesian linear regression with evidence
// maximisation (Bishop, Pattern Recognition and Machine Learning, §3.5),
// k-fold cross-validation from per-fold statistics, a bootstrap over groups
// of rows, and Bayesian model averaging (evidence weights and pseudo-BMA
// weights from cross-validated log predictive density).
//
// Normalisations: Ridge minimises (1/n)‖y − Xθ‖² + λ Σ w_j θ_j²; Lasso
// minimises (1/n)‖y − Xθ‖² + λ Σ w_j |θ_j|.
//
// Reproducibility across rank counts: rows go to folds by a hash of (row
// index, seed), and to one of a fixed number of lanes by row index. Each
// (lane, fold) cell is summed by exactly one rank (Owner), so the all-reduce
// adds zeros to each cell and is exact; the cells are then combined in a
// fixed order. Statistics, fits, CV scores and weights are therefore
// bit-identical for any number of ranks when rows are distributed with Owner.
package regress
