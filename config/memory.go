package config

// The memory a run needs, from its configuration alone, so that a run
// too big for the machine is refused before it allocates anything
// (a Go out-of-memory crash prints pages of stack and no advice).

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// MemoryEstimate is a lower bound on the bytes one rank allocates for the
// run, and what dominates it. It counts the large arrays only: the
// parameters and the optimiser's copies of them, every walker's
// gradient sums and state, the S matrix or the kept O vectors of
// stochastic reconfiguration, and a lattice's couplings. Arithmetic is in
// float64, so absurd sizes give +Inf rather than overflow.
func (c *Config) MemoryEstimate() (bytes float64, dominant string) {
	const f64 = 8
	W := float64(max(c.Sampler.Walkers, 1))
	var np, walker, extra float64 // parameters, per-walker floats, other floats
	var what string
	switch c.System.Model {
	case "continuous":
		n, d := float64(c.System.Particles), float64(c.System.Dimensions)
		m := n * d
		walker = 4*m + n*n // coordinates, gradients, proposals; pair distances
		w := c.Wavefunction
		switch w.Kind {
		case "rbm":
			h := float64(w.Hidden)
			np = m + h + m*h
			walker += 2 * h
			what = fmt.Sprintf("an RBM of %g visible × %g hidden units", m, h)
		case "ffnn":
			var widths float64
			for l := 0; l+1 < len(w.Layers); l++ {
				a, b := float64(w.Layers[l]), float64(w.Layers[l+1])
				np += a*b + b
				widths += b
			}
			walker += 2 * widths * (m + 1)
			what = fmt.Sprintf("a network of layers %v", w.Layers)
		default:
			np = 2
			what = fmt.Sprintf("%g particles", n)
		}
	default:
		sites := float64(c.System.Length)
		if c.System.Lattice == "square" {
			sites *= sites
		}
		h := c.Wavefunction.Alpha * sites
		np = sites + h + sites*h
		if c.Wavefunction.Kind == "rbm-spin-sym" {
			np = c.Wavefunction.Alpha*(sites+1) + 1
		}
		walker = sites/f64 + 2*h // spins (bytes), hidden activations
		if c.Wavefunction.Kind == "rbm-spin-complex" {
			// α features over the space group (8N elements on a square,
			// 2N on a ring), complex: two floats a value.
			group := 2 * sites
			if c.System.Lattice == "square" {
				group = 8 * sites
			}
			h = c.Wavefunction.Alpha * group
			np = 2 * (c.Wavefunction.Alpha*(sites+1) + 1)
			walker = sites/f64 + 6*h + np
		}
		extra = 6 * sites // bonds and their couplings
		what = fmt.Sprintf("a lattice of %g sites with %g hidden units", sites, h)
	}
	if c.Production.Samples > 0 && c.System.Model == "continuous" {
		// Every walker's production observables: the radial density and
		// the energy split, each value with a blocking error bar of
		// log₂(samples per walker) levels (measured: ~19 KB a walker).
		levels := math.Max(1, math.Log2(float64(c.Production.Samples)/W))
		walker += (DensityBins + 6) * 32 * levels
	}
	// Parameters, the last good copy, gradient, force and the optimiser's
	// moments; every walker's Σ O, Σ O², Σ E O.
	floats := np*8 + 3*np*W + walker*W + extra
	if c.GFMC.Steps > 0 && c.System.Model != "continuous" {
		floats += walker * float64(c.GFMC.Walkers) // the projection's population
	}
	if c.Optimizer.Kind == "sr" {
		cg := c.Optimizer.SRSolver == "cg" || (c.Optimizer.SRSolver == "auto" && np > 1000)
		if c.Optimizer.SRSolver == "minsr" {
			// Kept O vectors, all ranks' rows and the M×M Gram matrix on
			// every rank; M counted for one rank (a lower bound).
			m := W * float64(c.Sampler.Samples)
			if c.Wavefunction.Kind == "rbm-spin-complex" {
				m *= 2 // real and imaginary rows stacked
			}
			floats += 2*m*np + m*m
			what += fmt.Sprintf(", whose minSR Gram matrix has %.3g entries per rank", m*m)
		} else if cg {
			floats += W * float64(c.Sampler.Samples) * np // kept O vectors
			if c.Sampler.Samples*c.Sampler.Walkers > 0 && np > 0 {
				what += fmt.Sprintf(", whose matrix-free SR keeps %g O vectors", W*float64(c.Sampler.Samples))
			}
		} else {
			floats += (W + 2) * np * np // per-walker Σ O O, the sum, S
			what += fmt.Sprintf(", whose S matrix has %.3g entries", np*np)
		}
	}
	return floats * f64, fmt.Sprintf("%s (%.3g parameters, %g walkers)", what, np, W)
}

// AvailableMemory is the memory this process may still take, in bytes:
// MemAvailable of /proc/meminfo, lowered to the cgroup's limit minus its
// usage when a limit is set (containers, SLURM's --mem). ok is false
// when neither can be read (not Linux).
func AvailableMemory() (bytes float64, source string, ok bool) {
	if kb, err := meminfoField("/proc/meminfo", "MemAvailable"); err == nil {
		bytes, source, ok = kb*1024, "MemAvailable in /proc/meminfo", true
	}
	for _, lim := range [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},                                 // cgroup v2
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"}, // v1
	} {
		limit, lerr := readNumber(lim[0])
		used, uerr := readNumber(lim[1])
		// v1 reports "no limit" as a huge number.
		if lerr != nil || uerr != nil || limit >= 1<<60 {
			continue
		}
		if free := math.Max(limit-used, 0); !ok || free < bytes {
			bytes, source, ok = free, "the cgroup limit "+lim[0]+" less its usage", true
		}
		break
	}
	return bytes, source, ok
}

// CheckMemory refuses a run whose estimate (MemoryEstimate, times ranks
// on this node) exceeds available bytes, naming both numbers.
func (c *Config) CheckMemory(ranks int, available float64, source string) error {
	need, what := c.MemoryEstimate()
	need *= float64(max(ranks, 1))
	if !(need > available) {
		return nil
	}
	per := ""
	if ranks > 1 {
		per = fmt.Sprintf(" for %d ranks on this node", ranks)
	}
	return fmt.Errorf("%s: the run needs at least %s%s, but only %s are available (%s): %s; "+
		"make it smaller (fewer walkers, parameters or sites) or run on a node with more memory",
		c.Source, FormatBytes(need), per, FormatBytes(available), source, what)
}

// FormatBytes writes n bytes in binary units ("1.5 GiB").
func FormatBytes(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for ; n >= 1024 && i < len(units)-1; i++ {
		n /= 1024
	}
	if math.IsInf(n, 0) || n >= 1024 {
		return fmt.Sprintf("%.3g %s", n, units[i])
	}
	return strconv.FormatFloat(n, 'f', 1, 64) + " " + units[i]
}

func meminfoField(path, key string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && k == key {
			return strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		}
	}
	return 0, fmt.Errorf("%s: no %s", path, key)
}

func readNumber(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
}
