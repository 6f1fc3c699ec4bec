package wavefunc

import "fmt"

// checkPermutations reports the first element of perms that is not a
// permutation of n sites (perm[k] = image of site k), for the models that
// share or sum over a group of site permutations.
func checkPermutations(n int, perms [][]int) error {
	seen := make([]bool, n)
	for g, p := range perms {
		if len(p) != n {
			return fmt.Errorf("element %d has %d sites, want %d", g, len(p), n)
		}
		clear(seen)
		for _, k := range p {
			if k < 0 || k >= n || seen[k] {
				return fmt.Errorf("element %d is not a permutation of %d sites", g, n)
			}
			seen[k] = true
		}
	}
	return nil
}
