package sampler

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// A walker record is little-endian: a 4-byte magic naming the walker type,
// the format version (uint32), the number of coordinates or sites, the
// accepted and proposed move counters (uint64 each), the configuration, and
// the PCG state last.
const (
	version   = 1
	headerLen = 32
)

// appendHeader starts a walker record of count coordinates or sites.
func appendHeader(b []byte, magic string, count int, accepted, proposed uint64) []byte {
	b = append(b, magic...)
	b = binary.LittleEndian.AppendUint32(b, version)
	b = binary.LittleEndian.AppendUint64(b, uint64(count))
	b = binary.LittleEndian.AppendUint64(b, accepted)
	return binary.LittleEndian.AppendUint64(b, proposed)
}

// readHeader checks the magic and version of a record of the walker type
// what ("walker", "Gibbs walker", ...) and returns the count, the counters
// and the rest of the record.
func readHeader(b []byte, magic, what string) (count, accepted, proposed uint64, rest []byte, err error) {
	if len(b) < headerLen || string(b[:4]) != magic {
		return 0, 0, 0, nil, fmt.Errorf("sampler: not a %s record", what)
	}
	if v := binary.LittleEndian.Uint32(b[4:]); v != version {
		return 0, 0, 0, nil, fmt.Errorf("sampler: %s record version %d, want %d", what, v, version)
	}
	return binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:]),
		binary.LittleEndian.Uint64(b[24:]), b[headerLen:], nil
}

// marshalContinuous encodes a chain in continuous space: configuration x,
// counters and PCG state.
func marshalContinuous(magic string, x []float64, accepted, proposed uint64, src *rand.PCG) ([]byte, error) {
	b := make([]byte, 0, headerLen+8*len(x)+24)
	b = appendHeader(b, magic, len(x), accepted, proposed)
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return src.AppendBinary(b)
}

// unmarshalContinuous decodes a record written by marshalContinuous for a
// model of nx coordinates and builds the model's state at the restored
// configuration, which must have a finite ln|Ψ|.
func unmarshalContinuous(b []byte, magic, what string, m wavefunc.Model, nx int) (s wavefunc.State, accepted, proposed uint64, src *rand.PCG, err error) {
	n, acc, prop, b, err := readHeader(b, magic, what)
	if err != nil {
		return nil, 0, 0, nil, err
	}
	if n != uint64(nx) {
		return nil, 0, 0, nil, fmt.Errorf("sampler: %s record has %d coordinates, want %d", what, n, nx)
	}
	if uint64(len(b)) < 8*n {
		return nil, 0, 0, nil, fmt.Errorf("sampler: %s record cut short", what)
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	src = new(rand.PCG)
	if err := src.UnmarshalBinary(b[8*n:]); err != nil {
		return nil, 0, 0, nil, fmt.Errorf("sampler: %s RNG state: %w", what, err)
	}
	s = m.NewState(x)
	if lp := s.LogPsi(); math.IsNaN(lp) || math.IsInf(lp, 0) {
		return nil, 0, 0, nil, fmt.Errorf("sampler: restored configuration has ln|Ψ| = %g", lp)
	}
	return s, acc, prop, src, nil
}
