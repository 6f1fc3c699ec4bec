package study

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/vmcmpi/vmcmpi/checkpoint"
)

// WriteFiles writes result.json, predictions.csv and (with [predict])
// predict.csv into dir, creating it, and returns the paths written. Each
// file is replaced atomically. Only one rank should call it.
func (r *Result) WriteFiles(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	var files []string
	put := func(name string, data []byte) error {
		p := filepath.Join(dir, name)
		if err := checkpoint.WriteAtomic(p, data); err != nil {
			return fmt.Errorf("output: %w", err)
		}
		files = append(files, p)
		return nil
	}
	js, err := r.JSON()
	if err != nil {
		return nil, fmt.Errorf("output: result.json: %w", err)
	}
	if err := put("result.json", js); err != nil {
		return files, err
	}
	if err := put("predictions.csv", r.Train.CSV()); err != nil {
		return files, err
	}
	if r.Predicted != nil {
		if err := put("predict.csv", r.Predicted.CSV()); err != nil {
			return files, err
		}
	}
	return files, nil
}

// JSON is the content of result.json: r indented, with a final newline.
func (r *Result) JSON() ([]byte, error) {
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(js, '\n'), nil
}

func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', 12, 64) }

// CSV lists every row: its file line, nucleon numbers when known, the
// target, the predictive mean and sd, the residual, and when the rows have
// intervals the bounds and whether the target lies inside (1 or 0).
func (r *Rows) CSV() []byte {
	intervals := r.Lo != nil
	var b bytes.Buffer
	b.Grow(64 * (len(r.Y) + 1))
	b.WriteString("line")
	if r.N != nil {
		b.WriteString(",n,z,a")
	}
	b.WriteString(",y,prediction,sd,residual")
	if intervals {
		b.WriteString(",lo,hi,inside")
	}
	b.WriteByte('\n')
	for i, y := range r.Y {
		b.WriteString(strconv.Itoa(r.Line[i]))
		if r.N != nil {
			fmt.Fprintf(&b, ",%g,%g,%g", r.N[i], r.Z[i], r.A[i])
		}
		fmt.Fprintf(&b, ",%s,%s,%s,%s", fmtG(y), fmtG(r.Mean[i]), fmtG(r.SD[i]), fmtG(y-r.Mean[i]))
		if intervals {
			in := 0
			if r.Inside(i) {
				in = 1
			}
			fmt.Fprintf(&b, ",%s,%s,%d", fmtG(r.Lo[i]), fmtG(r.Hi[i]), in)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}
