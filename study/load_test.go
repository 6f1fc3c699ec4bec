package study

import (
	"strings"
	"testing"
)

// A configuration is read through a size limit: /dev/zero is refused.
func TestLoadRefusesDevZero(t *testing.T) {
	if _, err := Load("/dev/zero", Regress); err == nil || !strings.Contains(err.Error(), "not a TOML configuration") {
		t.Errorf("err = %v", err)
	}
}
