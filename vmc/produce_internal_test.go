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

// Cheap chunks are gathered into rounds: 64 chunks of 100 samples of the
// two-electron dot (about 0.1 ms each) take a handful of collectives,
// the first rounds 1, 2, 4, … chunks long.
func TestRoundsGrowOnCheapChunks(t *testing.T) {
	dot := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true, Fermions: true})
	sys, err := NewContinuous(dot, wavefunc.NewProduct(wavefunc.NewRBM(2, 2, 4, 1), wavefunc.NewPade(2, 2, 0.5)),
		sampler.Settings{Kind: sampler.Importance, Step: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	var rounds []int
	d, err := New(comm.NewSerial(), sys, Options{Walkers: 2, Production: 6400, Chunk: 100, BurnIn: 10, Seed: 3,
		OnChunk: func(done, _ int) { rounds = append(rounds, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Produce(context.Background()); err != nil {
		t.Fatal(err)
	}
	// 6400 = 100·(1+2+4+8+16+33): six rounds if every chunk takes less
	// than superChunk/32 (3 ms, thirty times the expected); more only on
	// a machine that slow.
	if len(rounds) > 12 || rounds[0] != 100 || rounds[1] > 300 || rounds[len(rounds)-1] != 6400 {
		t.Errorf("rounds ending at %v: want 100, 300, 700, … in at most 12 rounds", rounds)
	}
	for i, r := range rounds {
		if r%100 != 0 || (i > 0 && r <= rounds[i-1]) {
			t.Errorf("round %d ends at %d: rounds %v are not of whole chunks", i, r, rounds)
		}
	}
}
