package study

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// decodeStrict decodes TOML data over v (which holds the defaults) and
// refuses keys the schema lacks; name labels every message and hint says
// where the keys are documented. It depends on nothing of this package, so
// the run configuration can share it.
func decodeStrict(data []byte, name string, v any, hint string) (toml.MetaData, error) {
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
