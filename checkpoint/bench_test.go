package checkpoint

import (
	"path/filepath"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

// benchState is a large run: 10⁴ parameters with Adam moments, 1000
// history rows, 256 walkers of 100 particles in 3D (about 2.5 kB each).
func benchState() *State {
	s := &State{Ranks: 4, WalkersPerRank: 64, Params: make([]float64, 10000), OptimizerState: make([]float64, 20001),
		Config: map[string]string{"seed": "1"}, HistoryColumns: []string{"a", "b", "c", "d", "e", "f", "g", "h"}}
	for range 1000 {
		s.History = append(s.History, make([]float64, 8))
	}
	for i := range 256 {
		w := make([]byte, 2456)
		w[0] = byte(i)
		s.Walkers = append(s.Walkers, w)
	}
	return s
}

func BenchmarkWriteFile(b *testing.B) {
	s := benchState()
	enc, _ := Encode(s)
	path := filepath.Join(b.TempDir(), FileName)
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if err := WriteFile(path, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(enc))/1e6, "MB/file")
}

func BenchmarkReadFile(b *testing.B) {
	s := benchState()
	path := filepath.Join(b.TempDir(), FileName)
	if err := WriteFile(path, s); err != nil {
		b.Fatal(err)
	}
	enc, _ := Encode(s)
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGatherBlobs moves 4 ranks × 64 walkers of 2.5 kB to rank 0
// through the in-process backend.
func BenchmarkGatherBlobs(b *testing.B) {
	local := benchState().Walkers[:64]
	for b.Loop() {
		err := comm.RunLocal(4, func(c comm.Comm) error {
			_, err := GatherBlobs(c, local, 0)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
