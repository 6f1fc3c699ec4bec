package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeAtomic writes data to a temporary file in the same directory,
// syncs it and renames it over path, so readers never see half a file.
func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	return nil
}
