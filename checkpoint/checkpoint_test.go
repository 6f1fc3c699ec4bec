package checkpoint

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
)

// sample returns a state whose floats include values that text formats
// would not round-trip: a NaN with a payload, −0, infinities, a subnormal.
func sample() *State {
	return &State{
		Config:         map[string]string{"seed": "1", "system.omega": "1", "output.dir": "out"},
		Ranks:          2,
		WalkersPerRank: 2,
		Iteration:      7,
		Params:         []float64{0.1, math.Copysign(0, -1), math.Float64frombits(0x7ff8000000000abc)},
		Optimizer:      "adam",
		OptimizerState: []float64{math.Inf(1), math.Inf(-1), 5e-324, 1.0 / 3},
		HistoryColumns: []string{"iteration", "energy"},
		History:        [][]float64{{0, 2.1}, {1, 2.0000000000000004}},
		Walkers:        [][]byte{{1, 2, 3}, {}, bytes.Repeat([]byte{0xff}, 17), {0}},
		Extra:          map[string][]byte{"blocker": {9, 8, 7}},
	}
}

func bitsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func checkSame(t *testing.T, got, want *State) {
	t.Helper()
	if !bitsEqual(got.Params, want.Params) || !bitsEqual(got.OptimizerState, want.OptimizerState) {
		t.Fatalf("float bits changed: params %v vs %v, optimizer %v vs %v", got.Params, want.Params, got.OptimizerState, want.OptimizerState)
	}
	for i := range want.History {
		if !bitsEqual(got.History[i], want.History[i]) {
			t.Fatalf("history row %d: %v, want %v", i, got.History[i], want.History[i])
		}
	}
	if got.Iteration != want.Iteration || got.Ranks != want.Ranks || got.Optimizer != want.Optimizer ||
		!reflect.DeepEqual(got.Config, want.Config) || !reflect.DeepEqual(got.Extra, want.Extra) ||
		!reflect.DeepEqual(got.HistoryColumns, want.HistoryColumns) || len(got.Walkers) != len(want.Walkers) {
		t.Fatalf("round trip: got %+v, want %+v", got, want)
	}
	for i := range want.Walkers {
		if !bytes.Equal(got.Walkers[i], want.Walkers[i]) {
			t.Fatalf("walker %d: %v, want %v", i, got.Walkers[i], want.Walkers[i])
		}
	}
}

func TestRoundTripKeepsBits(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	want := sample()
	if err := WriteFile(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSame(t, got, want)
}

func TestTruncatedFileRefused(t *testing.T) {
	b, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	// Every proper prefix, as left by a crash during a non-atomic copy.
	for n := 0; n < len(b); n++ {
		_, err := Decode(b[:n])
		if err == nil {
			t.Fatalf("prefix of %d/%d bytes accepted", n, len(b))
		}
		if n >= headerSize && !strings.Contains(err.Error(), "truncated") {
			t.Fatalf("prefix of %d bytes: error %q does not say truncated", n, err)
		}
	}
	if _, err := Decode(append(append([]byte(nil), b...), 0)); err == nil {
		t.Fatal("trailing garbage accepted")
	}
}

func TestCorruptedFileRefused(t *testing.T) {
	b, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	// One flipped bit anywhere in the payload must fail the checksum.
	for i := headerSize; i < len(b); i++ {
		c := append([]byte(nil), b...)
		c[i] ^= 0x10
		_, err := Decode(c)
		if err == nil || !strings.Contains(err.Error(), "checksum") {
			t.Fatalf("flip at byte %d: err = %v, want a checksum error", i, err)
		}
	}
	c := append([]byte(nil), b...)
	c[0] = 'X'
	if _, err := Decode(c); err == nil || !strings.Contains(err.Error(), "not a vmcmpi checkpoint") {
		t.Fatalf("bad magic: err = %v", err)
	}
	c = append([]byte(nil), b...)
	c[8] = 99
	if _, err := Decode(c); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("bad version: err = %v", err)
	}
	// The file-level error names the file.
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, b[:len(b)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("ReadFile of a truncated file: err = %v, want it to name %s", err, path)
	}
}

// cutFile fails after limit bytes, as a full disk or a killed process would
// leave a half-written temporary file.
type cutFile struct {
	*os.File
	limit int
}

var errCut = errors.New("simulated crash mid-write")

func (f *cutFile) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n, _ := f.File.Write(p[:f.limit])
		return n, errCut
	}
	return f.File.Write(p)
}

func TestCutShortWriteKeepsLastGood(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	good := sample()
	if err := WriteFile(path, good); err != nil {
		t.Fatal(err)
	}
	next := sample()
	next.Iteration = 8
	next.Params[0] = 0.2
	defer func(f func(string, string) (file, error)) { createTemp = f }(createTemp)
	for _, limit := range []int{0, 10, headerSize, headerSize + 50} {
		createTemp = func(dir, pattern string) (file, error) {
			f, err := os.CreateTemp(dir, pattern)
			return &cutFile{File: f, limit: limit}, err
		}
		err := WriteFile(path, next)
		if !errors.Is(err, errCut) {
			t.Fatalf("limit %d: err = %v, want the simulated crash", limit, err)
		}
		got, err := ReadFile(path)
		if err != nil {
			t.Fatalf("limit %d: last good checkpoint unreadable: %v", limit, err)
		}
		checkSame(t, got, good)
		ents, _ := os.ReadDir(dir)
		if len(ents) != 1 {
			t.Fatalf("limit %d: temporary file left behind: %v", limit, ents)
		}
	}
	// A process killed mid-write cannot clean up: its temporary file stays,
	// but the checkpoint under the final name is still the last good one.
	b, _ := Encode(next)
	if err := os.WriteFile(filepath.Join(dir, "."+FileName+".tmp-123"), b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSame(t, got, good)
	// The next successful write replaces it.
	createTemp = func(dir, pattern string) (file, error) { return os.CreateTemp(dir, pattern) }
	if err := WriteFile(path, next); err != nil {
		t.Fatal(err)
	}
	if got, err = ReadFile(path); err != nil || got.Iteration != 8 {
		t.Fatalf("after a good write: iteration %v, err %v", got, err)
	}
}

func TestCompatible(t *testing.T) {
	s := sample()
	ignoreOutput := func(k string) bool { return strings.HasPrefix(k, "output.") }
	cfg := map[string]string{"seed": "1", "system.omega": "1", "output.dir": "elsewhere"}
	if err := s.Compatible(cfg, 2, ignoreOutput); err != nil {
		t.Fatalf("same config, other output dir: %v", err)
	}
	cfg["system.omega"] = "0.5"
	cfg["sampler.walkers"] = "8"
	err := s.Compatible(cfg, 2, ignoreOutput)
	if err == nil || !strings.Contains(err.Error(), "system.omega: checkpoint has 1, this run has 0.5") ||
		!strings.Contains(err.Error(), "sampler.walkers") {
		t.Fatalf("different config: err = %v", err)
	}
	cfg = map[string]string{"seed": "1", "system.omega": "1"}
	err = s.Compatible(cfg, 3, ignoreOutput)
	if err == nil || !strings.Contains(err.Error(), "2 ranks, this run has 3") {
		t.Fatalf("different rank count: err = %v", err)
	}
}

// A key added to the program after the checkpoint was written resumes only
// at the value that reproduces the older program.
func TestCompatibleAddedKey(t *testing.T) {
	s := sample()
	atDefault := func(k, v string) bool { return k == "optimizer.max_step_norm" && v == "0" }
	cfg := map[string]string{"seed": "1", "system.omega": "1", "optimizer.max_step_norm": "0"}
	ignoreOutput := func(k string) bool { return strings.HasPrefix(k, "output.") }
	if err := s.CompatibleWith(cfg, 2, ignoreOutput, atDefault); err != nil {
		t.Fatalf("added key at its default: %v", err)
	}
	if err := s.Compatible(cfg, 2, ignoreOutput); err == nil {
		t.Fatal("Compatible accepted a key the checkpoint lacks")
	}
	cfg["optimizer.max_step_norm"] = "1"
	err := s.CompatibleWith(cfg, 2, ignoreOutput, atDefault)
	if err == nil || !strings.Contains(err.Error(), "optimizer.max_step_norm = 1 (not in the checkpoint)") {
		t.Fatalf("added key off its default: err = %v", err)
	}
}

func TestPackBytes(t *testing.T) {
	for n := 0; n <= 17; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(0xf0 + i) // high bytes make NaN bit patterns
		}
		f := PackBytes(nil, b)
		if len(f) != (n+7)/8 {
			t.Fatalf("%d bytes packed into %d values", n, len(f))
		}
		got, err := UnpackBytes(append([]float64(nil), f...), n)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("n=%d: %v %v, want %v", n, got, err, b)
		}
	}
	if _, err := UnpackBytes(nil, 3); err == nil {
		t.Fatal("unpacking from too few values succeeded")
	}
}

func TestGatherBlobs(t *testing.T) {
	const ranks = 3
	// Rank r has r+1 walkers of different lengths (one empty), so the
	// padding and per-rank counts are exercised.
	blobsOf := func(r int) [][]byte {
		var bs [][]byte
		for w := 0; w <= r; w++ {
			bs = append(bs, bytes.Repeat([]byte{byte(0xf8 + r), byte(w)}, 5*w+r))
		}
		return bs
	}
	var got [][]byte
	err := comm.RunLocal(ranks, func(c comm.Comm) error {
		all, err := GatherBlobs(c, blobsOf(c.Rank()), 0)
		if err != nil {
			return err
		}
		if c.Rank() != 0 {
			if all != nil {
				return fmt.Errorf("rank %d got %d blobs", c.Rank(), len(all))
			}
			return nil
		}
		got = all
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want [][]byte
	for r := range ranks {
		want = append(want, blobsOf(r)...)
	}
	if len(got) != len(want) {
		t.Fatalf("%d blobs, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("blob %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestLoadBroadcasts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	want := sample()
	if err := WriteFile(path, want); err != nil {
		t.Fatal(err)
	}
	states := make([]*State, 2)
	err := comm.RunLocal(2, func(c comm.Comm) error {
		s, err := Load(c, path, 0)
		states[c.Rank()] = s
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for r, s := range states {
		checkSame(t, s, want)
		ws, err := s.RankWalkers(r)
		if err != nil || len(ws) != 2 || !bytes.Equal(ws[0], want.Walkers[2*r]) {
			t.Fatalf("rank %d walkers %v, %v", r, ws, err)
		}
	}
	// A missing file is an error on every rank, not a hang.
	err = comm.RunLocal(2, func(c comm.Comm) error {
		_, err := Load(c, filepath.Join(dir, "missing"), 0)
		if err == nil {
			return fmt.Errorf("rank %d: missing file loaded", c.Rank())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
