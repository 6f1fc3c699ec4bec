package output

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scan writes a scan's result.json files: base/omega-0.5 and
// base/omega-2, the second without an exact value; and a stray file.
func scan(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	e1, err1, x1 := 1.0000000000000002, 1e-17, 1.0
	e2, err2 := 4.123456789012345, 0.25
	for dir, r := range map[string]Result{
		"omega-0.5": {Energy: &e1, Error: &err1, Exact: &x1, Samples: 8000, Ranks: 2, Parameters: []float64{0.25, 0.5}, Config: "a.toml with -set system.omega=0.5"},
		"omega-2":   {Energy: &e2, Error: &err2, Samples: 8000, Ranks: 2, Parameters: []float64{1}, Config: "a.toml, \"quoted\""},
	} {
		if err := os.MkdirAll(filepath.Join(base, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteResult(filepath.Join(base, dir, "result.json"), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(base, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return base
}

func TestCollectCSV(t *testing.T) {
	base := scan(t)
	tab, err := Collect([]string{base}, []string{"energy", "error", "exact", "config"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	// Numbers exactly as written (shortest round-trip form), null empty,
	// strings quoted by CSV's rules.
	want := "run,energy,error,exact,config\n" +
		base + "/omega-0.5,1.0000000000000002,1e-17,1,a.toml with -set system.omega=0.5\n" +
		base + "/omega-2,4.123456789012345,0.25,,\"a.toml, \"\"quoted\"\"\"\n"
	if got := b.String(); got != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
}

func TestCollectAllFields(t *testing.T) {
	base := scan(t)
	// A run directory, and a result.json named directly, in that order.
	tab, err := Collect([]string{filepath.Join(base, "omega-2"), filepath.Join(base, "omega-0.5", "result.json")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Columns[0] != "run" || tab.Columns[1] != "energy" || strings.Contains(strings.Join(tab.Columns, ","), "parameters") {
		t.Errorf("columns %v: want run, energy first and no array", tab.Columns)
	}
	if len(tab.Rows) != 2 || !strings.HasSuffix(tab.Rows[0][0].(string), "omega-2") {
		t.Fatalf("rows %v: want omega-2 first, as given", tab.Rows)
	}
	var b bytes.Buffer
	if err := tab.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatalf("JSON output does not parse: %v\n%s", err, b.String())
	}
	if len(rows) != 2 || rows[1]["energy"] != 1.0000000000000002 || rows[0]["exact"] != nil || rows[0]["samples"] != 8000.0 {
		t.Errorf("JSON rows %v", rows)
	}
	b.Reset()
	if err := tab.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || strings.Index(lines[0], "energy") != strings.Index(lines[1], "4.123") {
		t.Errorf("text table not aligned:\n%s", b.String())
	}
}

func TestCollectFlattensObjects(t *testing.T) {
	dir := t.TempDir()
	doc := `{"energy": 1.5, "meta": {"version": "v1", "ranks": {"n": 4}}, "list": [[1], {"a": 2}], "ok": true}`
	if err := os.WriteFile(filepath.Join(dir, "result.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	tab, err := Collect([]string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tab.Columns, ","); got != "run,energy,meta.version,meta.ranks.n,ok" {
		t.Errorf("columns %s", got)
	}
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if want := dir + ",1.5,v1,4,true\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("CSV %q, want a row %q", b.String(), want)
	}
}

func TestCollectErrors(t *testing.T) {
	base := scan(t)
	empty := t.TempDir()
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "result.json"), []byte("[1, 2]"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		paths  []string
		fields []string
		want   string
	}{
		{[]string{empty}, nil, "no result.json"},
		{[]string{filepath.Join(base, "missing")}, nil, "no such file"},
		{[]string{base}, []string{"energi"}, `no result.json has the field "energi" (they have energy, error`},
		{[]string{bad}, nil, "not a JSON object"},
	} {
		if _, err := Collect(tc.paths, tc.fields); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: error %v, want one containing %q", tc.paths, tc.fields, err, tc.want)
		}
	}
}
