package figures

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// A symbolic link where a picture goes is replaced, not followed: the
// file it points to keeps its contents.
func TestSavePNGReplacesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "energy.png")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if err := savePNG(plot.New(), 4*vg.Centimeter, 3*vg.Centimeter, path); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("energy.png: %v %v", fi, err)
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("energy.png is not a PNG")
	}
}
