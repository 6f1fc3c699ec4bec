// Command resultcmp compares the result.json files of vmcmpi runs; each
// argument is a result.json file or a directory holding one, and the first
// is the reference. The MPI suite (internal/mpitest/run.sh) uses it two
// ways.
//
// By default every number must agree to a relative tolerance, and every
// other value exactly: `vmcmpi regress` and `vmcmpi bma` on 1 and 3 ranks
// give the same cross-validation scores, chosen λ, coefficients, weights
// and coverage.
//
// With -ranks the files are one `vmcmpi run` on different numbers of ranks,
// the reference on the fewest; it fails when
//
//   - the sample count is not ranks × the reference's per-rank count,
//   - the energies differ by more than 4 combined error bars,
//   - the error bar does not shrink as 1/√(total samples): the ratio
//     err·√(samples)/(err₁·√(samples₁)) outside [0.6, 1.6] (blocking error
//     bars scatter by ~20 % at the sizes used).
//
// Usage:
//
//	resultcmp [-tol 1e-12] REFERENCE OTHER...
//	resultcmp -ranks REFERENCE OTHER...
//
// It exits 1 when a check fails (naming the first differing field), 2 on
// bad input.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("resultcmp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tol := fs.Float64("tol", 1e-12, "relative tolerance for numbers")
	ranks := fs.Bool("ranks", false, "compare one VMC run on different rank counts: energies within error bars")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() < 2 {
		fmt.Fprintln(stderr, "usage: resultcmp [-tol 1e-12 | -ranks] REFERENCE OTHER...  (result.json files or their directories)")
		return 2
	}
	docs := make([][]byte, fs.NArg())
	for i, a := range fs.Args() {
		b, err := read(a)
		if err != nil {
			fmt.Fprintln(stderr, "resultcmp:", err)
			return 2
		}
		docs[i] = b
	}
	var status int
	var err error
	if *ranks {
		status, err = compareRanks(stdout, fs.Args(), docs)
	} else {
		status, err = compareNumbers(stdout, fs.Args(), docs, *tol)
	}
	if err != nil {
		fmt.Fprintln(stderr, "resultcmp:", err)
		return 2
	}
	return status
}

// read returns the content of path, or of path/result.json when path is a
// directory.
func read(path string) ([]byte, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "result.json")
	}
	return os.ReadFile(path)
}

// compareNumbers checks every document against the first, value by value.
func compareNumbers(w io.Writer, names []string, docs [][]byte, tol float64) (int, error) {
	vals := make([]any, len(docs))
	for i, d := range docs {
		if err := json.Unmarshal(d, &vals[i]); err != nil {
			return 2, fmt.Errorf("%s: %w", names[i], err)
		}
	}
	status := 0
	for i := 1; i < len(vals); i++ {
		n, err := compare("", vals[0], vals[i], tol)
		if err != nil {
			fmt.Fprintf(w, "FAIL: %s vs %s: %v\n", names[0], names[i], err)
			status = 1
			continue
		}
		fmt.Fprintf(w, "ok: %s matches %s (%d numbers, relative tolerance %g)\n", names[i], names[0], n, tol)
	}
	return status, nil
}

// vmcResult is what -ranks reads of a `vmcmpi run` result.json.
type vmcResult struct {
	Energy  float64 `json:"energy"`
	Error   float64 `json:"error"`
	Samples float64 `json:"samples"`
	Ranks   int     `json:"ranks"`
}

func decodeVMC(name string, doc []byte) (vmcResult, error) {
	var r vmcResult
	if err := json.Unmarshal(doc, &r); err != nil {
		return r, fmt.Errorf("%s: %w", name, err)
	}
	if !(r.Error > 0) || !(r.Samples > 0) || r.Ranks < 1 {
		return r, fmt.Errorf("%s: result.json has error %g, samples %g, ranks %d: need a run with a positive error bar", name, r.Error, r.Samples, r.Ranks)
	}
	return r, nil
}

// compareRanks checks runs on more ranks against the reference run.
func compareRanks(w io.Writer, names []string, docs [][]byte) (int, error) {
	ref, err := decodeVMC(names[0], docs[0])
	if err != nil {
		return 2, err
	}
	fmt.Fprintf(w, "%d rank(s): E = %.6f ± %.6f, %g samples\n", ref.Ranks, ref.Energy, ref.Error, ref.Samples)
	status := 0
	for i := 1; i < len(docs); i++ {
		r, err := decodeVMC(names[i], docs[i])
		if err != nil {
			return 2, err
		}
		verdict := "ok"
		diff, comb, q, err := rankCheck(ref, r)
		if err != nil {
			verdict = "FAIL: " + err.Error()
			status = 1
		}
		fmt.Fprintf(w, "%d rank(s): E = %.6f ± %.6f, %g samples, |ΔE| = %.2g σ, err·√n ratio %.2f: %s\n",
			r.Ranks, r.Energy, r.Error, r.Samples, diff/comb, q, verdict)
	}
	return status, nil
}

// rankCheck returns |ΔE|, the combined error bar, the ratio of the error
// bars scaled by √samples, and an error when r disagrees with ref.
func rankCheck(ref, r vmcResult) (diff, comb, q float64, err error) {
	diff, comb = math.Abs(r.Energy-ref.Energy), math.Hypot(r.Error, ref.Error)
	q = r.Error * math.Sqrt(r.Samples) / (ref.Error * math.Sqrt(ref.Samples))
	switch {
	case r.Samples*float64(ref.Ranks) != ref.Samples*float64(r.Ranks):
		err = fmt.Errorf("%g samples on %d ranks, want %g", r.Samples, r.Ranks, ref.Samples*float64(r.Ranks)/float64(ref.Ranks))
	case diff > 4*comb:
		err = fmt.Errorf("differs from %d rank(s) by %.2g, more than 4 × %.2g", ref.Ranks, diff, comb)
	case q < 0.6 || q > 1.6:
		err = fmt.Errorf("err·√samples is %.2f × the reference's, want ≈ 1", q)
	}
	return diff, comb, q, err
}
