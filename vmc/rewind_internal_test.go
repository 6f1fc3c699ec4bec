package vmc

import (
	"bytes"
	"context"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// A rewind puts the walkers, their production sums (blocked and summed
// observables included) and the trace back exactly where the boundary
// was, both before production began and in the middle of it.
func TestRewindRestoresBoundary(t *testing.T) {
	dot := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true, Fermions: true})
	sys, err := NewContinuous(dot, wavefunc.NewProduct(wavefunc.NewRBM(2, 2, 4, 1), wavefunc.NewPade(2, 2, 0.5)),
		sampler.Settings{Kind: sampler.Importance, Step: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	split, err := NewEnergySplit(dot)
	if err != nil {
		t.Fatal(err)
	}
	dens, err := NewRadialDensity(2, 20, 4)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(comm.NewSerial(), sys, Options{Walkers: 2, Production: 3000, Chunk: 1000, BurnIn: 50, Seed: 4,
		Observables: []Observable{split, dens}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	records := func() [][]byte {
		t.Helper()
		r, err := d.walkerRecords()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	chunk := func(n int) {
		t.Helper()
		if err := d.forEach(ctx, func(w int) error {
			if err := d.record(w); err != nil {
				return err
			}
			d.sampleChunk(w, n, never)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	same := func(what string, want [][]byte) {
		t.Helper()
		got := records()
		for w := range want {
			if !bytes.Equal(got[w], want[w]) {
				t.Fatalf("%s: walker %d differs from the boundary", what, w)
			}
		}
	}

	// Before production: the burn-in and the accumulators are undone.
	start := records()
	d.mark(ctx)
	if err := d.startProduction(ctx); err != nil {
		t.Fatal(err)
	}
	chunk(700)
	if err := d.rewind(); err != nil {
		t.Fatal(err)
	}
	if d.prodAccs != nil || d.burned {
		t.Fatal("rewind before production kept its accumulators or burn-in")
	}
	same("before production", start)

	// Mid-production, twice in a row (the records' memory is reused).
	d.mark(ctx)
	if err := d.startProduction(ctx); err != nil {
		t.Fatal(err)
	}
	d.burned = true
	chunk(1000)
	for range 2 {
		mid, trace := records(), len(d.prodAccs[0].trace)
		d.mark(ctx)
		chunk(600)
		if err := d.rewind(); err != nil {
			t.Fatal(err)
		}
		same("mid-production", mid)
		if len(d.prodAccs[0].trace) != trace || trace != 1000 {
			t.Fatalf("trace of %d energies after the rewind, want %d (1000)", len(d.prodAccs[0].trace), trace)
		}
	}
	// A walker that never moved since the boundary keeps its state.
	mid := records()
	d.mark(ctx)
	if err := d.rewind(); err != nil {
		t.Fatal(err)
	}
	same("unmoved", mid)
}
