package stricttoml

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	type cfg struct {
		A int     `toml:"a"`
		B float64 `toml:"b"`
	}
	c := cfg{A: 1, B: 2}
	if _, err := Decode([]byte("b = 3\n"), "f.toml", &c, "see docs"); err != nil || c.A != 1 || c.B != 3 {
		t.Fatalf("got %+v, %v; want A kept at 1, B = 3", c, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"a = 1\nzz = 2\n", "f.toml: unknown key zz (see docs)"},
		{"a = \n", "f.toml: line 1"},
		{"a = \"x\"\n", "f.toml:"},
	} {
		_, err := Decode([]byte(tc.in), "f.toml", &c, "see docs")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.in, err, tc.want)
		}
	}
}
