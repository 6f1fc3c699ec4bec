package wavecheck

import (
	"fmt"
	"math"
)

// Mismatch is a value of a model that disagrees with its reference.
type Mismatch struct {
	// Quantity names what disagrees: "gradient", "laplacian", "GradI",
	// "ParamGrad", "Propose", "ProposedGradI", "LogPsi", "Positions",
	// "Derivs gradient", "Derivs laplacian", "KineticParamDerivs", "LogRatio",
	// "Ratio", "Spins".
	Quantity string
	// Index is the component (coordinate, parameter or spin), or −1.
	Index int
	// Move is the move after which the values disagree, or −1 for a check
	// at a fixed configuration.
	Move int
	// Got is the model's value, Want the reference's.
	Got, Want float64
	// Reference says where Want comes from: "finite difference", "fresh
	// state" or "Derivs".
	Reference string
	// Err is the measured error and Tol the bound it exceeds.
	Err, Tol float64
}

func (e *Mismatch) Error() string {
	s := e.Quantity
	if e.Index >= 0 {
		s += fmt.Sprintf("[%d]", e.Index)
	}
	if e.Move >= 0 {
		s = fmt.Sprintf("move %d: %s", e.Move, s)
	}
	return fmt.Sprintf("wavecheck: %s = %.15g, %s gives %.15g (error %.3g > %.3g)",
		s, e.Got, e.Reference, e.Want, e.Err, e.Tol)
}

// relErr is |a−b| / max(|a|, |b|, floor), so values near zero compare
// absolutely.
func relErr(a, b, floor float64) float64 {
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), floor)
}

// sameLog reports whether two values of ln|Ψ| (or of a log ratio) agree:
// both −Inf (Ψ = 0), or within tol·max(1, |want|).
func sameLog(got, want, tol float64) (bool, float64) {
	if math.IsInf(want, -1) || math.IsInf(got, -1) {
		return math.IsInf(want, -1) == math.IsInf(got, -1), 0
	}
	e := math.Abs(got-want) / math.Max(1, math.Abs(want))
	return e <= tol, e
}
