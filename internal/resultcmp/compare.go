package main

import (
	"fmt"
	"math"
	"reflect"
	"sort"
)

// compare walks two decoded JSON values and returns how many numbers it
// compared, or the first difference. Numbers agree to tol relative; keys
// "config" and "data" (paths) are compared as well: the runs are meant to
// use the same files. The top-level "run" object (version, timestamps,
// wall time) differs between any two runs and is skipped.
func compare(path string, x, y any, tol float64) (int, error) {
	switch xv := x.(type) {
	case float64:
		yv, ok := y.(float64)
		if !ok {
			return 0, fmt.Errorf("%s: number %v vs %v", path, x, y)
		}
		if math.Abs(xv-yv) > tol*math.Max(math.Abs(xv), math.Abs(yv)) {
			return 0, fmt.Errorf("%s: %.17g vs %.17g (relative difference %.3g)", path, xv, yv,
				math.Abs(xv-yv)/math.Max(math.Abs(xv), math.Abs(yv)))
		}
		return 1, nil
	case map[string]any:
		ym, ok := y.(map[string]any)
		if !ok {
			return 0, fmt.Errorf("%s: object vs %T", path, y)
		}
		for k := range ym {
			if _, ok := xv[k]; !ok && !volatile(path, k) {
				return 0, fmt.Errorf("%s.%s: only in the second file", path, k)
			}
		}
		keys := make([]string, 0, len(xv))
		for k := range xv {
			if !volatile(path, k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		total := 0
		for _, k := range keys {
			v, ok := ym[k]
			if !ok {
				return 0, fmt.Errorf("%s.%s: only in the first file", path, k)
			}
			n, err := compare(path+"."+k, xv[k], v, tol)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	case []any:
		ya, ok := y.([]any)
		if !ok || len(ya) != len(xv) {
			return 0, fmt.Errorf("%s: arrays of different length", path)
		}
		total := 0
		for i := range xv {
			n, err := compare(fmt.Sprintf("%s[%d]", path, i), xv[i], ya[i], tol)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
	if !reflect.DeepEqual(x, y) {
		return 0, fmt.Errorf("%s: %v vs %v", path, x, y)
	}
	return 0, nil
}

// volatile reports whether key k under path is the run's metadata that no
// two runs share (output.RunInfo: version, start and end, wall time).
func volatile(path, k string) bool { return path == "" && k == "run" }
