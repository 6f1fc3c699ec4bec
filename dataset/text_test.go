package dataset

import (
	"io"
	"strings"
	"testing"
)

// A byte-order mark before the header is dropped: the first column keeps
// its plain name.
func TestCSVByteOrderMark(t *testing.T) {
	tb, err := ReadCSV(strings.NewReader("\xef\xbb\xbfn,z\n1,2\n"), "bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := tb.Column("n"); err != nil || c[0] != 1 {
		t.Errorf("column n: %v %v", c, err)
	}
}

// Binary data and files beyond the limit are refused without being read
// to the end.
func TestTextReaderLimits(t *testing.T) {
	if _, err := ReadCSV(io.LimitReader(zeros{}, 1<<40), "/dev/zero"); err == nil || !strings.Contains(err.Error(), "NUL byte at offset 0") {
		t.Errorf("zeros: %v", err)
	}
	if _, err := ReadAMEFile("/dev/zero", AME2020, AMEOptions{}); err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("AME /dev/zero: %v", err)
	}
	r := textReader(strings.NewReader(strings.Repeat("a,b\n", 100)), "big.csv", 40)
	if _, err := io.ReadAll(r); err == nil || !strings.Contains(err.Error(), "larger than 40 bytes") {
		t.Errorf("limit: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
