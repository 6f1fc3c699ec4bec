// Command regresscmp compares result.json files of `vmcmpi regress` or
// `vmcmpi bma` runs, number by number, to a relative tolerance: the MPI
// suite uses it to check that 1 and 3 ranks give the same cross-validation
// scores, chosen λ, coefficients and model weights.
//
// Usage:
//
//	regresscmp [-tol 1e-12] REFERENCE.json OTHER.json...
//
// It exits 1 naming the first differing field, 2 on bad input.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
)

func main() {
	tol := flag.Float64("tol", 1e-12, "relative tolerance for numbers")
	flag.Parse()
	if flag.NArg() < 2 {
		fmt.Fprintln(os.Stderr, "usage: regresscmp [-tol 1e-12] REFERENCE.json OTHER.json...")
		os.Exit(2)
	}
	ref, err := load(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "regresscmp:", err)
		os.Exit(2)
	}
	status := 0
	for _, f := range flag.Args()[1:] {
		other, err := load(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "regresscmp:", err)
			os.Exit(2)
		}
		n, err := compare("", ref, other, *tol)
		if err != nil {
			fmt.Printf("FAIL: %s vs %s: %v\n", flag.Arg(0), f, err)
			status = 1
			continue
		}
		fmt.Printf("ok: %s matches %s (%d numbers, relative tolerance %g)\n", f, flag.Arg(0), n, *tol)
	}
	os.Exit(status)
}

func load(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// compare walks two decoded JSON values and returns how many numbers it
// compared, or the first difference. Keys "config" and "data" (paths that
// may legitimately differ between runs) are compared as well: the runs
// are meant to use the same files.
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
		keys := make([]string, 0, len(xv))
		for k := range xv {
			keys = append(keys, k)
		}
		for k := range ym {
			if _, ok := xv[k]; !ok {
				return 0, fmt.Errorf("%s.%s: only in the second file", path, k)
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
