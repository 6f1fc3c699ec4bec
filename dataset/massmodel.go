package dataset

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// MassModel is a global nuclear mass formula that is linear in its
// coefficients on each of its branches: B(N, Z) = Σ_k θ_k t_k(N, Z; b) in
// MeV. Most formulas have one branch; Duflo–Zuker has two (spherical and
// deformed) and takes the larger binding among the branches Allowed for
// (N, Z). Fitting a model is then least squares on the terms of the
// branch each nucleus picks, repeated until no nucleus changes branch.
type MassModel struct {
	Name      string
	Reference string   // the paper the form comes from
	RefRMS    float64  // rms deviation (MeV) its authors report on RefRange
	RefRange  string   // the data that rms is for, in words
	Terms     []string // coefficient names
	Branches  int      // 1, or 2 for spherical/deformed
	// Start holds published coefficients used to choose the first branches
	// (nil for one-branch models).
	Start []float64
	// MinN, MinZ are the smallest N and Z of the fit range the model was
	// made for.
	MinN, MinZ int

	eval    func(dst []float64, n, z, branch int)
	allowed func(n, z, branch int) bool
}

// Eval writes the terms of branch b at (n, z) into dst (len(Terms) values).
func (m *MassModel) Eval(dst []float64, n, z, b int) {
	if len(dst) != len(m.Terms) {
		panic(fmt.Sprintf("dataset: %s has %d terms, dst holds %d", m.Name, len(m.Terms), len(dst)))
	}
	m.eval(dst, n, z, b)
}

// Allowed reports whether branch b may describe (n, z).
func (m *MassModel) Allowed(n, z, b int) bool {
	if m.allowed == nil {
		return b == 0
	}
	return m.allowed(n, z, b)
}

// Branch returns the branch of (n, z) for coefficients theta: the allowed
// branch of largest binding (the first on ties). scratch holds len(Terms)
// values.
func (m *MassModel) Branch(theta, scratch []float64, n, z int) int {
	best, bestB := 0, math.Inf(-1)
	for b := range m.Branches {
		if !m.Allowed(n, z, b) {
			continue
		}
		m.eval(scratch, n, z, b)
		var s float64
		for k, t := range scratch {
			s += theta[k] * t
		}
		if s > bestB {
			best, bestB = b, s
		}
	}
	return best
}

var massModels = map[string]*MassModel{}

func registerMassModel(m *MassModel) {
	if m.Branches == 0 {
		m.Branches = 1
	}
	massModels[m.Name] = m
}

// LookupMassModel returns the mass model of a name, or an error listing
// the known names.
func LookupMassModel(name string) (*MassModel, error) {
	if m, ok := massModels[name]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("unknown mass model %q (known: %s)", name, strings.Join(MassModelNames(), ", "))
}

// MassModelNames lists the mass models, sorted.
func MassModelNames() []string {
	var s []string
	for k := range massModels {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// pairingDelta is +1 for even-even, −1 for odd-odd and 0 for odd-A nuclei.
func pairingDelta(n, z int) float64 {
	switch {
	case n%2 == 0 && z%2 == 0:
		return 1
	case n%2 == 1 && z%2 == 1:
		return -1
	}
	return 0
}
