package output

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// History is the energy history of a run, one point per iteration.
type History struct {
	Iter, Energy, Error []float64
}

// ReadHistory reads the iteration, energy and error columns of
// history.csv (also accepted: "iter", "energy_error").
func ReadHistory(path string) (History, error) {
	c, err := readColumns(path, "an iteration, energy or error column",
		[]string{"iteration", "iter"}, []string{"energy"}, []string{"error", "energy_error"})
	if err != nil {
		return History{}, err
	}
	return History{Iter: c[0], Energy: c[1], Error: c[2]}, nil
}

// ReadResult reads result.json.
func ReadResult(path string) (Result, error) {
	var r Result
	b, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// RadialDensity is a histogram of particle distances from the trap
// centre: bin edges and densities.
type RadialDensity struct {
	Lo, Hi, Density []float64
}

// ReadDensity reads density.csv (columns r_lo, r_hi, density).
func ReadDensity(path string) (RadialDensity, error) {
	c, err := readColumns(path, "r_lo, r_hi or density", []string{"r_lo"}, []string{"r_hi"}, []string{"density"})
	if err != nil {
		return RadialDensity{}, err
	}
	return RadialDensity{Lo: c[0], Hi: c[1], Density: c[2]}, nil
}

// column finds the index of the first header name in names, or −1.
func column(header []string, names ...string) int {
	for _, n := range names {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return i
			}
		}
	}
	return -1
}

// readCSV reads a CSV file with a header row and returns the header and the
// numeric rows; a cell that is not a number is an error naming file, line
// and column.
func readCSV(path string) ([]string, [][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("%s: empty file, expected a header row", path)
	}
	header := recs[0]
	rows := make([][]float64, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		row := make([]float64, len(rec))
		for j, cell := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: line %d, column %q: %q is not a number", path, i+2, header[j], cell)
			}
			row[j] = v
		}
		rows = append(rows, row)
	}
	return header, rows, nil
}

// readColumns reads the CSV file at path and returns one column for each
// list of accepted header names (the first name found wins); want
// describes the columns for the error when one is missing.
func readColumns(path, want string, names ...[]string) ([][]float64, error) {
	header, rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(names))
	for k, alt := range names {
		if idx[k] = column(header, alt...); idx[k] < 0 {
			return nil, fmt.Errorf("%s: header %q lacks %s", path, strings.Join(header, ","), want)
		}
	}
	cols := make([][]float64, len(names))
	for _, row := range rows {
		for k, i := range idx {
			cols[k] = append(cols[k], row[i])
		}
	}
	return cols, nil
}
