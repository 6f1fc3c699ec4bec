// Package optim holds the parameter-update rules of a variational
// optimisation (gradient descent, momentum, Adam) and stochastic
// reconfiguration (SR), the natural-gradient preconditioner that any rule can
// apply to the gradient first.
//
// The package sees only already-reduced numbers: the caller sums O_k, E_L O_k
// and O_k O_l over samples and ranks, turns them into the force
// F_k = ⟨E_L O_k⟩ − ⟨E_L⟩⟨O_k⟩ and the matrix S (Covariance), lets SR solve
// (S + shift) δ = F (Solve, or SolveOp from products S·v) and hands δ (or the
// plain gradient) to a Rule. Every rank does the same deterministic
// arithmetic, so parameters stay identical everywhere.
//
// Shapes are the caller's responsibility: a length mismatch panics, as in
// gonum. Problems in the data (S not positive definite, conjugate gradient
// not converging) are returned as errors.
package optim
