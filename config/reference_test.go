package config

import (
	"strings"
	"testing"
)

// output.reference is optional: unset by default, a finite energy when
// set, and it survives the checkpoint's flat form.
func TestOutputReference(t *testing.T) {
	cfg, err := Load("../configs/bosons-2d.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Output.Reference != nil {
		t.Fatalf("reference %v by default", *cfg.Output.Reference)
	}
	flat, err := cfg.Flatten()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := flat["output.reference"]; ok {
		t.Error("an unset reference is listed in the flat form")
	}
	cfg, err = Load("../configs/bosons-2d.toml", []string{"output.reference=2.0001"})
	if err != nil || cfg.Output.Reference == nil || *cfg.Output.Reference != 2.0001 {
		t.Fatalf("set reference: %+v, %v", cfg.Output.Reference, err)
	}
	if flat, err = cfg.Flatten(); err != nil || flat["output.reference"] != "2.0001" {
		t.Fatalf("flat reference %q, %v", flat["output.reference"], err)
	}
	back, err := FromFlat(flat, "checkpoint")
	if err != nil || back.Output.Reference == nil || *back.Output.Reference != 2.0001 {
		t.Fatalf("restored reference: %v", err)
	}
	for _, bad := range []string{"nan", "inf", "-inf"} {
		_, err := Load("../configs/bosons-2d.toml", []string{"output.reference=" + bad})
		if err == nil || !strings.Contains(err.Error(), "output.reference") || !strings.Contains(err.Error(), "finite") {
			t.Errorf("reference %s: %v", bad, err)
		}
	}
}
