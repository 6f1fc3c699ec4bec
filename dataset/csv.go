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

// Table is a CSV file: a header of column names and text cells. Cells are
// parsed as numbers when a column is asked for, so text columns (element
// symbols, labels) may be present as long as they are not used.
type Table struct {
	Name   string     // file name, for errors
	Header []string   // column names
	Rows   [][]string // cells, one slice per row
	Lines  []int      // 1-based line number of each row
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
	cr.ReuseRecord = false
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
			rec[i] = strings.TrimSpace(rec[i])
		}
		t.Rows = append(t.Rows, rec)
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
func (t *Table) Len() int { return len(t.Rows) }

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

// Column parses a column as numbers. An empty or unparsable cell is an
// error naming the file, line and column.
func (t *Table) Column(name string) ([]float64, error) {
	j := t.Index(name)
	if j < 0 {
		return nil, fmt.Errorf("%s: no column %q (have %s)", t.Name, name, strings.Join(t.Header, ", "))
	}
	out := make([]float64, len(t.Rows))
	bad := &RowErrors{}
	for i, rec := range t.Rows {
		s := rec[j]
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

// Text returns a column's cells as text.
func (t *Table) Text(name string) ([]string, error) {
	j := t.Index(name)
	if j < 0 {
		return nil, fmt.Errorf("%s: no column %q (have %s)", t.Name, name, strings.Join(t.Header, ", "))
	}
	out := make([]string, len(t.Rows))
	for i, rec := range t.Rows {
		out[i] = rec[j]
	}
	return out, nil
}
