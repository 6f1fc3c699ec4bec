package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Version is the file format version written by this package.
const Version = 1

// FileName is the conventional name of the checkpoint inside a run's
// output directory.
const FileName = "checkpoint.bin"

const (
	magic      = "VMCMPICK"
	headerSize = 8 + 4 + 8 + sha256.Size
	// maxPayload bounds the length read from a header, so a damaged length
	// field cannot ask for an absurd allocation.
	maxPayload = 1 << 36
)

// State is everything a run needs to continue where it stopped.
type State struct {
	// Config is the run's configuration flattened to "section.key" → value
	// text; Compatible compares it with the configuration of a resume.
	Config map[string]string
	// Ranks is the number of ranks of the run that wrote the checkpoint.
	Ranks int
	// WalkersPerRank is the number of walkers on each rank.
	WalkersPerRank int
	// Iteration is the number of completed optimisation iterations.
	Iteration int
	// Params are the variational parameters after Iteration steps.
	Params []float64
	// Optimizer names the update rule; OptimizerState is its State().
	Optimizer      string
	OptimizerState []float64
	// HistoryColumns names the columns of History, one row per completed
	// iteration.
	HistoryColumns []string
	History        [][]float64
	// Walkers holds every walker's MarshalBinary (configuration and random
	// stream), rank-major: walker w of rank r is Walkers[r*WalkersPerRank+w].
	Walkers [][]byte
	// Extra carries driver state without a field of its own (for example
	// accumulators of a production phase).
	Extra map[string][]byte
}

// Encode returns the complete file content for s: header and payload.
func Encode(s *State) ([]byte, error) {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(s); err != nil {
		return nil, fmt.Errorf("checkpoint: encode: %w", err)
	}
	p := payload.Bytes()
	out := make([]byte, headerSize, headerSize+len(p))
	copy(out, magic)
	binary.LittleEndian.PutUint32(out[8:], Version)
	binary.LittleEndian.PutUint64(out[12:], uint64(len(p)))
	sum := sha256.Sum256(p)
	copy(out[20:], sum[:])
	return append(out, p...), nil
}

// Decode checks and decodes a complete file content produced by Encode. The
// error says whether the data is not a checkpoint, cut short, damaged
// (checksum mismatch) or of another format version.
func Decode(b []byte) (*State, error) {
	if len(b) < headerSize {
		if len(b) >= len(magic) && string(b[:len(magic)]) != magic {
			return nil, errors.New("not a vmcmpi checkpoint (bad magic bytes)")
		}
		return nil, fmt.Errorf("truncated: %d bytes, shorter than the %d-byte header", len(b), headerSize)
	}
	if string(b[:len(magic)]) != magic {
		return nil, errors.New("not a vmcmpi checkpoint (bad magic bytes)")
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != Version {
		return nil, fmt.Errorf("format version %d, this program reads version %d", v, Version)
	}
	n := binary.LittleEndian.Uint64(b[12:])
	if n > maxPayload {
		return nil, fmt.Errorf("damaged header: payload length %d", n)
	}
	have := uint64(len(b) - headerSize)
	if have < n {
		return nil, fmt.Errorf("truncated: header announces %d payload bytes, only %d present (a write cut short?)", n, have)
	}
	if have > n {
		return nil, fmt.Errorf("damaged: %d bytes after the %d-byte payload", have-n, n)
	}
	p := b[headerSize:]
	if sum := sha256.Sum256(p); !bytes.Equal(sum[:], b[20:headerSize]) {
		return nil, errors.New("damaged: SHA-256 checksum of the payload does not match the header")
	}
	s := new(State)
	if err := gob.NewDecoder(bytes.NewReader(p)).Decode(s); err != nil {
		return nil, fmt.Errorf("damaged payload: %w", err)
	}
	return s, nil
}

// ReadFile reads and checks the checkpoint at path.
func ReadFile(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	s, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s refused: %w", path, err)
	}
	return s, nil
}

// createTemp is the file factory of WriteAtomic; tests replace it to cut a
// write short.
var createTemp = func(dir, pattern string) (file, error) { return os.CreateTemp(dir, pattern) }

// file is what WriteFile needs of an *os.File.
type file interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

// WriteFile writes s to path atomically (WriteAtomic): an existing
// checkpoint at path is left untouched on any error.
func WriteFile(path string, s *State) error {
	b, err := Encode(s)
	if err != nil {
		return err
	}
	if err := WriteAtomic(path, b); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// WriteAtomic writes data to path so that readers see the old file or the
// new one, never half of one, even after a crash: a temporary file in the
// same directory is written and fsynced, made readable (0644), renamed over
// path, and the directory is fsynced so that the rename itself is durable.
// On any error the temporary file is removed and path is left untouched.
// Every file the project writes (checkpoints, results, histories) goes
// through it.
func WriteAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := createTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp, path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		// Some file systems cannot fsync a directory; the rename has
		// happened either way, so only a failure to sync is ignored.
		d.Sync()
		d.Close()
	}
	return nil
}

// Compatible reports whether the checkpoint can continue a run with the
// given configuration and rank count. Keys for which ignore returns true
// (nil: none) may differ, e.g. output settings that do not change the
// numbers. The error names every key that differs, with both values.
func (s *State) Compatible(config map[string]string, ranks int, ignore func(key string) bool) error {
	return s.CompatibleWith(config, ranks, ignore, nil)
}

// CompatibleWith is Compatible where a key the checkpoint lacks (one added
// to the program after the checkpoint was written) is accepted when
// added(key, value) says that value reproduces what the older program did
// (nil: never).
func (s *State) CompatibleWith(config map[string]string, ranks int, ignore func(key string) bool, added func(key, value string) bool) error {
	var diffs []string
	keys := map[string]bool{}
	for k := range s.Config {
		keys[k] = true
	}
	for k := range config {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if ignore != nil && ignore(k) {
			continue
		}
		old, inOld := s.Config[k]
		cur, inCur := config[k]
		switch {
		case !inOld && added != nil && added(k, cur):
		case !inOld:
			diffs = append(diffs, fmt.Sprintf("%s = %s (not in the checkpoint)", k, cur))
		case !inCur:
			diffs = append(diffs, fmt.Sprintf("%s: checkpoint has %s, this run does not set it", k, old))
		case old != cur:
			diffs = append(diffs, fmt.Sprintf("%s: checkpoint has %s, this run has %s", k, old, cur))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("checkpoint was written by a different configuration: %s", strings.Join(diffs, "; "))
	}
	if s.Ranks != ranks {
		return fmt.Errorf("checkpoint was written by %d ranks, this run has %d: resume with the same rank count (every rank's walkers carry their own random streams, so another count cannot continue the same run)", s.Ranks, ranks)
	}
	if len(s.Walkers) != s.Ranks*s.WalkersPerRank {
		return fmt.Errorf("checkpoint holds %d walkers, expected %d ranks × %d", len(s.Walkers), s.Ranks, s.WalkersPerRank)
	}
	return nil
}
