package config

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/output"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// launchInfo is what result.json records of the launch: when this
// process's part of the run began, on how many hosts.
type launchInfo struct {
	started time.Time
	hosts   int
}

// measureLaunch notes the start time and counts the distinct host names
// of the ranks (collective: every rank's name is gathered on rank 0,
// which alone writes result.json).
func (j *Job) measureLaunch() error {
	j.launch.started = time.Now()
	name, err := os.Hostname()
	if err != nil {
		name = "unknown"
	}
	all, err := checkpoint.GatherBlobs(j.Comm, [][]byte{[]byte(name)}, 0)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, b := range all {
		seen[string(b)] = true
	}
	j.launch.hosts = len(seen)
	return nil
}

// Threads is the number of walker goroutines a rank runs at once: its
// walkers, bounded by GOMAXPROCS.
func (j *Job) Threads() int {
	w := j.Options.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return min(w, j.Options.Walkers)
}

// withMetadata adds to r what describes the run besides its numbers:
// the model's parameter blocks, the units, and the volatile part (version,
// times, hosts and threads).
func (j *Job) withMetadata(r output.Result) output.Result {
	r.Model, r.Shapes = ParamShapes(j.System)
	r.Units = j.Config.Units()
	end := time.Now()
	start := j.launch.started
	if start.IsZero() {
		start = end
	}
	r.Run = output.NewRunInfo(start, end, end.Sub(start).Seconds())
	r.Run.Hosts, r.Run.Threads = j.launch.hosts, j.Threads()
	return r
}

// Units are the units of a run's energies and lengths: Hartree atomic
// units for particles in a trap (the trap's ħω is ω hartree), the unit of
// system.coupling and the lattice spacing for spin lattices.
func (c *Config) Units() *output.Units {
	if c.System.Model == "continuous" {
		return &output.Units{Energy: "hartree", Length: "bohr"}
	}
	return &output.Units{Energy: "J (the unit of system.coupling and system.field)", Length: "lattice spacing"}
}

// ParamShapes names the wave function of sys by its factors ("rbm×pade")
// and splits its flat parameter vector into named blocks with shapes, in
// order ("rbm.a" [M], "rbm.b" [H], "rbm.W" [M, H], "pade.beta" [1]). A
// model it does not know is one block "theta" [P]; so is any model whose
// blocks would not add up to its parameter count.
func ParamShapes(sys vmc.System) (model string, blocks []output.ParamShape) {
	var m any
	switch s := sys.(type) {
	case *vmc.Continuous:
		m = s.Model
	case *vmc.GibbsContinuous:
		m = s.Model
	case *vmc.Lattice:
		m = s.Model
	}
	names, blocks := modelShapes(m)
	model = strings.Join(names, "×")
	total := 0
	for _, b := range blocks {
		total += b.Size()
	}
	if model == "" || total != sys.NumParams() {
		if model == "" {
			model = "unknown"
		}
		blocks = []output.ParamShape{{Name: "theta", Shape: []int{sys.NumParams()}}}
	}
	return model, blocks
}

// productShapes are the names and blocks of a product's factors in order,
// or nothing when one factor is unknown.
func productShapes(factors []any) ([]string, []output.ParamShape) {
	var names []string
	var blocks []output.ParamShape
	for _, f := range factors {
		n, b := modelShapes(f)
		if n == nil {
			return nil, nil
		}
		names = append(names, n...)
		blocks = append(blocks, b...)
	}
	return names, blocks
}

// modelShapes are the factor names and parameter blocks of model m, or
// nothing for a model it does not know.
func modelShapes(m any) ([]string, []output.ParamShape) {
	block := func(prefix string, kv ...any) []output.ParamShape {
		var out []output.ParamShape
		for i := 0; i < len(kv); i += 2 {
			out = append(out, output.ParamShape{Name: prefix + "." + kv[i].(string), Shape: kv[i+1].([]int)})
		}
		return out
	}
	switch w := m.(type) {
	case *wavefunc.Product:
		fs := make([]any, len(w.Factors()))
		for k, f := range w.Factors() {
			fs[k] = f
		}
		return productShapes(fs)
	case *wavefunc.Gaussian:
		return []string{"gaussian"}, block("gaussian", "alpha", []int{1})
	case *wavefunc.Pade:
		return []string{"pade"}, block("pade", "beta", []int{1})
	case *wavefunc.Slater:
		return []string{"slater"}, block("slater", "alpha", []int{1})
	case *wavefunc.HardSphereJastrow:
		return []string{"hardsphere"}, nil
	case *wavefunc.RBM:
		v, h := w.Particles()*w.Dims(), w.Hidden()
		return []string{"rbm"}, block("rbm", "a", []int{v}, "b", []int{h}, "W", []int{v, h})
	case *wavefunc.SpinRBM:
		n := w.Sites()
		if w.Symmetric() {
			// 1 + F + F·N independent parameters: a shared a, and per
			// feature a bias and N weights.
			f := (w.NumParams() - 1) / (n + 1)
			return []string{"rbm-spin-sym"}, block("rbm", "a", []int{1}, "b", []int{f}, "w", []int{f, n})
		}
		return []string{"rbm-spin"}, block("rbm", "a", []int{n}, "b", []int{w.Hidden()}, "W", []int{n, w.Hidden()})
	case *wavefunc.ProjectedSpin:
		// The inner model's parameters and names: a projection adds none,
		// so -init moves parameters between projected and plain runs.
		return modelShapes(w.Inner())
	case *wavefunc.SpinProduct:
		fs := make([]any, len(w.Factors()))
		for k, f := range w.Factors() {
			fs[k] = f
		}
		return productShapes(fs)
	case *wavefunc.SpinJastrow:
		return []string{"jastrow-pair"}, block("jastrow", "v", []int{w.NumParams()})
	case *wavefunc.SpinPairProduct:
		return []string{"pair-product"}, block("pairs", "f", []int{w.NumParams()})
	case *wavefunc.ComplexSpinRBM:
		// Real parts of the complex a, b, W (or a, b_f, w_f), then their
		// imaginary parts.
		n := w.Sites()
		if w.Symmetric() {
			f := (w.NumParams()/2 - 1) / (n + 1)
			return []string{"rbm-spin-complex"}, block("rbm", "re_a", []int{1}, "re_b", []int{f}, "re_w", []int{f, n},
				"im_a", []int{1}, "im_b", []int{f}, "im_w", []int{f, n})
		}
		h := w.Hidden()
		return []string{"rbm-spin-complex"}, block("rbm", "re_a", []int{n}, "re_b", []int{h}, "re_W", []int{n, h},
			"im_a", []int{n}, "im_b", []int{h}, "im_W", []int{n, h})
	case *wavefunc.FFNN:
		var kv []any
		ls := w.Layers()
		for l := 1; l < len(ls); l++ {
			kv = append(kv, "W"+strconv.Itoa(l), []int{ls[l], ls[l-1]}, "b"+strconv.Itoa(l), []int{ls[l]})
		}
		return []string{"ffnn"}, block("ffnn", kv...)
	case *wavefunc.DeepSet:
		k, h := w.Features(), w.Hidden()
		return []string{"deepset"}, block("deepset", "A", []int{3 * k}, "B", []int{3 * k}, "S", []int{2 * k},
			"L", []int{3 * k}, "U", []int{h, 3 * k}, "c", []int{h}, "w", []int{h})
	case *wavefunc.Backflow:
		return []string{"backflow"}, block("backflow", "alpha", []int{w.Shells()},
			"a_par", []int{1}, "b_par", []int{1}, "a_anti", []int{1}, "b_anti", []int{1})
	}
	return nil, nil
}
