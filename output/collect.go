package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Table is the results of many runs side by side: one row per result.json,
// one column per scalar field (nested objects flattened as "a.b"; arrays,
// such as the parameters, left out). Values keep the text of the JSON, so
// numbers are exactly those of the files.
type Table struct {
	// Columns are the field names; the run's directory comes first as "run".
	Columns []string
	// Rows holds the values per column: a JSON number or string, true,
	// false, or nil for null and for fields a run lacks.
	Rows [][]any
}

// ResultFiles lists the result.json files of paths: a result.json file
// itself, a run directory holding one, or any directory above run
// directories (a job array's or a scan's), searched recursively. The list
// is sorted within each path; a path that yields none is an error.
func ResultFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && d.Name() == "result.json" {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no result.json in it or below it", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// Collect reads the result.json files of paths (see ResultFiles) into a
// table. fields selects and orders the columns after "run"; empty means
// every scalar field, in the order of first appearance. A field no file
// has is an error naming the fields there are.
func Collect(paths []string, fields []string) (*Table, error) {
	files, err := ResultFiles(paths)
	if err != nil {
		return nil, err
	}
	var order []string
	seen := map[string]bool{}
	rows := make([]map[string]any, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		vals := map[string]any{}
		var keys []string
		if err := flattenJSON(b, vals, &keys); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				order = append(order, k)
			}
		}
		rows[i] = vals
	}
	if len(fields) > 0 {
		for _, f := range fields {
			if !seen[f] {
				return nil, fmt.Errorf("no result.json has the field %q (they have %s)", f, strings.Join(order, ", "))
			}
		}
		order = fields
	}
	t := &Table{Columns: append([]string{"run"}, order...)}
	for i, f := range files {
		row := []any{filepath.Dir(f)}
		for _, k := range order {
			row = append(row, rows[i][k])
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// flattenJSON puts the scalar fields of the JSON object data into vals
// under dotted paths and appends the paths to keys in document order.
func flattenJSON(data []byte, vals map[string]any, keys *[]string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return errors.New("not a JSON object")
	}
	return flattenObject(dec, "", vals, keys)
}

// flattenObject reads the members of an object whose '{' was read.
func flattenObject(dec *json.Decoder, prefix string, vals map[string]any, keys *[]string) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := prefix + tok.(string)
		tok, err = dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			if err := flattenObject(dec, name+".", vals, keys); err != nil {
				return err
			}
		case json.Delim('['):
			if err := skipArray(dec); err != nil {
				return err
			}
		default:
			if _, dup := vals[name]; !dup {
				*keys = append(*keys, name)
			}
			vals[name] = tok
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// skipArray reads to the end of an array whose '[' was read.
func skipArray(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
	return nil
}

// text is a value as a CSV cell: numbers as written, null and missing
// fields empty.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case json.Number:
		return x.String()
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// WriteCSV writes the table as CSV with a header line.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, v := range row {
			rec[i] = text(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the table as a JSON array of objects, one per run,
// with the columns as keys in their order.
func (t *Table) WriteJSON(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("[")
	for r, row := range t.Rows {
		if r > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for i, v := range row {
			if i > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(t.Columns[i])
			val, err := json.Marshal(v)
			if err != nil {
				return err
			}
			b.Write(k)
			b.WriteString(": ")
			b.Write(val)
		}
		b.WriteString("}")
	}
	b.WriteString("\n]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// WriteText writes the table as aligned columns for a terminal.
func (t *Table) WriteText(w io.Writer) error {
	width := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		width[i] = len(c)
	}
	for _, row := range t.Rows {
		for i, v := range row {
			width[i] = max(width[i], len([]rune(text(v))))
		}
	}
	var b bytes.Buffer
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-len([]rune(c))))
			}
		}
		b.WriteString("\n")
	}
	line(t.Columns)
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = text(v)
		}
		line(cells)
	}
	_, err := w.Write(b.Bytes())
	return err
}
