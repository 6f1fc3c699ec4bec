package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Columns is a table of equally long named numeric columns.
type Columns interface {
	// Len is the number of rows.
	Len() int
	// Column returns the values of a named column (a fresh slice), or an
	// error naming the column and, for unparsable cells, the line.
	Column(name string) ([]float64, error)
}

// Table is a CSV file: a header of column names and one column of cells
// each. A column whose every cell is a finite number is stored as
// float64s (8 bytes a cell, so a table of 10⁶ rows costs little more than
// its numbers); a column with any other cell (element symbols, labels, an
// empty or bad cell) keeps its cells as text, so it may be present as long
// as it is not used as numbers, and asking for it as numbers names the bad
// lines.
type Table struct {
	Name   string   // file name, for errors
	Header []string // column names
	Lines  []int    // 1-based line number of each row
	cols   []column
}

// column holds one column's cells: num while every cell so far parsed as
// a finite number, else text.
type column struct {
	num  []float64
	text []string
}

func (c *column) add(cell string) {
	if c.text == nil {
		if v, err := strconv.ParseFloat(cell, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			c.num = append(c.num, v)
			return
		}
		// The first cell that is not a number turns the column into text;
		// earlier cells keep their value in shortest form, which parses
		// back to the same float64.
		c.text = make([]string, len(c.num), cap(c.num))
		for i, v := range c.num {
			c.text[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		c.num = nil
	}
	// A copy, so that the cell does not pin its whole line in memory.
	c.text = append(c.text, strings.Clone(cell))
}

var _ Columns = (*Table)(nil)

// ReadCSVFile reads a CSV table from a file.
func ReadCSVFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not open CSV table: %w", err)
	}
	defer f.Close()
	return ReadCSV(f, path)
}

// ReadCSV reads comma-separated values whose first record is a header of
// unique, non-empty column names. Lines starting with '#' are comments;
// every row must have as many fields as the header.
func ReadCSV(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(textReader(r, name, MaxFileBytes))
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true // cells are parsed or copied at once
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file (want a header line of column names)", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	t := &Table{Name: name}
	seen := map[string]bool{}
	hl, _ := cr.FieldPos(0)
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, fmt.Errorf("%s:%d: header column %d has no name", name, hl, i+1)
		}
		if seen[strings.ToLower(h)] {
			return nil, fmt.Errorf("%s:%d: header names column %q twice", name, hl, h)
		}
		seen[strings.ToLower(h)] = true
		t.Header = append(t.Header, h)
	}
	t.cols = make([]column, len(t.Header))
	bad := &RowErrors{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad.add(&RowError{File: name, Line: pe.Line, Err: pe.Err})
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					continue
				}
				// A quoting error loses the reader's place; stop here.
				break
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			t.cols[i].add(strings.TrimSpace(rec[i]))
		}
		t.Lines = append(t.Lines, line)
	}
	if bad.Total > 0 {
		return nil, bad
	}
	return t, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RowError{File: name, Line: pe.Line, Err: pe.Err}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// Len is the number of data rows.
func (t *Table) Len() int { return len(t.Lines) }

// Index returns the position of a column (exact match first, then
// case-insensitive), or -1.
func (t *Table) Index(name string) int {
	for i, h := range t.Header {
		if h == name {
			return i
		}
	}
	for i, h := range t.Header {
		if strings.EqualFold(h, name) {
			return i
		}
	}
	return -1
}

// Column returns a column as numbers (a fresh slice). An empty or
// unparsable cell is an error naming the file, line and column.
func (t *Table) Column(name string) ([]float64, error) {
	j := t.Index(name)
	if j < 0 {
		return nil, fmt.Errorf("%s: no column %q (have %s)", t.Name, name, strings.Join(t.Header, ", "))
	}
	c := &t.cols[j]
	if c.text == nil {
		return append(make([]float64, 0, len(c.num)), c.num...), nil
	}
	out := make([]float64, len(c.text))
	bad := &RowErrors{}
	for i, s := range c.text {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			what := fmt.Sprintf("column %q: %q is not a number", t.Header[j], s)
			if s == "" {
				what = fmt.Sprintf("column %q is empty", t.Header[j])
			}
			bad.add(&RowError{File: t.Name, Line: t.Lines[i], Err: errors.New(what)})
			continue
		}
		out[i] = v
	}
	if bad.Total > 0 {
		return nil, bad
	}
	return out, nil
}

// Text returns a column's cells as text. The cells of a column of numbers
// are given in shortest form ("1e2" reads back as "100").
func (t *Table) Text(name string) ([]string, error) {
	j := t.Index(name)
	if j < 0 {
		return nil, fmt.Errorf("%s: no column %q (have %s)", t.Name, name, strings.Join(t.Header, ", "))
	}
	c := &t.cols[j]
	if c.text != nil {
		return append([]string(nil), c.text...), nil
	}
	out := make([]string, len(c.num))
	for i, v := range c.num {
		out[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return out, nil
}

// Select returns the rows i with keep[i] (len(keep) must be t.Len()); t
// itself when every row is kept.
func (t *Table) Select(keep []bool) *Table {
	if len(keep) != t.Len() {
		panic("dataset: Table.Select: keep has the wrong length")
	}
	all := true
	for _, k := range keep {
		all = all && k
	}
	if all {
		return t
	}
	out := &Table{Name: t.Name, Header: t.Header, cols: make([]column, len(t.cols))}
	for i, k := range keep {
		if k {
			out.Lines = append(out.Lines, t.Lines[i])
		}
	}
	for j, c := range t.cols {
		o := &out.cols[j]
		for i, k := range keep {
			switch {
			case !k:
			case c.text != nil:
				o.text = append(o.text, c.text[i])
			default:
				o.num = append(o.num, c.num[i])
			}
		}
		if c.text != nil && o.text == nil {
			o.text = []string{} // still a text column when no row is kept
		}
	}
	return out
}
