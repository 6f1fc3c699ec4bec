package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Format names an AME fixed-width layout.
type Format string

// The supported AME layouts.
const (
	AME2016 Format = "ame2016"
	AME2020 Format = "ame2020"
)

// field is a 1-based inclusive column range, as the AME headers give them.
type field struct{ from, to int }

type layout struct {
	nMinusZ, n, z, a, el, origin field
	me, meErr, be, beErr         field
}

// The column positions of the two formats (Fortran formats in the files'
// headers: AME2016 a1,i3,i5,i5,i5,1x,a3,a4,1x,f13.5,f11.5,f11.3,f9.3,...;
// AME2020 a1,i3,i5,i5,i5,1x,a3,a4,1x,f14.6,f12.6,f13.5,1x,f10.5,...).
var layouts = map[Format]layout{
	AME2016: {
		nMinusZ: field{2, 4}, n: field{5, 9}, z: field{10, 14}, a: field{15, 19},
		el: field{21, 23}, origin: field{24, 27},
		me: field{29, 41}, meErr: field{42, 52}, be: field{53, 63}, beErr: field{64, 72},
	},
	AME2020: {
		nMinusZ: field{2, 4}, n: field{5, 9}, z: field{10, 14}, a: field{15, 19},
		el: field{21, 23}, origin: field{24, 27},
		me: field{29, 42}, meErr: field{43, 54}, be: field{55, 67}, beErr: field{69, 78},
	},
}

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := layouts[f]; !ok {
		return "", fmt.Errorf("unknown AME format %q (want %q or %q)", s, AME2016, AME2020)
	}
	return f, nil
}

// Nuclide is one row of an AME mass table. Energies are in keV, as in the
// file.
type Nuclide struct {
	Line    int    // 1-based line number in the file
	N, Z, A int    // neutrons, protons, mass number
	Element string // element symbol as printed (AME2016 uses Ed, Ef, Eh, Ei for Z = 113, 115, 117, 118)
	Origin  string // origin flag (columns 24–27), e.g. "-a", "x"

	MassExcess, MassExcessErr   float64 // keV
	BindingPerA, BindingPerAErr float64 // binding energy per nucleon and its uncertainty, keV

	// Experimental is false when the binding energy is an estimate from
	// systematics ('#' in place of the decimal point).
	Experimental bool
}

// Binding is the total binding energy B = A·(BE/A) in MeV.
func (n Nuclide) Binding() float64 { return float64(n.A) * n.BindingPerA / 1000 }

// BindingErr is the uncertainty of Binding in MeV.
func (n Nuclide) BindingErr() float64 { return float64(n.A) * n.BindingPerAErr / 1000 }

// AMEOptions selects rows while reading.
type AMEOptions struct {
	// Estimated keeps rows whose binding energy is an estimate ('#');
	// by default only experimental values are returned.
	Estimated bool
}

// RowError is a bad row: the file, its 1-based line number, and what was
// wrong.
type RowError struct {
	File string
	Line int
	Err  error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// maxRowErrors bounds how many bad rows one error message lists.
const maxRowErrors = 20

// RowErrors lists the bad rows of a file (at most a few dozen are kept).
type RowErrors struct {
	Rows  []*RowError
	Total int // bad rows seen, including those not kept
}

func (e *RowErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad row(s)", e.Total)
	for _, r := range e.Rows {
		b.WriteString("\n\t")
		b.WriteString(r.Error())
	}
	if e.Total > len(e.Rows) {
		fmt.Fprintf(&b, "\n\t... and %d more", e.Total-len(e.Rows))
	}
	return b.String()
}

func (e *RowErrors) add(r *RowError) {
	e.Total++
	if len(e.Rows) < maxRowErrors {
		e.Rows = append(e.Rows, r)
	}
}

// ReadAMEFile reads an AME mass table from a file.
func ReadAMEFile(path string, format Format, opts AMEOptions) ([]Nuclide, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not open AME table: %w", err)
	}
	defer f.Close()
	return ReadAME(f, path, format, opts)
}

// headerScan is how many lines may precede the data: the published headers
// have 36 to 39 lines.
const headerScan = 100

// ReadAME reads an AME mass table. name labels errors. The header, when
// present, ends with the units line containing "(micro-u)"; files without
// a header (data from the first line) are accepted too. Blank lines are
// skipped. Any malformed data row makes the whole read fail with a
// *RowErrors naming each bad line.
func ReadAME(r io.Reader, name string, format Format, opts AMEOptions) ([]Nuclide, error) {
	lay, ok := layouts[format]
	if !ok {
		return nil, fmt.Errorf("%s: unknown AME format %q (want %q or %q)", name, format, AME2016, AME2020)
	}
	data, err := io.ReadAll(textReader(r, name, MaxFileBytes))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := splitLines(data)
	start := 0
	for i := 0; i < len(lines) && i < headerScan; i++ {
		if bytes.Contains(lines[i], []byte("(micro-u)")) {
			start = i + 1
			break
		}
	}
	var out []Nuclide
	bad := &RowErrors{}
	for i := start; i < len(lines); i++ {
		line := lines[i]
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		nuc, err := parseAMELine(string(line), lay)
		if err != nil {
			bad.add(&RowError{File: name, Line: i + 1, Err: err})
			continue
		}
		nuc.Line = i + 1
		if nuc.Experimental || opts.Estimated {
			out = append(out, nuc)
		}
	}
	if bad.Total > 0 {
		return nil, bad
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no data rows (is this an %s mass table?)", name, format)
	}
	return out, nil
}

// splitLines splits on '\n' and drops a trailing '\r'.
func splitLines(data []byte) [][]byte {
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	return lines
}

// col returns the text in a 1-based inclusive column range, or an error
// when the line ends before the field starts.
func col(line string, f field, what string) (string, error) {
	if len(line) < f.from {
		return "", fmt.Errorf("missing column %s (columns %d-%d; line has %d characters)", what, f.from, f.to, len(line))
	}
	to := min(f.to, len(line))
	return line[f.from-1 : to], nil
}

func intField(line string, f field, what string) (int, error) {
	s, err := col(line, f, what)
	if err != nil {
		return 0, err
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("missing %s (columns %d-%d are blank)", what, f.from, f.to)
	}
	v, err := strconv.Atoi(t)
	if err != nil {
		return 0, fmt.Errorf("%s in columns %d-%d: %q is not an integer", what, f.from, f.to, t)
	}
	return v, nil
}

// errNotCalculable marks a '*' value.
var errNotCalculable = errors.New("not calculable")

// floatField parses an AME number: '#' in place of the decimal point marks
// an estimate, '*' a value that cannot be calculated.
func floatField(line string, f field, what string) (v float64, estimated bool, err error) {
	s, err := col(line, f, what)
	if err != nil {
		return 0, false, err
	}
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return 0, false, fmt.Errorf("missing %s (columns %d-%d are blank)", what, f.from, f.to)
	case t == "*":
		return math.NaN(), false, errNotCalculable
	}
	if strings.Count(t, "#") > 1 || (strings.Contains(t, "#") && strings.Contains(t, ".")) {
		return 0, false, fmt.Errorf("%s in columns %d-%d: %q is not a number", what, f.from, f.to, t)
	}
	if strings.Contains(t, "#") {
		estimated = true
		t = strings.Replace(t, "#", ".", 1)
	}
	v, err = strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, fmt.Errorf("%s in columns %d-%d: %q is not a number", what, f.from, f.to, strings.TrimSpace(s))
	}
	return v, estimated, nil
}

func parseAMELine(line string, lay layout) (Nuclide, error) {
	var n Nuclide
	var err error
	nz, err := intField(line, lay.nMinusZ, "N-Z")
	if err != nil {
		return n, err
	}
	if n.N, err = intField(line, lay.n, "N"); err != nil {
		return n, err
	}
	if n.Z, err = intField(line, lay.z, "Z"); err != nil {
		return n, err
	}
	if n.A, err = intField(line, lay.a, "A"); err != nil {
		return n, err
	}
	if n.N < 0 || n.Z < 0 || n.A < 1 || n.N+n.Z != n.A || n.N-n.Z != nz {
		return n, fmt.Errorf("inconsistent N=%d, Z=%d, A=%d, N-Z=%d", n.N, n.Z, n.A, nz)
	}
	el, err := col(line, lay.el, "element")
	if err != nil {
		return n, err
	}
	if n.Element = strings.TrimSpace(el); n.Element == "" {
		return n, fmt.Errorf("missing element symbol (columns %d-%d are blank)", lay.el.from, lay.el.to)
	}
	if o, err := col(line, lay.origin, "origin"); err == nil {
		n.Origin = strings.TrimSpace(o)
	}
	// The mass excess may be '*' in principle; the binding energy is what
	// the rows are for, so only it must be calculable.
	n.MassExcess, _, err = floatField(line, lay.me, "mass excess")
	if err != nil && !errors.Is(err, errNotCalculable) {
		return n, err
	}
	n.MassExcessErr, _, err = floatField(line, lay.meErr, "mass excess uncertainty")
	if err != nil && !errors.Is(err, errNotCalculable) {
		return n, err
	}
	var est bool
	n.BindingPerA, est, err = floatField(line, lay.be, "binding energy per nucleon")
	if err != nil {
		return n, err
	}
	n.BindingPerAErr, _, err = floatField(line, lay.beErr, "binding energy uncertainty")
	if err != nil {
		return n, err
	}
	n.Experimental = !est
	return n, nil
}

// Nuclides is a list of AME rows seen as named numeric columns.
//
// Columns: "n", "z", "a" (counts), "binding" and "binding_err" (total
// binding energy in MeV), "be_per_a" and "be_per_a_err" (MeV per nucleon),
// "mass_excess" and "mass_excess_err" (MeV), "experimental" (1 or 0).
// Names are case-insensitive.
type Nuclides []Nuclide

var _ Columns = Nuclides(nil)

// Len is the number of rows.
func (ns Nuclides) Len() int { return len(ns) }

// Column returns a named column (see the type's comment for the names).
func (ns Nuclides) Column(name string) ([]float64, error) {
	var get func(*Nuclide) float64
	switch strings.ToLower(name) {
	case "n":
		get = func(n *Nuclide) float64 { return float64(n.N) }
	case "z":
		get = func(n *Nuclide) float64 { return float64(n.Z) }
	case "a":
		get = func(n *Nuclide) float64 { return float64(n.A) }
	case "binding":
		get = (*Nuclide).Binding
	case "binding_err":
		get = (*Nuclide).BindingErr
	case "be_per_a":
		get = func(n *Nuclide) float64 { return n.BindingPerA / 1000 }
	case "be_per_a_err":
		get = func(n *Nuclide) float64 { return n.BindingPerAErr / 1000 }
	case "mass_excess":
		get = func(n *Nuclide) float64 { return n.MassExcess / 1000 }
	case "mass_excess_err":
		get = func(n *Nuclide) float64 { return n.MassExcessErr / 1000 }
	case "experimental":
		get = func(n *Nuclide) float64 {
			if n.Experimental {
				return 1
			}
			return 0
		}
	default:
		return nil, fmt.Errorf("AME table has no column %q (have n, z, a, binding, binding_err, be_per_a, be_per_a_err, mass_excess, mass_excess_err, experimental)", name)
	}
	out := make([]float64, len(ns))
	for i := range ns {
		out[i] = get(&ns[i])
	}
	return out, nil
}

// Lines returns the file line number of each row.
func (ns Nuclides) Lines() []int {
	out := make([]int, len(ns))
	for i := range ns {
		out[i] = ns[i].Line
	}
	return out
}
