// Command jsoncmp compares two result.json files for samecheck: every
// top-level field byte for byte (after compacting the indentation),
// except the volatile "run" object (program version and revision, start
// and end times, wall seconds), which two runs computing the same numbers
// do not share. A field of the first file missing in the second, or with
// another value, is a difference (exit 1); a field only in the second (a
// field the newer program adds) is listed as added and is not.
//
//	go run ./internal/samecheck/jsoncmp OLD NEW
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// volatile are the top-level fields ignored: exactly the run metadata
// that differs between runs of the same numbers.
var volatile = map[string]bool{"run": true}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: jsoncmp OLD.json NEW.json")
		os.Exit(2)
	}
	a, err := fields(os.Args[1])
	if err == nil {
		var b map[string][]byte
		if b, err = fields(os.Args[2]); err == nil {
			os.Exit(compare(a, b))
		}
	}
	fmt.Fprintln(os.Stderr, "jsoncmp:", err)
	os.Exit(2)
}

// fields are the compacted top-level values of the JSON object in path.
func fields(path string) (map[string][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string][]byte{}
	for k, v := range raw {
		var c bytes.Buffer
		if err := json.Compact(&c, v); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, k, err)
		}
		out[k] = c.Bytes()
	}
	return out, nil
}

func compare(a, b map[string][]byte) int {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	code := 0
	var added []string
	for _, k := range sorted {
		va, ina := a[k]
		vb, inb := b[k]
		switch {
		case volatile[k]:
		case !ina:
			added = append(added, k)
		case !inb:
			fmt.Printf("  removed %s\n", k)
			code = 1
		case !bytes.Equal(va, vb):
			fmt.Printf("  %s: %.120s\n  %s  %.120s\n", k, va, spaces(len(k)), vb)
			code = 1
		}
	}
	if len(added) > 0 {
		fmt.Printf("  added (not compared): %s\n", strings.Join(added, ", "))
	}
	return code
}

func spaces(n int) string { return fmt.Sprintf("%*s", n, "") }
