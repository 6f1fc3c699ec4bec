package sampler

import (
	"encoding/binary"
	"fmt"
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
