package output

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vmcmpi/vmcmpi/stats"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// Names of the production diagnostics in a run directory.
const (
	BlockingFile        = "blocking.csv"
	AutocorrelationFile = "autocorrelation.csv"
)

// WriteDiagnostics writes the production energy's diagnostics into dir:
// blocking.csv (res's blocking curve of all walkers and ranks:
// block_size, blocks, error, error_error, chosen) and autocorrelation.csv
// (lag, rho: the normalised autocorrelation function of trace, one
// walker's series as vmc.Driver.Trace gives it, up to four times Sokal's
// window or lag 50, whichever is longer). A file whose data are missing
// is not written.
func WriteDiagnostics(dir string, res *vmc.Result, trace []float64) error {
	if len(res.Blocking) > 0 {
		var b strings.Builder
		b.WriteString("# blocking curve of the production energy: error of the mean from blocks of block_size samples taken as independent\n")
		b.WriteString("block_size,blocks,error,error_error,chosen\n")
		for _, l := range res.Blocking {
			chosen := 0
			if l.Chosen {
				chosen = 1
			}
			fmt.Fprintf(&b, "%d,%d,%s,%s,%d\n", l.Size, l.Blocks, ftoa(l.Error), ftoa(l.ErrorError), chosen)
		}
		if err := WriteFile(filepath.Join(dir, BlockingFile), []byte(b.String())); err != nil {
			return err
		}
	}
	if n := len(trace); n >= 4 {
		tau, window, ok := stats.IntegratedTime(trace)
		rho := stats.Autocorrelation(trace, min(n/2, max(50, 4*window)))
		var b strings.Builder
		fmt.Fprintf(&b, "# autocorrelation of the production energy of one walker (%d samples): tau_int = %.4g, window %d", n, tau, window)
		if !ok {
			b.WriteString(" (series too short for the window)")
		}
		b.WriteString("\nlag,rho\n")
		for t, r := range rho {
			fmt.Fprintf(&b, "%d,%s\n", t, ftoa(r))
		}
		if err := WriteFile(filepath.Join(dir, AutocorrelationFile), []byte(b.String())); err != nil {
			return err
		}
	}
	return nil
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// BlockingCurve is blocking.csv read back.
type BlockingCurve struct {
	Size, Blocks, Error, ErrorError []float64
	Chosen                          []bool
}

// ReadBlocking reads blocking.csv (columns block_size, error, and when
// present error_error and chosen).
func ReadBlocking(path string) (BlockingCurve, error) {
	t, err := ReadNumeric(path)
	if err != nil {
		return BlockingCurve{}, err
	}
	c := BlockingCurve{Size: t.Column("block_size"), Blocks: t.Column("blocks"), Error: t.Column("error"), ErrorError: t.Column("error_error")}
	if c.Size == nil || c.Error == nil {
		return BlockingCurve{}, fmt.Errorf("%s: header %q lacks block_size or error", path, strings.Join(t.Header, ","))
	}
	for _, v := range t.Column("chosen") {
		c.Chosen = append(c.Chosen, v != 0)
	}
	return c, nil
}

// ReadAutocorrelation reads autocorrelation.csv: lags and ρ.
func ReadAutocorrelation(path string) (lag, rho []float64, err error) {
	c, err := readColumns(path, "a lag or rho column", []string{"lag"}, []string{"rho"})
	if err != nil {
		return nil, nil, err
	}
	return c[0], c[1], nil
}

// NumericTable is a numeric CSV file with a header row (history.csv).
type NumericTable struct {
	Header []string
	Rows   [][]float64
}

// ReadNumeric reads a numeric CSV file with a header row; lines starting
// with # are comments.
func ReadNumeric(path string) (NumericTable, error) {
	h, rows, err := readCSV(path)
	return NumericTable{Header: h, Rows: rows}, err
}

// Column is the column of the first of names the header has, or nil.
func (t NumericTable) Column(names ...string) []float64 {
	i := column(t.Header, names...)
	if i < 0 {
		return nil
	}
	col := make([]float64, 0, len(t.Rows))
	for _, r := range t.Rows {
		if i >= len(r) {
			return nil
		}
		col = append(col, r[i])
	}
	return col
}
