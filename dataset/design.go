package dataset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// LiquidDrop lists the five terms of the semi-empirical (Bethe–Weizsäcker)
// mass formula B = a_v A − a_s A^(2/3) − a_c Z(Z−1)/A^(1/3) − a_a (N−Z)²/A + a_p δ/√A,
// as feature names for Build. The fitted coefficients of surface, Coulomb and
// asymmetry come out negative since the features enter with a plus sign.
var LiquidDrop = []string{"volume", "surface", "coulomb", "asymmetry", "pairing"}

// Design is a dense design matrix with named columns.
type Design struct {
	Names []string
	X     []float64 // row-major, Rows×len(Names)
	Rows  int
}

// Cols is the number of features.
func (d *Design) Cols() int { return len(d.Names) }

// Row returns row i, a view into X.
func (d *Design) Row(i int) []float64 {
	p := len(d.Names)
	return d.X[i*p : (i+1)*p : (i+1)*p]
}

// Build evaluates features on every row of src. A feature is
//   - "intercept" (or "1"): a column of ones;
//   - a liquid-drop term, which needs columns n, z and a:
//     "volume" A, "surface" A^(2/3), "coulomb" Z(Z−1)/A^(1/3),
//     "asymmetry" (N−Z)²/A, "pairing" δ/√A with δ = +1 for even N and Z,
//     −1 for odd N and Z, 0 for odd A; and three terms of extended mass
//     formulas: "curvature" A^(1/3), "surface_asymmetry" (N−Z)²/A^(4/3),
//     "wigner" |N−Z|/A;
//   - a monomial in named columns: factors "name" or "name^k" (k ≥ 1)
//     joined by '*', e.g. "z", "a^2", "n*z^2".
func Build(src Columns, features []string) (*Design, error) {
	if len(features) == 0 {
		return nil, fmt.Errorf("no features")
	}
	n := src.Len()
	p := len(features)
	d := &Design{Names: append([]string(nil), features...), X: make([]float64, n*p), Rows: n}
	cache := map[string][]float64{}
	column := func(name string) ([]float64, error) {
		key := strings.ToLower(name)
		if c, ok := cache[key]; ok {
			return c, nil
		}
		c, err := src.Column(name)
		if err != nil {
			return nil, err
		}
		if len(c) != n {
			return nil, fmt.Errorf("column %q has %d values, want %d", name, len(c), n)
		}
		cache[key] = c
		return c, nil
	}
	seen := map[string]bool{}
	for j, f := range features {
		if seen[f] {
			return nil, fmt.Errorf("feature %q listed twice", f)
		}
		seen[f] = true
		vals, err := feature(f, n, column)
		if err != nil {
			return nil, fmt.Errorf("feature %q: %w", f, err)
		}
		for i, v := range vals {
			d.X[i*p+j] = v
		}
	}
	return d, nil
}

func feature(f string, n int, column func(string) ([]float64, error)) ([]float64, error) {
	out := make([]float64, n)
	switch f {
	case "intercept", "1":
		for i := range out {
			out[i] = 1
		}
		return out, nil
	case "volume", "surface", "coulomb", "asymmetry", "pairing", "curvature", "surface_asymmetry", "wigner":
		N, err := column("n")
		if err != nil {
			return nil, err
		}
		Z, err := column("z")
		if err != nil {
			return nil, err
		}
		A, err := column("a")
		if err != nil {
			return nil, err
		}
		for i := range out {
			v, err := liquidDrop(f, N[i], Z[i], A[i])
			if err != nil {
				return nil, fmt.Errorf("row %d: %w", i+1, err)
			}
			out[i] = v
		}
		return out, nil
	}
	facs, err := ParseMonomial(f)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i] = 1
	}
	for _, fc := range facs {
		c, err := column(fc.Column)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i] *= ipow(c[i], fc.Power)
		}
	}
	return out, nil
}

// liquidDrop evaluates one liquid-drop term for N neutrons and Z protons.
func liquidDrop(term string, n, z, a float64) (float64, error) {
	if a <= 0 || n < 0 || z < 0 || n != math.Trunc(n) || z != math.Trunc(z) || n+z != a {
		return 0, fmt.Errorf("need whole N, Z ≥ 0 with N+Z = A > 0, got N=%g Z=%g A=%g", n, z, a)
	}
	switch term {
	case "volume":
		return a, nil
	case "surface":
		return math.Cbrt(a * a), nil
	case "coulomb":
		return z * (z - 1) / math.Cbrt(a), nil
	case "asymmetry":
		return (n - z) * (n - z) / a, nil
	case "curvature":
		return math.Cbrt(a), nil
	case "surface_asymmetry":
		return (n - z) * (n - z) / (a * math.Cbrt(a)), nil
	case "wigner":
		return math.Abs(n-z) / a, nil
	}
	// pairing
	ni, zi := int64(n), int64(z)
	delta := 0.0
	switch {
	case ni%2 == 0 && zi%2 == 0:
		delta = 1
	case ni%2 == 1 && zi%2 == 1:
		delta = -1
	}
	return delta / math.Sqrt(a), nil
}

func ipow(x float64, k int) float64 {
	r := 1.0
	for ; k > 0; k-- {
		r *= x
	}
	return r
}

// Factor is one factor column^power of a monomial feature.
type Factor struct {
	Column string
	Power  int
}

// maxPower bounds exponents in monomials: higher powers are numerically
// meaningless in a least-squares design.
const maxPower = 20

// ParseMonomial splits "x^2*y" into its factors.
func ParseMonomial(s string) ([]Factor, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty feature name")
	}
	var out []Factor
	for part := range strings.SplitSeq(s, "*") {
		part = strings.TrimSpace(part)
		name, pow, hasPow := strings.Cut(part, "^")
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, fmt.Errorf("%q: empty column name in a product", s)
		}
		k := 1
		if hasPow {
			var err error
			k, err = strconv.Atoi(strings.TrimSpace(pow))
			if err != nil || k < 1 || k > maxPower {
				return nil, fmt.Errorf("%q: power %q is not a whole number in 1..%d", s, pow, maxPower)
			}
		}
		out = append(out, Factor{Column: name, Power: k})
	}
	return out, nil
}

// Polynomial lists the monomials of total degree 1..degree in the named
// columns, as feature names for Build, in graded order: "x", "y", "x^2",
// "x*y", "y^2", ...
func Polynomial(columns []string, degree int) []string {
	var out []string
	pows := make([]int, len(columns))
	var rec func(start, left int)
	rec = func(start, left int) {
		if left == 0 {
			out = append(out, monomialName(columns, pows))
			return
		}
		for i := start; i < len(columns); i++ {
			pows[i]++
			rec(i, left-1)
			pows[i]--
		}
	}
	for d := 1; d <= degree; d++ {
		rec(0, d)
	}
	return out
}

func monomialName(columns []string, pows []int) string {
	var parts []string
	for i, k := range pows {
		switch {
		case k == 1:
			parts = append(parts, columns[i])
		case k > 1:
			parts = append(parts, columns[i]+"^"+strconv.Itoa(k))
		}
	}
	return strings.Join(parts, "*")
}
