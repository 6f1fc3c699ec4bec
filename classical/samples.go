package classical

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
)

// EncodeSamples writes configurations of n sites, one per line as the digits
// of their Potts values (0/1 for Ising).
func EncodeSamples(configs []uint8, n int) []byte {
	if n <= 0 || len(configs)%n != 0 {
		panic("classical: EncodeSamples length is not a multiple of the sites")
	}
	out := make([]byte, 0, len(configs)+len(configs)/n)
	for i := 0; i < len(configs); i += n {
		for _, s := range configs[i : i+n] {
			out = append(out, '0'+s)
		}
		out = append(out, '\n')
	}
	return out
}

// ReadSamples reads a file written from EncodeSamples and returns the
// configurations and the sites per line. Every line must have the same
// length and only digits below q; an empty file is an error.
func ReadSamples(path string, q int) ([]uint8, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	return ParseSamples(path, b, q)
}

// ParseSamples is ReadSamples on data already read; name labels errors.
func ParseSamples(name string, b []byte, q int) ([]uint8, int, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	var out []uint8
	n, line := 0, 0
	for sc.Scan() {
		line++
		t := bytes.TrimSpace(sc.Bytes())
		if len(t) == 0 {
			continue
		}
		if n == 0 {
			n = len(t)
		} else if len(t) != n {
			return nil, 0, fmt.Errorf("%s:%d: %d sites, want %d as on the first line", name, line, len(t), n)
		}
		for col, ch := range t {
			if ch < '0' || int(ch-'0') >= q {
				return nil, 0, fmt.Errorf("%s:%d:%d: %q is not a spin value 0…%d", name, line, col+1, ch, q-1)
			}
			out = append(out, ch-'0')
		}
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("%s: no configurations (empty data file)", name)
	}
	return out, n, nil
}
