package config

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/comm"
)

// FromCheckpoint is the configuration stored in the checkpoint of the run
// directory dir (DIR/checkpoint.bin, or for a finished run the state at
// the end of its optimisation, DIR/optimised/checkpoint.bin; collective:
// rank 0 reads, every rank gets it), with the
// overrides sets ("key=value") applied and validated: what `vmcmpi run
// -resume DIR` continues when given no -config.
func FromCheckpoint(c comm.Comm, dir string, sets []string) (*Config, error) {
	path, err := checkpointFile(c, dir)
	if err != nil {
		return nil, err
	}
	st, err := checkpoint.Load(c, path, 0)
	if err != nil {
		return nil, fmt.Errorf("%w (a resume without -config reads the configuration from the checkpoint)", err)
	}
	cfg, err := FromFlat(st.Config, "the configuration in "+path)
	if err != nil {
		return nil, err
	}
	for _, kv := range sets {
		if err := cfg.Set(kv); err != nil {
			return nil, err
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}
