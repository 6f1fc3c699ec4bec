package checkpoint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/vmcmpi/vmcmpi/comm"
)

// PackBytes stores b in float64 bit patterns, eight bytes per value (the
// last one zero-padded), so byte strings can travel through float64
// collectives. Collectives copy the bits; no arithmetic touches them.
func PackBytes(dst []float64, b []byte) []float64 {
	for i := 0; i < len(b); i += 8 {
		var w [8]byte
		copy(w[:], b[i:])
		dst = append(dst, math.Float64frombits(binary.LittleEndian.Uint64(w[:])))
	}
	return dst
}

// UnpackBytes is the inverse of PackBytes for a string of n bytes.
func UnpackBytes(f []float64, n int) ([]byte, error) {
	if n < 0 || (n+7)/8 > len(f) {
		return nil, fmt.Errorf("checkpoint: unpack %d bytes from %d float64 values", n, len(f))
	}
	out := make([]byte, (n+7)/8*8)
	for i := range (n + 7) / 8 {
		binary.LittleEndian.PutUint64(out[8*i:], math.Float64bits(f[i]))
	}
	return out[:n], nil
}

// encodeBlobs concatenates length-prefixed blobs.
func encodeBlobs(blobs [][]byte) []byte {
	var out []byte
	out = binary.LittleEndian.AppendUint64(out, uint64(len(blobs)))
	for _, b := range blobs {
		out = binary.LittleEndian.AppendUint64(out, uint64(len(b)))
		out = append(out, b...)
	}
	return out
}

func decodeBlobs(b []byte) ([][]byte, error) {
	bad := errors.New("checkpoint: malformed walker blob list")
	if len(b) < 8 {
		return nil, bad
	}
	n := binary.LittleEndian.Uint64(b)
	b = b[8:]
	if n > uint64(len(b))/8 {
		return nil, bad
	}
	out := make([][]byte, 0, n)
	for range n {
		if len(b) < 8 {
			return nil, bad
		}
		m := binary.LittleEndian.Uint64(b)
		b = b[8:]
		if m > uint64(len(b)) {
			return nil, bad
		}
		out = append(out, append([]byte(nil), b[:m]...))
		b = b[m:]
	}
	if len(b) != 0 {
		return nil, bad
	}
	return out, nil
}

// GatherBlobs collects every rank's blobs on root, in rank order: the
// result on root is rank 0's blobs, then rank 1's, and so on; other ranks
// get nil. All ranks must call it. Blobs may differ in length and number
// between ranks: one all-reduce agrees on the padded size, one Gather moves
// the bytes.
func GatherBlobs(c comm.Comm, local [][]byte, root int) ([][]byte, error) {
	raw := encodeBlobs(local)
	send := []float64{float64(len(raw))}
	send = PackBytes(send, raw)
	size := []float64{float64(len(send))}
	if err := c.AllReduce(size, comm.Max); err != nil {
		return nil, fmt.Errorf("checkpoint: gather walkers: %w", err)
	}
	send = append(send, make([]float64, int(size[0])-len(send))...)
	var recv []float64
	if c.Rank() == root {
		recv = make([]float64, len(send)*c.Size())
	}
	if err := c.Gather(send, recv, root); err != nil {
		return nil, fmt.Errorf("checkpoint: gather walkers: %w", err)
	}
	if c.Rank() != root {
		return nil, nil
	}
	var all [][]byte
	for r := range c.Size() {
		seg := recv[r*len(send) : (r+1)*len(send)]
		b, err := UnpackBytes(seg[1:], int(seg[0]))
		if err != nil {
			return nil, fmt.Errorf("checkpoint: walkers of rank %d: %w", r, err)
		}
		blobs, err := decodeBlobs(b)
		if err != nil {
			return nil, fmt.Errorf("checkpoint: walkers of rank %d: %w", r, err)
		}
		all = append(all, blobs...)
	}
	return all, nil
}

// Load reads the checkpoint at path on root and broadcasts it, so every rank
// decodes the same bytes (no shared file system needed). All ranks must
// call it; if root cannot read the file every rank returns an error.
func Load(c comm.Comm, path string, root int) (*State, error) {
	var raw []byte
	var rerr error
	n := []float64{-1}
	if c.Rank() == root {
		raw, rerr = os.ReadFile(path)
		if rerr == nil {
			n[0] = float64(len(raw))
		}
	}
	if err := c.Bcast(n, root); err != nil {
		return nil, fmt.Errorf("checkpoint: load: %w", err)
	}
	if n[0] < 0 {
		if rerr != nil {
			return nil, fmt.Errorf("checkpoint: %w", rerr)
		}
		return nil, fmt.Errorf("checkpoint: rank %d could not read %s", root, path)
	}
	buf := make([]float64, (int(n[0])+7)/8)
	if c.Rank() == root {
		buf = PackBytes(buf[:0], raw)
	}
	if err := c.Bcast(buf, root); err != nil {
		return nil, fmt.Errorf("checkpoint: load: %w", err)
	}
	if c.Rank() != root {
		var err error
		if raw, err = UnpackBytes(buf, int(n[0])); err != nil {
			return nil, err
		}
	}
	s, err := Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s refused: %w", path, err)
	}
	return s, nil
}

// RankWalkers returns the walker blobs of one rank.
func (s *State) RankWalkers(rank int) ([][]byte, error) {
	lo, hi := rank*s.WalkersPerRank, (rank+1)*s.WalkersPerRank
	if rank < 0 || hi > len(s.Walkers) {
		return nil, fmt.Errorf("checkpoint: no walkers for rank %d (%d stored, %d per rank)", rank, len(s.Walkers), s.WalkersPerRank)
	}
	return s.Walkers[lo:hi], nil
}
