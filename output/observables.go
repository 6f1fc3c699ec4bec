package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// ObservableValue is one scalar of observables.json; a value or error
// that is not finite is null.
type ObservableValue struct {
	Value *float64 `json:"value"`
	Error *float64 `json:"error"`
	Unit  string   `json:"unit,omitempty"`
	Note  string   `json:"note,omitempty"`
}

// ObservableHistogram is one histogram of observables.json, also written
// as File (a CSV with Columns, value and error).
type ObservableHistogram struct {
	File    string      `json:"file"`
	Unit    string      `json:"unit,omitempty"`
	Note    string      `json:"note,omitempty"`
	Columns []string    `json:"columns"`
	X       [][]float64 `json:"x"`
	Value   []*float64  `json:"value"`
	Error   []*float64  `json:"error"`
}

// Observables is the schema of observables.json: scalars and histograms
// by name, and the exact ground state's values when known (lattices).
type Observables struct {
	Samples    float64                        `json:"samples"`
	Scalars    map[string]ObservableValue     `json:"scalars"`
	Histograms map[string]ObservableHistogram `json:"histograms"`
	Exact      *exact.Observables             `json:"exact,omitempty"`
}

// NewObservables collects reports into the observables.json schema.
func NewObservables(samples float64, reps []vmc.Report, ex *exact.Observables) Observables {
	o := Observables{Samples: samples, Scalars: map[string]ObservableValue{}, Histograms: map[string]ObservableHistogram{}, Exact: ex}
	for _, r := range reps {
		for _, s := range r.Scalars {
			o.Scalars[s.Name] = ObservableValue{Value: num(s.Value), Error: num(s.Error), Unit: s.Unit, Note: s.Note}
		}
		for _, h := range r.Histograms {
			oh := ObservableHistogram{File: h.Name + ".csv", Unit: h.Unit, Note: h.Note, Columns: h.Columns, X: h.X}
			for k := range h.Value {
				oh.Value, oh.Error = append(oh.Value, num(h.Value[k])), append(oh.Error, num(h.Error[k]))
			}
			o.Histograms[h.Name] = oh
		}
	}
	return o
}

// WriteObservables writes observables.json into dir and one CSV per
// histogram (its coordinate columns, then value and error; NaN where a
// histogram has no error bars).
func WriteObservables(dir string, samples float64, reps []vmc.Report, ex *exact.Observables) error {
	for _, r := range reps {
		for _, h := range r.Histograms {
			if err := WriteFile(filepath.Join(dir, h.Name+".csv"), histogramCSV(h)); err != nil {
				return err
			}
		}
	}
	return WriteJSON(filepath.Join(dir, "observables.json"), NewObservables(samples, reps, ex))
}

func histogramCSV(h vmc.Histogram) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s", h.Name)
	if h.Note != "" {
		fmt.Fprintf(&b, ": %s", h.Note)
	}
	if h.Unit != "" {
		fmt.Fprintf(&b, " [%s]", h.Unit)
	}
	b.WriteString("\n" + strings.Join(append(append([]string(nil), h.Columns...), "value", "error"), ",") + "\n")
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 17, 64) }
	for k, x := range h.X {
		for _, v := range x {
			b.WriteString(f(v) + ",")
		}
		b.WriteString(f(h.Value[k]) + "," + f(h.Error[k]) + "\n")
	}
	return b.Bytes()
}

// ReadObservables reads observables.json.
func ReadObservables(path string) (Observables, error) {
	var o Observables
	b, err := os.ReadFile(path)
	if err != nil {
		return o, err
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return o, fmt.Errorf("%s: %w", path, err)
	}
	return o, nil
}
