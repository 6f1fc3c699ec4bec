package study

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmcmpi/vmcmpi/dataset"
)

// table is the selected rows of a [data] or [predict] table.
type table struct {
	file    string
	cols    dataset.Columns
	lines   []int     // file line of each row
	y       []float64 // target
	n, z, a []float64 // nucleon numbers, nil when the table lacks them
}

// resolveDataPath finds a data file: as given (absolute, or relative to
// the working directory), else relative to the configuration's directory.
func resolveDataPath(file, source string) (string, error) {
	if filepath.IsAbs(file) {
		return file, nil
	}
	if _, err := os.Stat(file); err == nil {
		return file, nil
	}
	alt := filepath.Join(filepath.Dir(source), file)
	if _, err := os.Stat(alt); err == nil {
		return alt, nil
	}
	return "", fmt.Errorf("data file %q not found (tried it relative to the working directory and as %s); AME tables are not shipped: download them and give their path", file, alt)
}

// loadTable reads the rows of the [data] or [predict] table d (name is
// the table, for messages) that its selection keeps.
func loadTable(d *DataConfig, source, name string) (*table, error) {
	path, err := resolveDataPath(d.File, source)
	if err != nil {
		return nil, fmt.Errorf("%s: %s.file: %w", source, name, err)
	}
	out := &table{file: path}
	switch d.Format {
	case "csv":
		t, err := dataset.ReadCSVFile(path)
		if err != nil {
			return nil, err
		}
		keep := make([]bool, t.Len())
		for i := range keep {
			keep[i] = true
		}
		if d.Select == "experimental" {
			e, err := t.Column("experimental")
			if err != nil {
				return nil, fmt.Errorf(`%s.select = "experimental" needs a column "experimental" (1/0), or set select = "all": %w`, name, err)
			}
			for i, v := range e {
				keep[i] = keep[i] && v != 0
			}
		}
		if d.MinA > 0 || d.MaxA > 0 {
			a, err := t.Column("a")
			if err != nil {
				return nil, fmt.Errorf("%s.min_a/max_a need a column \"a\": %w", name, err)
			}
			for i, v := range a {
				keep[i] = keep[i] && v >= float64(d.MinA) && (d.MaxA == 0 || v <= float64(d.MaxA))
			}
		}
		sel := t.Select(keep)
		out.cols, out.lines = sel, sel.Lines
	default:
		f, err := dataset.ParseFormat(d.Format)
		if err != nil {
			return nil, err
		}
		ns, err := dataset.ReadAMEFile(path, f, dataset.AMEOptions{Estimated: d.Select == "all"})
		if err != nil {
			return nil, err
		}
		var sel dataset.Nuclides
		for _, n := range ns {
			if n.A >= d.MinA && (d.MaxA == 0 || n.A <= d.MaxA) {
				sel = append(sel, n)
			}
		}
		out.cols, out.lines = sel, sel.Lines()
	}
	if out.cols.Len() == 0 {
		return nil, fmt.Errorf("%s: no rows left after the selection of [%s]", path, name)
	}
	if out.y, err = out.cols.Column(d.Target); err != nil {
		return nil, fmt.Errorf("%s.target: %w", name, err)
	}
	// Nucleon numbers are optional: residual plots against N and Z and
	// predict.new_only use them when present.
	n, errN := out.cols.Column("n")
	z, errZ := out.cols.Column("z")
	a, errA := out.cols.Column("a")
	if errors.Join(errN, errZ, errA) == nil {
		out.n, out.z, out.a = n, z, a
	}
	return out, nil
}

// dropKnown keeps the rows of p whose (n, z) are not among train's rows.
func (p *table) dropKnown(train *table) (*table, error) {
	if p.n == nil || train.n == nil {
		return nil, errors.New("predict.new_only needs columns n, z and a in both tables")
	}
	known := map[[2]float64]bool{}
	for i := range train.n {
		known[[2]float64{train.n[i], train.z[i]}] = true
	}
	out := &table{file: p.file}
	var idx []int
	for i := range p.n {
		if !known[[2]float64{p.n[i], p.z[i]}] {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("%s: every row to predict is in the training data (predict.new_only)", p.file)
	}
	pick := func(x []float64) []float64 {
		o := make([]float64, len(idx))
		for j, i := range idx {
			o[j] = x[i]
		}
		return o
	}
	out.y, out.n, out.z, out.a = pick(p.y), pick(p.n), pick(p.z), pick(p.a)
	for _, i := range idx {
		out.lines = append(out.lines, p.lines[i])
	}
	out.cols = &subsetColumns{src: p.cols, idx: idx}
	return out, nil
}

// subsetColumns is a row subset of a table.
type subsetColumns struct {
	src dataset.Columns
	idx []int
}

func (s *subsetColumns) Len() int { return len(s.idx) }

func (s *subsetColumns) Column(name string) ([]float64, error) {
	c, err := s.src.Column(name)
	if err != nil {
		return nil, err
	}
	o := make([]float64, len(s.idx))
	for j, i := range s.idx {
		o[j] = c[i]
	}
	return o, nil
}
