package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// Spin lattices: system.model = "tfim" | "heisenberg" on system.lattice =
// "chain" | "square" of system.length (per side), periodic when
// system.pbc, with J = system.coupling and h = system.field (TFIM).
// The trial state is wavefunction.kind = "rbm-spin" (hidden density
// α = wavefunction.alpha, H = α·N) or "rbm-spin-sym" (α translation-
// symmetric features, periodic lattices only); sampler.kind = "flip" or
// "exchange".
func init() {
	registerLattice(hamiltonian.TFIM, buildSpin)
	registerLattice(hamiltonian.Heisenberg, buildSpin)
}

// maxAlpha bounds the hidden density, so that a typo cannot ask for
// gigabytes of weights.
const maxAlpha = 64

// maxWeights bounds α·N², the RBM's weights (0.8 GB of float64).
const maxWeights = 1e8

// referenceDim is the largest Hilbert-space dimension for which building
// a system also diagonalises it exactly, to print the exact energy next to
// the variational one (a second or so of Lanczos).
const referenceDim = 1 << 18

// spinHamiltonian is the lattice Hamiltonian of the [system] table.
func spinHamiltonian(cfg *Config) (*hamiltonian.Spin, error) {
	s := cfg.System
	lat, err := hamiltonian.NewLattice(s.Lattice, s.Length, s.PBC)
	if err != nil {
		return nil, fmt.Errorf("%s: [system] lattice = %q, length = %d: %w", cfg.Source, s.Lattice, s.Length, err)
	}
	switch s.Model {
	case hamiltonian.TFIM:
		return hamiltonian.NewTFIM(lat, s.Coupling, s.Field)
	case hamiltonian.Heisenberg:
		if !lat.Bipartite() {
			return nil, cfg.keyError("system.length", s.Length,
				fmt.Sprintf("the Heisenberg model on a periodic %s needs an even length (the Marshall sign rule needs a bipartite lattice), or set system.pbc = false", s.Lattice))
		}
		return hamiltonian.NewHeisenberg(lat, s.Coupling, true)
	}
	return nil, cfg.keyError("system.model", quote(s.Model), `want "tfim" or "heisenberg"`)
}

// buildSpin makes the System of a spin-lattice configuration.
func buildSpin(cfg *Config) (vmc.System, error) {
	h, err := spinHamiltonian(cfg)
	if err != nil {
		return nil, err
	}
	w := cfg.Wavefunction
	n := h.N
	if !(w.Alpha > 0) || w.Alpha > maxAlpha {
		return nil, cfg.keyError("wavefunction.alpha", w.Alpha, fmt.Sprintf("the hidden-unit density α must be in (0, %d]", maxAlpha))
	}
	// W has α·N² entries (and the walkers' caches α·N each).
	if float64(n)*float64(n)*w.Alpha > maxWeights {
		return nil, cfg.keyError("system.length", cfg.System.Length,
			fmt.Sprintf("%d sites with α = %g need %.3g weights, more than %g", n, w.Alpha, float64(n)*float64(n)*w.Alpha, float64(maxWeights)))
	}
	var m *wavefunc.SpinRBM
	switch w.Kind {
	case "rbm-spin":
		hidden := w.Alpha * float64(n)
		if math.Abs(hidden-math.Round(hidden)) > 1e-9 {
			return nil, cfg.keyError("wavefunction.alpha", w.Alpha, fmt.Sprintf("α·N must be a whole number of hidden units (N = %d sites)", n))
		}
		m = wavefunc.NewSpinRBM(n, int(math.Round(hidden)))
	case "rbm-spin-sym":
		if w.Alpha != math.Trunc(w.Alpha) {
			return nil, cfg.keyError("wavefunction.alpha", w.Alpha, "the symmetric RBM needs a whole number of features α")
		}
		g, err := h.Lattice.Translations()
		if err != nil {
			return nil, cfg.keyError("wavefunction.kind", quote(w.Kind), "the translation-symmetric RBM needs system.pbc = true")
		}
		m = wavefunc.NewSymmetricSpinRBM(n, int(w.Alpha), g)
	default:
		return nil, cfg.keyError("wavefunction.kind", quote(w.Kind), `spin lattices use "rbm-spin" or "rbm-spin-sym"`)
	}
	if w.InitScale < 0 {
		return nil, cfg.keyError("wavefunction.init_scale", w.InitScale, "must be ≥ 0")
	}
	// The same stream of the seed alone as for continuous models, so
	// every rank starts from the same parameters.
	m.Randomize(w.InitScale, rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6d6f64656c)))

	var set sampler.SpinSettings
	switch cfg.Sampler.Kind {
	case "flip":
		set.Move = sampler.SingleFlip
	case "exchange":
		set.Move = sampler.Exchange
	default:
		return nil, cfg.keyError("sampler.kind", quote(cfg.Sampler.Kind), `spin lattices use "flip" or "exchange"`)
	}
	set.Thin = cfg.Sampler.Thin
	sys, err := vmc.NewLattice(h, m, set)
	if err != nil {
		return nil, fmt.Errorf("%s: [sampler] kind = %q: %w", cfg.Source, cfg.Sampler.Kind, err)
	}
	sys.Reference, sys.HasReference = spinReference(h)
	return sys, nil
}

// spinReference is the exact ground-state energy when it is cheap: the
// closed form of the periodic TFIM chain, or Lanczos for small spaces.
func spinReference(h *hamiltonian.Spin) (float64, bool) {
	if h.Model == hamiltonian.TFIM && h.Lattice.Kind == hamiltonian.Chain && h.Lattice.Periodic && h.N >= 3 {
		if e, err := exact.TFIMChain(h.N, h.Coupling, h.Field); err == nil {
			return e, true
		}
	}
	if dim, _, _ := exact.Need(h, 40); dim == 0 || dim > referenceDim {
		return 0, false
	}
	r, err := exact.GroundState(h, exact.Options{})
	if err != nil {
		return 0, false
	}
	return r.Energy, true
}
