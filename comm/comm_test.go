package comm_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
)

func TestSerial(t *testing.T) {
	s := comm.NewSerial()
	if s.Rank() != 0 || s.Size() != 1 {
		t.Fatalf("rank %d size %d, want 0 1", s.Rank(), s.Size())
	}
	want := params(20)
	for _, op := range []comm.Op{comm.Sum, comm.Max, comm.Min} {
		buf := append([]float64(nil), want...)
		if err := s.AllReduce(buf, op); err != nil {
			t.Fatal(err)
		}
		noErr(t, diffBits(fmt.Sprintf("serial AllReduce(%v)", op), buf, want))
	}
	buf := append([]float64(nil), want...)
	if err := s.Bcast(buf, 0); err != nil {
		t.Fatal(err)
	}
	noErr(t, diffBits("serial Bcast", buf, want))
	recv := make([]float64, len(want))
	if err := s.Gather(want, recv, 0); err != nil {
		t.Fatal(err)
	}
	noErr(t, diffBits("serial Gather", recv, want))

	if err := s.Bcast(buf, 1); err == nil || !strings.Contains(err.Error(), "root 1") {
		t.Errorf("Bcast to root 1 of 1: got %v, want an error naming the root", err)
	}
	if err := s.AllReduce(buf, comm.Op(7)); err == nil || !strings.Contains(err.Error(), "unknown reduction") {
		t.Errorf("AllReduce with Op(7): got %v", err)
	}
	if err := s.Gather(want, recv[:3], 0); err == nil || !strings.Contains(err.Error(), "recv has 3") {
		t.Errorf("Gather into a short recv: got %v", err)
	}
	noErr(t, allReduceClosedForms(unchecked{s}, 5))
	if err := s.Barrier(); err != nil {
		t.Error(err)
	}
	if err := s.Finalize(); err != nil {
		t.Error(err)
	}
}

func TestNew(t *testing.T) {
	for _, name := range []string{"", comm.BackendAuto, comm.BackendSerial} {
		c, err := comm.New(name)
		if err != nil {
			t.Errorf("New(%q): %v", name, err)
			continue
		}
		if !comm.LaunchedByMPI() && c.Size() != 1 {
			t.Errorf("New(%q) outside mpirun has size %d", name, c.Size())
		}
	}
	if _, err := comm.New("openmpi"); err == nil || !strings.Contains(err.Error(), `unknown backend "openmpi"`) {
		t.Errorf("New(openmpi): got %v, want an unknown-backend error", err)
	}
	if !comm.MPIBuilt {
		if _, err := comm.New(comm.BackendMPI); err == nil || !strings.Contains(err.Error(), "make build-mpi") {
			t.Errorf("New(mpi) without MPI: got %v, want an error saying how to rebuild", err)
		}
	}
}

// TestLocalClosedForms runs every collective on 1–5 in-process ranks with
// the checks the MPI tests use too.
func TestLocalClosedForms(t *testing.T) {
	for n := 1; n <= 5; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			err := comm.RunLocal(n, func(c comm.Comm) error {
				var errs []error
				errs = append(errs, allReduceClosedForms(c, 10), allReduceClosedForms(unchecked{c}, 10))
				for root := range n {
					errs = append(errs, bcastBitIdentical(c, 100, root), gatherInOrder(c, 4, root))
				}
				if err := errors.Join(errs...); err != nil {
					return err
				}
				if err := c.Barrier(); err != nil {
					return err
				}
				if err := c.AllReduce(nil, comm.Sum); err != nil {
					return err
				}
				return c.Bcast(nil, 0)
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLocalDeterministic: the in-process sum takes ranks in order, so the
// result is bit-identical on all ranks and across runs even for values whose
// sum depends on the order.
func TestLocalDeterministic(t *testing.T) {
	const n, m = 4, 50
	run := func() [][]float64 {
		out := make([][]float64, n)
		err := comm.RunLocal(n, func(c comm.Comm) error {
			rng := rand.New(rand.NewPCG(3, uint64(c.Rank())))
			buf := make([]float64, m)
			for i := range buf {
				buf[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-15))
			}
			err := c.AllReduce(buf, comm.Sum)
			out[c.Rank()] = buf
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := run(), run()
	for r := range n {
		noErr(t, diffBits(fmt.Sprintf("rank %d vs rank 0", r), a[r], a[0]))
		noErr(t, diffBits(fmt.Sprintf("rank %d, second run", r), b[r], a[r]))
	}
}

// TestLocalMismatch: ranks that disagree on lengths or calls all get an
// error naming this rank and another one, never a wrong result.
func TestLocalMismatch(t *testing.T) {
	var mu sync.Mutex
	msgs := map[int][]string{}
	err := comm.RunLocal(3, func(c comm.Comm) error {
		n := 4
		if c.Rank() == 1 {
			n = 3
		}
		var got []string
		e1 := c.AllReduce(make([]float64, n), comm.Sum)
		e2 := c.Bcast(make([]float64, n), 0)
		var e3 error
		if c.Rank() == 2 {
			e3 = c.Barrier()
		} else {
			e3 = c.AllReduce(make([]float64, 2), comm.Max)
		}
		for _, e := range []error{e1, e2, e3} {
			var ce *comm.Error
			if !errors.As(e, &ce) {
				return fmt.Errorf("got %v, want a *comm.Error", e)
			}
			if ce.Rank != c.Rank() {
				return fmt.Errorf("error %v names rank %d", e, ce.Rank)
			}
			got = append(got, e.Error())
		}
		// The group is still usable after the mismatches.
		buf := []float64{float64(c.Rank() + 1)}
		if err := c.AllReduce(buf, comm.Sum); err != nil || buf[0] != 6 {
			return fmt.Errorf("AllReduce after mismatches: %v, %v", buf, err)
		}
		mu.Lock()
		msgs[c.Rank()] = got
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for r, m := range msgs {
		for _, s := range m {
			if !strings.Contains(s, "rank ") || !strings.Contains(s, fmt.Sprintf("comm: rank %d:", r)) {
				t.Errorf("rank %d: %q does not name the ranks", r, s)
			}
		}
	}
	if !strings.Contains(msgs[0][0], "4 here, 3 on rank 1") {
		t.Errorf("rank 0 length error %q does not name rank 1 and both lengths", msgs[0][0])
	}
	if !strings.Contains(msgs[0][2], "rank 2 called Barrier") {
		t.Errorf("rank 0 call error %q does not name rank 2's Barrier", msgs[0][2])
	}
}

// TestLocalFailingRank: a rank that returns an error aborts the group, so
// ranks waiting in a collective return an error instead of hanging. The
// deadline only turns a hang into a failure; it measures nothing.
func TestLocalFailingRank(t *testing.T) {
	for _, n := range []int{2, 5} {
		done := make(chan error, 1)
		var waited sync.WaitGroup
		waited.Add(n - 1)
		go func() {
			done <- comm.RunLocal(n, func(c comm.Comm) error {
				if c.Rank() == 1 {
					waited.Wait() // every other rank is inside AllReduce or about to be
					return errors.New("deliberate failure")
				}
				waited.Done()
				err := c.AllReduce(make([]float64, 3), comm.Sum)
				if err == nil {
					return errors.New("AllReduce succeeded without rank 1")
				}
				if ab, code := c.(*comm.LocalComm).Aborted(); !ab || code == 0 {
					return fmt.Errorf("group not marked aborted (%v, %d)", ab, code)
				}
				return nil
			})
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "rank 1: deliberate failure") {
				t.Errorf("%d ranks: RunLocal = %v, want rank 1's error", n, err)
			}
			if err != nil && strings.Contains(err.Error(), "without rank 1") {
				t.Errorf("%d ranks: %v", n, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%d ranks: the other ranks hang after rank 1 failed", n)
		}
	}
}

func TestLocalAbort(t *testing.T) {
	err := comm.RunLocal(3, func(c comm.Comm) error {
		if c.Rank() == 2 {
			c.Abort(7)
			return nil
		}
		if err := c.Barrier(); err == nil {
			return errors.New("Barrier succeeded after Abort")
		}
		_, code := c.(*comm.LocalComm).Aborted()
		if code != 7 {
			return fmt.Errorf("abort code %d, want 7", code)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLocalBadArguments(t *testing.T) {
	err := comm.RunLocal(2, func(c comm.Comm) error {
		if err := c.Bcast(make([]float64, 2), 2); err == nil {
			return errors.New("Bcast from root 2 of 2 succeeded")
		}
		if err := c.AllReduce(make([]float64, 2), comm.Op(9)); err == nil {
			return errors.New("AllReduce with Op(9) succeeded")
		}
		var recv []float64
		if c.Rank() == 0 {
			recv = make([]float64, 3)
		}
		if err := c.Gather([]float64{1, 2}, recv, 0); err == nil && c.Rank() == 0 {
			return errors.New("Gather into a short recv succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
