package study_test

import (
	"fmt"
	"log"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/study"
)

// A configured study in a few lines: load the TOML file, run it on one
// rank (comm.World() under mpirun), read the fit. testdata/line.toml fits
// y = a + b x to 40 noisy rows of y = 1 + 2x with 5-fold cross-validation.
func Example() {
	cfg, err := study.Load("testdata/line.toml", study.Regress)
	if err != nil {
		log.Fatal(err)
	}
	res, err := study.Run(comm.NewSerial(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("y = %.2f + %.2f x, %d rows, held-out rms %.2f\n",
		res.Coefficients["intercept"], res.Coefficients["x"], res.N, res.CV.RMSE)
	// Output: y = 1.00 + 2.00 x, 40 rows, held-out rms 0.09
}
