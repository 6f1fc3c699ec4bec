package config

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// InitParams are the parameters of an earlier run, for a warm start
// (vmcmpi run -init FILE): the optimisation starts from them instead of
// the configured initial values; the optimiser's own state (Adam's
// moments) starts afresh, so the run is not a continuation of the
// earlier one (Job.Resume is).
type InitParams struct {
	Path   string
	Params []float64
	// Model and Shapes are the earlier run's wave function and parameter
	// blocks as its result.json records them; empty for a parameters.json
	// or an older result.json, which are checked by count alone.
	Model  string
	Shapes []output.ParamShape
}

// ReadInit reads the parameters of a result.json or parameters.json.
func ReadInit(path string) (*InitParams, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-init: %w", err)
	}
	var doc struct {
		Parameters []float64           `json:"parameters"`
		Model      string              `json:"model"`
		Shapes     []output.ParamShape `json:"parameter_shapes"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("-init %s: %w (want a result.json or parameters.json of vmcmpi run)", path, err)
	}
	if doc.Parameters == nil {
		return nil, fmt.Errorf("-init %s: no \"parameters\" list (want a result.json or parameters.json of vmcmpi run)", path)
	}
	for i, p := range doc.Parameters {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("-init %s: parameter %d is %g", path, i, p)
		}
	}
	return &InitParams{Path: path, Params: doc.Parameters, Model: doc.Model, Shapes: doc.Shapes}, nil
}

// Apply checks that the parameters fit sys — the same wave function and
// parameter blocks when the file records them, the same count always —
// and sets them.
func (p *InitParams) Apply(sys vmc.System) error {
	model, shapes := ParamShapes(sys)
	describe := func(model string, shapes []output.ParamShape, n int) string {
		if model == "" {
			return fmt.Sprintf("%d parameters", n)
		}
		return fmt.Sprintf("%s, %s (%d parameters)", model, output.FormatShapes(shapes), n)
	}
	same := len(p.Params) == sys.NumParams()
	if p.Model != "" {
		same = same && p.Model == model && slices.EqualFunc(p.Shapes, shapes, func(a, b output.ParamShape) bool {
			return a.Name == b.Name && slices.Equal(a.Shape, b.Shape)
		})
	}
	if !same {
		return fmt.Errorf("-init %s: its parameters are %s, this run's wave function has %s",
			p.Path, describe(p.Model, p.Shapes, len(p.Params)), describe(model, shapes, sys.NumParams()))
	}
	sys.SetParams(p.Params)
	return nil
}

// BuildInit is Build with the system's parameters taken from init (nil:
// the configured initial values). The configuration's Source then names
// the file, which result.json records.
func BuildInit(c comm.Comm, cfg *Config, init *InitParams) (*Job, error) {
	sys, err := cfg.BuildSystem()
	if err != nil {
		return nil, err
	}
	if init != nil {
		if err := init.Apply(sys); err != nil {
			return nil, err
		}
		cfg.Source += " with -init " + init.Path
	}
	return NewJob(c, cfg, sys)
}
