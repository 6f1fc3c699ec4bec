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
// Schedules: a Decay shrinks a setting with the iteration (exponential or
// inverse, with a floor as a fraction of the start); Scheduled wraps GD,
// Momentum or Adam so that its learning rate follows one and its steps are
// clipped to a maximum norm, and SR's ShiftDecay does the same for its
// absolute and relative shifts (RelShift: S_kk(1 + ε_r) + ε). Both take the
// iteration from SetIteration, which the vmc driver calls with its
// checkpointed count, so they hold no state a checkpoint could lose:
//
//	rule, _ := optim.NewScheduled(optim.NewGD(0.1), optim.Decay{Kind: "inverse", Rate: 0.01, MinFactor: 0.1}, 1)
//	sr := &optim.SR{Shift: 1e-3, RelShift: 1e-2, ShiftDecay: optim.Decay{Kind: "exp", Rate: 0.02, MinFactor: 0.01}}
//
// Linear is the linear method of Umrigar and Toulouse, which needs the
// local energy's parameter derivatives besides O_k.
//
// Shapes are the caller's responsibility: a length mismatch panics, as in
// gonum. Problems in the data (S not positive definite, conjugate gradient
// not converging) are returned as errors.
package optim
