package comm

import (
	"errors"
	"fmt"
)

// RankError is an error of some ranks only, reported by the rank that had it.
type RankError struct {
	Rank int
	Err  error
}

func (e *RankError) Error() string { return fmt.Sprintf("rank %d: %v", e.Rank, e.Err) }
func (e *RankError) Unwrap() error { return e.Err }

// Agree is collective: when any rank has an error, every rank returns
// one, its own or one naming the ranks that failed, so that no rank goes
// on into a collective the failed ones will never join.
func Agree(c Comm, err error) error {
	failed := make([]float64, c.Size())
	if err != nil {
		failed[c.Rank()] = 1
	}
	if aerr := c.AllReduce(failed, Max); aerr != nil {
		return errors.Join(err, aerr)
	}
	var ranks []int
	for r, f := range failed {
		if f > 0 {
			ranks = append(ranks, r)
		}
	}
	switch {
	case len(ranks) == 0:
		return nil
	case err != nil && len(ranks) == c.Size():
		return err // all ranks failed, the same way as far as they know
	case err != nil:
		return &RankError{Rank: c.Rank(), Err: err}
	}
	return fmt.Errorf("stopped because rank(s) %v failed (their message is above)", ranks)
}
