package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

func init() {
	registerModel("rbm", buildRBM)
	registerModel("ffnn", buildFFNN)
	registerContinuousSampler("gibbs", buildGibbsSystem)
}

// buildGibbsSystem samples an RBM (built by buildRBM in its Ψ = √F
// variant) with Gibbs chains, sampler.thin Gibbs sweeps per sample;
// sampler.step is unused.
func buildGibbsSystem(cfg *Config, h *hamiltonian.Trap, m wavefunc.Model) (vmc.System, error) {
	r, ok := m.(*wavefunc.RBM)
	if !ok {
		return nil, cfg.keyError("sampler.kind", quote(cfg.Sampler.Kind), `Gibbs sampling needs wavefunction.kind = "rbm" without a Jastrow factor`)
	}
	p, err := hamiltonian.NewTrap(*h)
	if err != nil {
		return nil, err
	}
	sys, err := vmc.NewGibbsContinuous(p, r, cfg.Sampler.Thin)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Source, err)
	}
	return sys, nil
}

// buildRBM is the Gaussian-binary RBM with wavefunction.hidden hidden
// units and visible variance wavefunction.sigma2, its weights drawn from
// N(0, init_scale²), times a Padé–Jastrow factor when wavefunction.jastrow
// = "pade". With sampler.kind = "gibbs" it is the Ψ = √F variant that the
// Gibbs chain samples exactly (then σ² = 1/(2ω) is the non-interacting
// optimum, not 1/ω), and it must stand alone.
func buildRBM(cfg *Config, h *hamiltonian.Trap, rng *rand.Rand) (wavefunc.Model, error) {
	w := cfg.Wavefunction
	if w.Hidden <= 0 {
		return nil, cfg.keyError("wavefunction.hidden", w.Hidden, "the RBM needs at least 1 hidden unit")
	}
	if !(w.Sigma2 > 0) {
		return nil, cfg.keyError("wavefunction.sigma2", w.Sigma2, "the RBM's visible variance σ² must be > 0")
	}
	if !(w.InitScale >= 0) {
		return nil, cfg.keyError("wavefunction.init_scale", w.InitScale, "the scale of the random initial weights must be ≥ 0")
	}
	r := wavefunc.NewRBM(h.N, h.D, w.Hidden, w.Sigma2)
	r.Randomize(w.InitScale, rng)
	if cfg.Sampler.Kind == "gibbs" {
		if w.Jastrow != "none" {
			return nil, cfg.keyError("wavefunction.jastrow", quote(w.Jastrow),
				`sampler.kind = "gibbs" samples the bare RBM's distribution; use "none" or another sampler`)
		}
		if h.HardSphere > 0 {
			return nil, cfg.keyError("sampler.kind", quote(cfg.Sampler.Kind),
				"Gibbs sampling cannot respect hard spheres; use \"metropolis\" or \"importance\"")
		}
		r.Sqrt = true
		return r, nil
	}
	return withNQSJastrow(cfg, h, r)
}

// buildFFNN is the feed-forward network ln Ψ = NN(x) − envelope·|x|²/2 of
// wavefunction.layers (every width from the input N·d to the output 1),
// wavefunction.activation and wavefunction.envelope, its weights drawn
// with scale wavefunction.init_scale, times a Padé–Jastrow factor when
// wavefunction.jastrow = "pade".
func buildFFNN(cfg *Config, h *hamiltonian.Trap, rng *rand.Rand) (wavefunc.Model, error) {
	w := cfg.Wavefunction
	nd := h.N * h.D
	ly := w.Layers
	const shape = "layers lists every width from the input N·d to the output 1, e.g. [%d, 16, 16, 1]"
	switch {
	case len(ly) < 2:
		return nil, cfg.keyError("wavefunction.layers", ly, fmt.Sprintf(shape, nd))
	case ly[0] != nd:
		return nil, cfg.keyError("wavefunction.layers", ly,
			fmt.Sprintf("the input width %d does not match particles×dimensions = %d×%d = %d (%s)", ly[0], h.N, h.D, nd, fmt.Sprintf(shape, nd)))
	case ly[len(ly)-1] != 1:
		return nil, cfg.keyError("wavefunction.layers", ly, fmt.Sprintf("the output width must be 1 (%s)", fmt.Sprintf(shape, nd)))
	}
	for l, n := range ly {
		if n <= 0 {
			return nil, cfg.keyError("wavefunction.layers", ly, fmt.Sprintf("width %d of layer %d must be > 0", n, l))
		}
	}
	if !oneOf(w.Activation, wavefunc.Activations...) {
		return nil, cfg.keyError("wavefunction.activation", quote(w.Activation), "want one of "+quoteAll(wavefunc.Activations))
	}
	if !(w.Envelope >= 0) {
		return nil, cfg.keyError("wavefunction.envelope", w.Envelope, "the Gaussian envelope's coefficient must be ≥ 0 (0: none)")
	}
	if !(w.InitScale >= 0) {
		return nil, cfg.keyError("wavefunction.init_scale", w.InitScale, "the scale of the random initial weights must be ≥ 0")
	}
	if cfg.Sampler.Kind == "gibbs" {
		return nil, cfg.keyError("sampler.kind", quote(cfg.Sampler.Kind), `Gibbs sampling needs wavefunction.kind = "rbm"`)
	}
	nn, err := wavefunc.NewFFNN(h.N, h.D, ly, w.Activation, w.Envelope)
	if err != nil {
		return nil, fmt.Errorf("%s: wavefunction: %w", cfg.Source, err)
	}
	nn.Randomize(w.InitScale, rng)
	return withNQSJastrow(cfg, h, nn)
}

// withNQSJastrow multiplies m by the Padé–Jastrow factor when asked and by
// the hard-sphere factor for hard-sphere bosons.
func withNQSJastrow(cfg *Config, h *hamiltonian.Trap, m wavefunc.Model) (wavefunc.Model, error) {
	js, err := jastrowFactors(cfg, h)
	if err != nil {
		return nil, err
	}
	return product(append([]wavefunc.Model{m}, js...)), nil
}
