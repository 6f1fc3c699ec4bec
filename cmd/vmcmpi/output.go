package main

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/checkpoint"
)

// writeAtomic writes an output file through the one atomic writer (fsynced
// file and directory), so readers never see half a file.
func writeAtomic(path string, data []byte) error {
	if err := checkpoint.WriteAtomic(path, data); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}
