package generative

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigs decodes every example configuration strictly.
func TestConfigs(t *testing.T) {
	files, _ := filepath.Glob("../configs/ising/*.toml")
	if len(files) < 3 {
		t.Fatalf("found %d configurations", len(files))
	}
	for _, f := range files {
		if _, err := LoadConfig(f); err != nil {
			t.Error(err)
		}
	}
	c, err := LoadConfig("../configs/ising/ising-8.toml")
	if err != nil {
		t.Fatal(err)
	}
	if ts := c.Temps(); len(ts) != 16 || ts[0] != 1 || ts[15] != 3.5 {
		t.Errorf("temperatures %v", ts)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"[model]\nlenght = 4\n", "unknown key model.lenght"},
		{"[model]\nkind = \"xy\"\n", "model.kind"},
		{"[model]\ntemperatures = [1.0]\nn_t = 3\n", "not both"},
		{"[model]\nkind = \"potts\"\nn_t = 2\nt_min = 1.0\nt_max = 2.0\n", "rbm.hidden"},
		{"[model]\nn_t = 2\nt_min = 1.0\nt_max = 2.0\n[rbm]\noptimizer = \"lbfgs\"\n", "rbm.optimizer"},
		{"[model]\nn_t = 2\nt_min = 0.0\nt_max = 2.0\n", "temperature 1 is 0"},
	} {
		_, err := ParseConfig("x.toml", c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "x.toml") {
			t.Errorf("%q: %v, want x.toml: … %s", c.text, err, c.want)
		}
	}
}
