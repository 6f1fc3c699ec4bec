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
func buildGaussian(cfg *Config, h *hamiltonian.Trap, _ *rand.Rand) (wavefunc.Model, error) {
	w := cfg.Wavefunction
	if !(w.Alpha > 0) {
		return nil, cfg.keyError("wavefunction.alpha", w.Alpha, "the Gaussian needs α > 0")
	}
	if !(w.Beta > 0) {
		return nil, cfg.keyError("wavefunction.beta", w.Beta, "the Gaussian needs β > 0")
	}
	js, err := jastrowFactors(cfg, h)
	if err != nil {
		return nil, err
	}
	return product(append([]wavefunc.Model{wavefunc.NewGaussian(h.N, h.D, w.Alpha, w.Beta)}, js...)), nil
}
