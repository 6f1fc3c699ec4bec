package output

import (
	"fmt"
	"runtime/debug"
	"time"
)

// ParamShape names one block of a model's flat parameter vector and its
// shape: "rbm.W" of shape [M, H] holds M·H values, row-major. The blocks
// follow each other in the order of the flat vector.
type ParamShape struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

// Size is the number of values of the block.
func (p ParamShape) Size() int {
	n := 1
	for _, s := range p.Shape {
		n *= s
	}
	return n
}

// FormatShapes prints blocks as "rbm.a[4] rbm.b[4] rbm.W[4×4]" (for
// messages).
func FormatShapes(blocks []ParamShape) string {
	s := ""
	for i, b := range blocks {
		if i > 0 {
			s += " "
		}
		s += b.Name + "["
		for k, d := range b.Shape {
			if k > 0 {
				s += "×"
			}
			s += fmt.Sprint(d)
		}
		s += "]"
	}
	return s
}

// Units names the units of a run's numbers.
type Units struct {
	Energy string `json:"energy"`
	Length string `json:"length"`
}

// RunInfo is the part of result.json that differs between two runs that
// compute the same numbers: the program's version and the run's times.
// internal/samecheck ignores exactly this object.
type RunInfo struct {
	// Version is the main module's version ("(devel)" for a build from a
	// checkout), Revision and Modified the VCS commit and whether the
	// work tree had changes, Go the toolchain.
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	// Started and Finished are RFC 3339 times (UTC) of this process's
	// part of the run (a resumed run's own start); WallSeconds is the
	// wall-clock time of all parts, resumptions included.
	Started     string  `json:"started"`
	Finished    string  `json:"finished"`
	WallSeconds float64 `json:"wall_seconds"`
	// Hosts is the number of nodes the ranks ran on, Threads the walker
	// goroutines a rank ran at once: where the run ran, not what it
	// computed (results are the same for any thread count).
	Hosts   int `json:"hosts,omitempty"`
	Threads int `json:"threads,omitempty"`
}

// NewRunInfo describes this program (from its build information) and a
// run that started at start and finished at end, wall seconds in all.
func NewRunInfo(start, end time.Time, wall float64) *RunInfo {
	ri := &RunInfo{Version: "unknown", Go: "unknown",
		Started: start.UTC().Format(time.RFC3339), Finished: end.UTC().Format(time.RFC3339), WallSeconds: wall}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ri
	}
	ri.Version, ri.Go = bi.Main.Version, bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			ri.Revision = s.Value
		case "vcs.modified":
			ri.Modified = s.Value == "true"
		}
	}
	return ri
}
