package regress_test

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// Two in-process ranks each sum the statistics of their own rows of
// y = 1 + 2x, one all-reduce combines them, and every rank solves the same
// least-squares problem.
func Example() {
	_ = comm.RunLocal(2, func(c comm.Comm) error {
		l := regress.Layout{P: 2, Folds: 2, Seed: 1}
		buf := reduce.New()
		acc := regress.NewAccumulator(buf, "xy", l)
		for i := range 10 {
			if l.Owner(i, c.Size()) == c.Rank() {
				x := float64(i)
				acc.Add(i, []float64{1, x}, 1+2*x)
			}
		}
		if err := buf.AllReduce(c); err != nil {
			return err
		}
		fit, err := regress.OLS(acc.Result().Total)
		if err != nil {
			return err
		}
		if c.Rank() == 0 {
			fmt.Printf("intercept %.6f slope %.6f rows %g\n", fit.Coef[0], fit.Coef[1], fit.N)
		}
		return nil
	})
	// Output: intercept 1.000000 slope 2.000000 rows 10
}
