// Package stricttoml decodes the project's TOML configurations strictly:
// a syntax error names the line, and a key the schema lacks is an error
// naming it, so a typo never passes silently as a default. Package config
// (runs) and package study (regression) share it.
package stricttoml

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Decode decodes data over v (so keys it omits keep v's values). name
// labels the messages (a file name, or "-set key"); hint tells the reader
// where the schema is documented.
func Decode(data []byte, name string, v any, hint string) (toml.MetaData, error) {
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return md, fmt.Errorf("%s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return md, fmt.Errorf("%s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return md, fmt.Errorf("%s: unknown key %s (%s)", name, strings.Join(keys, ", "), hint)
	}
	return md, nil
}
