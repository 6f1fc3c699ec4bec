package exact_test

import (
	"errors"
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

// A J1–J2 chain written as user code, diagonalised exactly: at J2 = J1/2
// (the Majumdar–Ghosh point) the ground state is a product of singlets
// with E0 = −3L/8.
func ExampleGroundState_j1j2() {
	const l = 12
	h := hamiltonian.NewSpin(l)
	sub := make([]int8, l)
	for i := range sub {
		sub[i] = int8(i % 2) // Marshall's sign rule: a positive ground state
	}
	if err := h.RotateMarshall(sub); err != nil {
		fmt.Println(err)
		return
	}
	for i := range l {
		err := errors.Join(
			h.AddBond(i, (i+1)%l, hamiltonian.HeisenbergBond(1)),
			h.AddBond(i, (i+2)%l, hamiltonian.HeisenbergBond(0.5)))
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	res, err := exact.GroundState(h, exact.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("E0 = %.8f, −3L/8 = %g\n", res.Energy, -3.0*l/8)
	// Output: E0 = -4.50000000, −3L/8 = -4.5
}
