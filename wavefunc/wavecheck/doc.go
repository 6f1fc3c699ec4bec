// Package wavecheck verifies a wave function's hand-derived derivatives and
// its cached moves against independent computations. It is for anyone
// writing a new wavefunc.Model (or a lattice wave function for the spin
// walkers): a wrong term in a Laplacian or a stale cache after Accept
// gives plausible energies with the wrong physics, and these checks find
// it in milliseconds.
//
// Every check compares a model's analytic or cached value with a reference
// that uses only ln|Ψ| of fresh States:
//
//   - Gradient, Laplacian and ParamGrad (together: Derivs) compare ∇ln Ψ,
//     ∇²ln Ψ and O_k = ∂ln Ψ/∂θ_k with central finite differences;
//   - KineticParamDerivs compares the linear method's parameter derivatives
//     of ∇²ln Ψ + |∇ln Ψ|² (wavefunc.KineticParamDeriver) with central
//     differences in each parameter;
//   - Moves runs a chain of single-particle moves (proposed by
//     RandomWalk, Metropolis or the caller), accepting every other one,
//     and compares each Propose ratio with ln Ψ(y) − ln Ψ(x) of fresh
//     States, and the cached State after Accept and Reject with a fresh one;
//   - MoveAllocs counts the allocations of one walker step, which must be
//     zero on a sampling hot path;
//   - SpinParamGrad, SpinMoves and SpinMoveAllocs do the same for spin
//     wave functions (amplitude ratios of one or two flipped spins);
//   - Model runs the whole battery with defaults, Test reports it on a
//     testing.TB.
//
// The checks return errors (a *Mismatch for a disagreement) rather than
// failing a test, so they can run in a program as well as under go test.
//
// # Tolerances
//
// A central difference (f(x+h) − f(x−h))/2h differs from f⁽¹⁾ by
// h²·f⁽³⁾/6 (truncation) and by about ε·|f|/h from rounding of the two
// evaluations, ε ≈ 1e-16; the second difference (f(x+h) − 2f(x) +
// f(x−h))/h² differs from f⁽²⁾ by h²·f⁽⁴⁾/12 and by about 4ε·|f|/h². With
// h = 1e-4 and derivatives of order one the first-derivative error is
// about 2e-9 and the Laplacian's rounding a few times 1e-8·|ln Ψ| per
// coordinate, so a relative tolerance tol = 1e-6 leaves a wide margin
// while a missing term (an error of order one) is far outside it. Raise h
// when ln Ψ is large (rounding grows as 1/h², see LaplacianFloor); lower
// it when the parameters make ln Ψ sharply curved (truncation grows as
// h²). Relative errors are |a − b| / max(|a|, |b|, 1), so values near zero
// compare absolutely. A NaN never passes.
//
// The move checks compare cached values with fresh ones computed the same
// way, so only the caches' accumulated rounding separates them: about one
// rounding per accepted move, far below tol = 1e-10 for the thousands of
// moves a test can afford.
package wavecheck
