package main

import "github.com/vmcmpi/vmcmpi/output"

// writeAtomic writes an output file through the one atomic writer (fsynced
// file and directory), so readers never see half a file.
func writeAtomic(path string, data []byte) error { return output.WriteFile(path, data) }
