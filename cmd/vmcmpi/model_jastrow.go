package main

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// jastrowFactors are the correlation factors every continuous model takes
// from the configuration: the hard-sphere factor Π(1 − a/r_ij) for
// hard-sphere bosons, and the Padé–Jastrow factor when
// wavefunction.jastrow = "pade".
func jastrowFactors(cfg *Config, h *hamiltonian.Trap) ([]wavefunc.Model, error) {
	w := cfg.Wavefunction
	var ms []wavefunc.Model
	if h.HardSphere > 0 {
		ms = append(ms, wavefunc.NewHardSphereJastrow(h.N, h.D, h.HardSphere))
	}
	switch w.Jastrow {
	case "none":
	case "pade":
		switch {
		case h.N < 2:
			return nil, cfg.keyError("wavefunction.jastrow", quote(w.Jastrow),
				fmt.Sprintf("a Jastrow factor needs interaction partners, but system.particles = %d", h.N))
		case h.D < 2:
			return nil, cfg.keyError("wavefunction.jastrow", quote(w.Jastrow), "the Padé cusp is defined in 2 and 3 dimensions, not system.dimensions = 1")
		case !(w.JastrowBeta >= 0):
			return nil, cfg.keyError("wavefunction.jastrow_beta", w.JastrowBeta, "the Padé β must be ≥ 0")
		}
		ms = append(ms, wavefunc.NewPade(h.N, h.D, w.JastrowBeta))
	default:
		return nil, cfg.keyError("wavefunction.jastrow", quote(w.Jastrow), `want "none" or "pade"`)
	}
	return ms, nil
}

// product is the single model of ms, or their product.
func product(ms []wavefunc.Model) wavefunc.Model {
	if len(ms) == 1 {
		return ms[0]
	}
	return wavefunc.NewProduct(ms...)
}
