package figures

import (
	"math"
	"strconv"
	"testing"
)

// Labelled ticks of a narrow energy range are distinct numbers (the
// default labels print 2.99, 3.00, … as "3").
func TestDistinctTicks(t *testing.T) {
	for _, r := range [][2]float64{{2.995, 3.045}, {-11.23, -11.20}, {0, 1e-4}, {1, 1000}} {
		seen := map[string]bool{}
		n := 0
		for _, tk := range (DistinctTicks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			n++
			if seen[tk.Label] {
				t.Errorf("range %v: label %q twice", r, tk.Label)
			}
			seen[tk.Label] = true
			if v, err := strconv.ParseFloat(tk.Label, 64); err != nil || math.Abs(v-tk.Value) > 1e-9*math.Max(1, math.Abs(tk.Value)) {
				t.Errorf("range %v: tick %g labelled %q", r, tk.Value, tk.Label)
			}
		}
		if n < 2 {
			t.Errorf("range %v: %d labelled ticks", r, n)
		}
	}
}
