package main

import (
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

func init() { registerModel("gaussian", buildGaussian) }

// buildGaussian is Ψ = exp(−α Σ(x² + y² + βz²)) with α variational and β
// fixed, times the hard-sphere Jastrow factor Π(1 − a/r_ij) when
// system.interaction = "hard-sphere", and times a Padé–Jastrow factor when
// wavefunction.jastrow = "pade".
func buildGaussian(cfg *Config, h *hamiltonian.Continuous, _ *rand.Rand) (wavefunc.Model, error) {
	w := cfg.Wavefunction
	if !(w.Alpha > 0) {
		return nil, cfg.keyError("wavefunction.alpha", w.Alpha, "the Gaussian needs α > 0")
	}
	if !(w.Beta > 0) {
		return nil, cfg.keyError("wavefunction.beta", w.Beta, "the Gaussian needs β > 0")
	}
	ms := []wavefunc.Model{wavefunc.NewGaussian(h.N, h.D, w.Alpha, w.Beta)}
	if h.HardSphere > 0 {
		ms = append(ms, wavefunc.NewHardSphereJastrow(h.N, h.D, h.HardSphere))
	}
	switch w.Jastrow {
	case "none":
	case "pade":
		if h.N < 2 || h.D < 2 {
			return nil, cfg.keyError("wavefunction.jastrow", quote(w.Jastrow), "the Padé factor needs system.particles ≥ 2 and system.dimensions 2 or 3")
		}
		if !(w.JastrowBeta >= 0) {
			return nil, cfg.keyError("wavefunction.jastrow_beta", w.JastrowBeta, "the Padé β must be ≥ 0")
		}
		ms = append(ms, wavefunc.NewPade(h.N, h.D, w.JastrowBeta))
	default:
		return nil, cfg.keyError("wavefunction.jastrow", quote(w.Jastrow), `want "none" or "pade"`)
	}
	if len(ms) == 1 {
		return ms[0], nil
	}
	return wavefunc.NewProduct(ms...), nil
}
