package study

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmcmpi/vmcmpi/checkpoint"
)

// JSON is the content of result.json: r indented, with a final newline.
func (r *LandscapeResult) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ChartCSV lists the chart: Z, N, the averaged B, S2n, S2p, Sn, Sp with
// their standard deviations (MeV), p_ex, and whether the nuclide was
// measured in the training table (known) or first in the test table (test).
func (r *LandscapeResult) ChartCSV() []byte {
	var b bytes.Buffer
	b.WriteString("z,n,a,b,sd_b,s2n,sd_s2n,s2p,sd_s2p,sn,sd_sn,sp,sd_sp,p_ex,known,test\n")
	for _, c := range r.Chart {
		fmt.Fprintf(&b, "%d,%d,%d", c.Z, c.N, c.Z+c.N)
		for _, v := range []float64{c.B, c.SDB, c.S2n, c.SDS2n, c.S2p, c.SDS2p, c.Sn, c.SDSn, c.Sp, c.SDSp, c.PEx} {
			b.WriteString(",")
			b.WriteString(fmtG(v))
		}
		fmt.Fprintf(&b, ",%d,%d\n", b2int(c.Known), b2int(c.Test))
	}
	return b.Bytes()
}

func b2int(v bool) int {
	if v {
		return 1
	}
	return 0
}

// WriteFiles writes result.json and chart.csv into dir and returns their
// paths. Only one rank should call it.
func (r *LandscapeResult) WriteFiles(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	js, err := r.JSON()
	if err != nil {
		return nil, err
	}
	var out []string
	for name, data := range map[string][]byte{"result.json": js, "chart.csv": r.ChartCSV()} {
		p := filepath.Join(dir, name)
		if err := checkpoint.WriteAtomic(p, data); err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}
