package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The run object is ignored, and only it: a changed or removed field is a
// difference, a field only the second file has is not.
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) map[string][]byte {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := fields(p)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	old := write("old.json", `{"energy": 3.0000000000000004, "parameters": [1, 2], "run": {"started": "2026-01-01T00:00:00Z"}}`)
	for _, tc := range []struct {
		name, text string
		want       int
	}{
		{"times and layout", `{"parameters": [1,2], "energy": 3.0000000000000004, "run": {"started": "2027-01-01T00:00:00Z", "version": "v1"}}`, 0},
		{"added field", `{"energy": 3.0000000000000004, "parameters": [1, 2], "hosts": 1}`, 0},
		{"last bit", `{"energy": 3.000000000000001, "parameters": [1, 2]}`, 1},
		{"same value, other text", `{"energy": 3.0000000000000004, "parameters": [1.0, 2]}`, 1},
		{"removed field", `{"energy": 3.0000000000000004}`, 1},
	} {
		if got := compare(old, write(tc.name+".json", tc.text)); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}
