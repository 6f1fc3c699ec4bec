// Package repotest locates the module root and the data kept beside it,
// for tests that read files outside their own package directory.
package repotest

import (
	"os"
	"path/filepath"
	"testing"
)

// root returns the nearest directory at or above the working directory
// that holds go.mod, or "" when there is none.
func root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
}

// Root returns the module root (the directory holding go.mod) and stops
// the test when it cannot be found.
func Root(t testing.TB) string {
	t.Helper()
	dir := root(t)
	if dir == "" {
		t.Fatal("go.mod not found above the test directory")
	}
	return dir
}

// AMEDir returns ../shared/data/ame relative to the module root, where the
// AME atomic mass tables are kept, or skips the test when it is absent.
func AMEDir(t testing.TB) string {
	t.Helper()
	dir := root(t)
	if dir == "" {
		t.Skip("AME data: module root (go.mod) not found above the test directory")
	}
	ame := filepath.Join(dir, "..", "shared", "data", "ame")
	if _, err := os.Stat(ame); err != nil {
		t.Skipf("AME data absent: %s not found (download the AME2016/AME2020 mass tables there to run this test)", ame)
	}
	return ame
}
