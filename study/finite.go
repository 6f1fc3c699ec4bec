package study

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/vmcmpi/vmcmpi/dataset"
)

// maxMagnitude bounds the data values a fit takes: squares and products of
// larger numbers overflow float64 in the sums XᵀX, Xᵀy and yᵀy.
var maxMagnitude = math.Sqrt(math.MaxFloat64) / 1e4

// checkMagnitudes refuses a table whose target or design values are too
// large for the sums of squares, naming the first such row and column.
func checkMagnitudes(t *table, d *dataset.Design, target string) error {
	for i := range d.Rows {
		if y := t.y[i]; math.Abs(y) > maxMagnitude {
			return fmt.Errorf("%s:%d: target %q = %g is too large for least squares (|value| must stay below %.0e, or its square overflows); rescale the column",
				t.file, t.lines[i], target, y, maxMagnitude)
		}
		for j, x := range d.Row(i) {
			if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > maxMagnitude {
				return fmt.Errorf("%s:%d: feature %q = %g is too large for least squares (|value| must stay below %.0e); rescale its columns or lower its power",
					t.file, t.lines[i], d.Names[j], x, maxMagnitude)
			}
		}
	}
	return nil
}

// nonFinite lists the JSON paths of the NaN and ±Inf numbers in v (JSON
// has no encoding for them), at most a few.
func nonFinite(v any) []string {
	var out []string
	walkFinite(reflect.ValueOf(v), "", &out)
	return out
}

const maxNonFinite = 4

func walkFinite(v reflect.Value, path string, out *[]string) {
	if len(*out) >= maxNonFinite {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkFinite(v.Elem(), path, out)
		}
	case reflect.Float64, reflect.Float32:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			*out = append(*out, fmt.Sprintf("%s = %g", strings.TrimPrefix(path, "."), f))
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkFinite(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(a, b int) bool { return fmt.Sprint(keys[a]) < fmt.Sprint(keys[b]) })
		for _, k := range keys {
			walkFinite(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), out)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			walkFinite(v.Field(i), path+"."+name, out)
		}
	}
}

// finiteError is the error for a result with non-finite numbers.
func finiteError(what string, bad []string) error {
	return fmt.Errorf("%s: the fit gave non-finite numbers (%s); the data may be too large, too small or degenerate for it", what, strings.Join(bad, ", "))
}
