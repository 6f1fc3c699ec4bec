package config_test

import (
	"context"
	"fmt"
	"log"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/config"
)

// Two bosons in a 2D harmonic trap at the exact Gaussian (α = ω/2), from
// a shipped configuration with three overrides: the energy is N·d·ω/2 = 2
// with zero variance.
func Example() {
	cfg, err := config.Load("../configs/bosons-2d.toml",
		[]string{"wavefunction.alpha=0.5", "optimizer.iterations=0", "production.samples=1000"})
	if err != nil {
		log.Fatal(err)
	}
	job, err := config.Build(comm.NewSerial(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	res, err := job.Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("E = %.6f ± %.6f (exact %g)\n", res.Energy, res.Error, res.Exact)
	// Output: E = 2.000000 ± 0.000000 (exact 2)
}
