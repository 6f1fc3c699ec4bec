// Command cmpresult checks the result.json files of one vmcmpi run on
// different numbers of ranks: the first directory is the reference (one
// rank), each further one must hold a run with the same settings on more
// ranks. It exits non-zero when
//
//   - the energies differ by more than 4 combined error bars,
//   - the error bar does not shrink as 1/√(total samples): the ratio
//     err·√(samples)/(err₁·√(samples₁)) outside [0.6, 1.6] (blocking error
//     bars scatter by ~20 % at the sizes used),
//   - the sample count is not ranks × the reference's per-rank count.
//
// Usage: cmpresult DIR1 DIR2 [DIR3 ...]
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

type result struct {
	Energy  float64 `json:"energy"`
	Error   float64 `json:"error"`
	Samples float64 `json:"samples"`
	Ranks   int     `json:"ranks"`
}

func read(dir string) (result, error) {
	var r result
	b, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", dir, err)
	}
	if !(r.Error > 0) || !(r.Samples > 0) || r.Ranks < 1 {
		return r, fmt.Errorf("%s: result.json has error %g, samples %g, ranks %d: need a run with a positive error bar", dir, r.Error, r.Samples, r.Ranks)
	}
	return r, nil
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: cmpresult DIR1 DIR2 [DIR3 ...]")
		os.Exit(2)
	}
	ref, err := read(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "cmpresult:", err)
		os.Exit(2)
	}
	fmt.Printf("%d rank(s): E = %.6f ± %.6f, %g samples\n", ref.Ranks, ref.Energy, ref.Error, ref.Samples)
	fail := false
	for _, dir := range os.Args[2:] {
		r, err := read(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cmpresult:", err)
			os.Exit(2)
		}
		verdict := "ok"
		diff, comb := math.Abs(r.Energy-ref.Energy), math.Hypot(r.Error, ref.Error)
		q := r.Error * math.Sqrt(r.Samples) / (ref.Error * math.Sqrt(ref.Samples))
		switch {
		case r.Samples*float64(ref.Ranks) != ref.Samples*float64(r.Ranks):
			verdict = fmt.Sprintf("FAIL: %g samples on %d ranks, want %g", r.Samples, r.Ranks, ref.Samples*float64(r.Ranks)/float64(ref.Ranks))
		case diff > 4*comb:
			verdict = fmt.Sprintf("FAIL: differs from %d rank(s) by %.2g, more than 4 × %.2g", ref.Ranks, diff, comb)
		case q < 0.6 || q > 1.6:
			verdict = fmt.Sprintf("FAIL: err·√samples is %.2f × the reference's, want ≈ 1", q)
		}
		fmt.Printf("%d rank(s): E = %.6f ± %.6f, %g samples, |ΔE| = %.2g σ, err·√n ratio %.2f: %s\n",
			r.Ranks, r.Energy, r.Error, r.Samples, diff/comb, q, verdict)
		if verdict != "ok" {
			fail = true
		}
	}
	if fail {
		os.Exit(1)
	}
}
