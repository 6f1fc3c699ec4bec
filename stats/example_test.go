package stats_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/stats"
)

// A walker streams its local energies into a Blocker; ranks combine the
// three sums of Summary (here: two chains summed by hand, an all-reduce in
// a real run).
func ExampleBlocker() {
	var sumN, sumNMean, sumN2Var float64
	for chain := range 2 {
		rng := rand.New(rand.NewPCG(uint64(chain), 1))
		var b stats.Blocker
		x := 0.0
		for range 1 << 16 {
			x = 0.9*x + rng.NormFloat64() // correlated, τ = 19
			b.Add(3 + x)
		}
		n, mean, errVar := b.Summary()
		sumN += n
		sumNMean += n * mean
		sumN2Var += n * n * errVar
	}
	mean, err := stats.CombineSums(sumN, sumNMean, sumN2Var)
	// Exact: 3 ± 10/√(2·65536) ≈ 3 ± 0.028.
	fmt.Printf("%.0f samples: %.1f ± %.2f\n", sumN, mean, err)
	// Output: 131072 samples: 3.0 ± 0.03
}
