package exact_test

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
)

// The 4-site Heisenberg ring, whose ground-state energy is −2J.
func ExampleGroundState() {
	lat, _ := hamiltonian.NewLattice(hamiltonian.Chain, 4, true)
	h, _ := hamiltonian.NewHeisenberg(lat, 1, true)
	res, err := exact.GroundState(h, exact.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("E0 = %.10f in the %s sector of dimension %d\n", res.Energy, res.Sector, res.Dim)
	// Output: E0 = -2.0000000000 in the Sz=0 sector of dimension 6
}

// The critical transverse-field Ising ring of 10 sites from free fermions.
func ExampleTFIMChain() {
	e, _ := exact.TFIMChain(10, 1, 1)
	fmt.Printf("E0 = %.9f\n", e)
	// Output: E0 = -12.784906443
}
