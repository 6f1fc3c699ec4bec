package vmc

import (
	"context"
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// A round's proposed successor fills superChunk at the measured pace,
// never below one chunk, above twice the round or above maxRoundChunks.
func TestRoundChunks(t *testing.T) {
	for _, tc := range []struct {
		chunks int
		took   time.Duration
		want   int
	}{
		{1, superChunk, 1},          // one chunk fills the round
		{1, 10 * superChunk, 1},     // slower chunks: still one
		{1, superChunk / 10, 2},     // fast: at most doubled
		{8, superChunk / 2, 16},     // doubled, which fills it
		{8, superChunk / 4 * 3, 10}, // 8 ÷ ¾ = 10.67, rounded down
		{64, superChunk * 2, 32},    // halved at once
		{1 << 20, time.Nanosecond, maxRoundChunks},
		{3, 0, 3}, // no time measured: keep the round
	} {
		if got := roundChunks(tc.chunks, tc.took); got != tc.want {
			t.Errorf("roundChunks(%d, %v) = %d, want %d", tc.chunks, tc.took, got, tc.want)
		}
	}
}

// Rounds are of whole chunks, the first of one, each at most twice the
// one before, and the last ends the production (how long they grow is
// timing, left to roundChunks and BenchmarkChunkOverhead).
func TestRoundsOfWholeChunks(t *testing.T) {
	dot := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true, Fermions: true})
	sys, err := NewContinuous(dot, wavefunc.NewProduct(wavefunc.NewRBM(2, 2, 4, 1), wavefunc.NewPade(2, 2, 0.5)),
		sampler.Settings{Kind: sampler.Importance, Step: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	const production, chunk = 6450, 100
	rounds := []int{0}
	d, err := New(comm.NewSerial(), sys, Options{Walkers: 2, Production: production, Chunk: chunk, BurnIn: 10, Seed: 3,
		OnChunk: func(done, _ int) { rounds = append(rounds, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Produce(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := len(rounds) - 1
	if n < 1 || rounds[1] != chunk || rounds[n] != production {
		t.Fatalf("rounds ending at %v: want the first after %d, the last after %d", rounds[1:], chunk, production)
	}
	for i := 2; i <= n; i++ {
		l, prev := rounds[i]-rounds[i-1], rounds[i-1]-rounds[i-2]
		if l <= 0 || l > 2*prev || (l%chunk != 0 && rounds[i] != production) {
			t.Errorf("round %d of %d samples after one of %d: rounds %v", i, l, prev, rounds[1:])
		}
	}
}
