package output_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// A history written and read back, as `vmcmpi plot` reads a run directory.
func Example() {
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "history.csv")
	hist := []vmc.Record{{Iteration: 0, Energy: 3.2, Error: 0.01}, {Iteration: 1, Energy: 3.05, Error: 0.004}}
	if err := output.WriteHistory(path, hist); err != nil {
		log.Fatal(err)
	}
	h, err := output.ReadHistory(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Iter, h.Energy, h.Error)
	// Output: [0 1] [3.2 3.05] [0.01 0.004]
}
