package main

import (
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

func init() { registerModel("slater", buildSlater) }

// buildSlater is the closed-shell Slater determinant of Hermite-function
// orbitals for electrons in an isotropic dot, wavefunction.alpha its
// orbital scale (α = ω is the non-interacting ground state), times the
// Padé–Jastrow factor when wavefunction.jastrow = "pade" and times a
// network factor when wavefunction.network = "rbm" or "ffnn" (built from
// the same keys as kind = "rbm" and "ffnn": hidden, sigma2, layers,
// activation, envelope, init_scale). The network multiplies in its own
// Gaussian part, −|x|²/(2σ²) for the RBM and −envelope·|x|²/2 for the
// FFNN: a large sigma2 or envelope = 0 keeps the confinement in the
// determinant. Neither network is symmetric under the exchange of two
// same-spin electrons, so the product is antisymmetric only as far as the
// trained network is symmetric: its energy is bounded below by the
// Hamiltonian's bosonic ground state, not the fermionic one.
func buildSlater(cfg *Config, h *hamiltonian.Continuous, rng *rand.Rand) (wavefunc.Model, error) {
	w := cfg.Wavefunction
	switch {
	case h.HardSphere > 0:
		return nil, cfg.keyError("system.interaction", quote(cfg.System.Interaction),
			`a Slater determinant describes electrons; hard spheres are bosons (use wavefunction.kind = "gaussian")`)
	case h.Elliptical:
		return nil, cfg.keyError("system.trap", quote(cfg.System.Trap), "the Slater orbitals are those of the isotropic (\"harmonic\") trap")
	case cfg.Sampler.Kind == "gibbs":
		return nil, cfg.keyError("sampler.kind", quote(cfg.Sampler.Kind), `Gibbs sampling needs wavefunction.kind = "rbm"; use "metropolis" or "importance"`)
	case !(w.Alpha > 0):
		return nil, cfg.keyError("wavefunction.alpha", w.Alpha, "the orbital scale α must be > 0 (α = ω without interaction)")
	}
	sl, err := wavefunc.NewSlater(h.N, h.D, w.Alpha)
	if err != nil {
		return nil, cfg.keyError("system.particles", h.N, err.Error())
	}
	ms := []wavefunc.Model{sl}
	switch w.Jastrow {
	case "none":
	case "pade":
		switch {
		case h.D < 2:
			return nil, cfg.keyError("wavefunction.jastrow", quote(w.Jastrow), "the Padé cusp is defined in 2 and 3 dimensions, not system.dimensions = 1")
		case !(w.JastrowBeta >= 0):
			return nil, cfg.keyError("wavefunction.jastrow_beta", w.JastrowBeta, "the Padé β must be ≥ 0")
		}
		ms = append(ms, wavefunc.NewPade(h.N, h.D, w.JastrowBeta))
	default:
		return nil, cfg.keyError("wavefunction.jastrow", quote(w.Jastrow), `want "none" or "pade"`)
	}
	// The network builders validate their own keys; they see no Jastrow
	// factor so that the Padé factor enters once, above.
	bare := *cfg
	bare.Wavefunction.Jastrow = "none"
	var net wavefunc.Model
	switch w.Network {
	case "none":
	case "rbm":
		net, err = buildRBM(&bare, h, rng)
	case "ffnn":
		net, err = buildFFNN(&bare, h, rng)
	default:
		return nil, cfg.keyError("wavefunction.network", quote(w.Network), `want "none", "rbm" or "ffnn"`)
	}
	if err != nil {
		return nil, err
	}
	if net != nil {
		ms = append(ms, net)
	}
	if len(ms) == 1 {
		return sl, nil
	}
	return wavefunc.NewProduct(ms...), nil
}
