package config

// Builders of the wave functions of particles in a trap. They read the
// particle number, dimension, trap and interaction from the [system]
// table, not from a Hamiltonian, so that the Hamiltonian's form can change
// without touching them.

import (
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// hardSphere is the hard-sphere radius, 0 without hard spheres.
func (c *Config) hardSphere() float64 {
	if c.System.Interaction == "hard-sphere" {
		return c.System.Radius
	}
	return 0
}

// buildGaussian is Ψ = exp(−α Σ(x² + y² + βz²)) with α variational and β
// fixed, times the hard-sphere Jastrow factor Π(1 − a/r_ij) when
// system.interaction = "hard-sphere", and times a Padé–Jastrow factor when
// wavefunction.jastrow = "pade".
func buildGaussian(c *Config, _ *rand.Rand) (wavefunc.Model, error) {
	w := c.Wavefunction
	if !(w.Alpha > 0) {
		return nil, c.KeyError("wavefunction.alpha", w.Alpha, "the Gaussian needs α > 0")
	}
	if !(w.Beta > 0) {
		return nil, c.KeyError("wavefunction.beta", w.Beta, "the Gaussian needs β > 0")
	}
	return c.withJastrow(wavefunc.NewGaussian(c.System.Particles, c.System.Dimensions, w.Alpha, w.Beta))
}

// withJastrow multiplies m by the correlation factors of the
// configuration (jastrowFactors).
func (c *Config) withJastrow(m wavefunc.Model) (wavefunc.Model, error) {
	js, err := c.jastrowFactors()
	if err != nil {
		return nil, err
	}
	return product(append([]wavefunc.Model{m}, js...)), nil
}

// jastrowFactors are the correlation factors every continuous model takes
// from the configuration: the hard-sphere factor Π(1 − a/r_ij) for
// hard-sphere bosons, and the Padé–Jastrow factor when
// wavefunction.jastrow = "pade".
func (c *Config) jastrowFactors() ([]wavefunc.Model, error) {
	w, n, d := c.Wavefunction, c.System.Particles, c.System.Dimensions
	var ms []wavefunc.Model
	if a := c.hardSphere(); a > 0 {
		ms = append(ms, wavefunc.NewHardSphereJastrow(n, d, a))
	}
	switch w.Jastrow {
	case "none":
	case "pade":
		switch {
		case n < 2:
			return nil, c.KeyError("wavefunction.jastrow", quote(w.Jastrow),
				fmt.Sprintf("a Jastrow factor needs interaction partners, but system.particles = %d", n))
		case d < 2:
			return nil, c.KeyError("wavefunction.jastrow", quote(w.Jastrow), "the Padé cusp is defined in 2 and 3 dimensions, not system.dimensions = 1")
		case !(w.JastrowBeta >= 0):
			return nil, c.KeyError("wavefunction.jastrow_beta", w.JastrowBeta, "the Padé β must be ≥ 0")
		}
		ms = append(ms, wavefunc.NewPade(n, d, w.JastrowBeta))
	default:
		return nil, c.KeyError("wavefunction.jastrow", quote(w.Jastrow), `want "none" or "pade"`)
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

// checkInitScale refuses a negative scale of random initial weights.
func (c *Config) checkInitScale() error {
	if w := c.Wavefunction; !(w.InitScale >= 0) {
		return c.KeyError("wavefunction.init_scale", w.InitScale, "the scale of the random initial weights must be ≥ 0")
	}
	return nil
}

// buildRBM is the Gaussian-binary RBM with wavefunction.hidden hidden
// units and visible variance wavefunction.sigma2, its weights drawn from
// N(0, init_scale²), times a Padé–Jastrow factor when wavefunction.jastrow
// = "pade". With sampler.kind = "gibbs" it is the Ψ = √F variant that the
// Gibbs chain samples exactly (then σ² = 1/(2ω) is the non-interacting
// optimum, not 1/ω), and it must stand alone.
func buildRBM(c *Config, rng *rand.Rand) (wavefunc.Model, error) {
	w := c.Wavefunction
	if w.Hidden <= 0 {
		return nil, c.KeyError("wavefunction.hidden", w.Hidden, "the RBM needs at least 1 hidden unit")
	}
	if !(w.Sigma2 >= 0) {
		return nil, c.KeyError("wavefunction.sigma2", w.Sigma2, "the RBM's visible variance σ² must be > 0 (0: 1/ω, the trap's)")
	}
	if err := c.checkInitScale(); err != nil {
		return nil, err
	}
	r := wavefunc.NewRBM(c.System.Particles, c.System.Dimensions, w.Hidden, c.RBMSigma2())
	r.Randomize(w.InitScale, rng)
	if c.Sampler.Kind == "gibbs" {
		if w.Jastrow != "none" {
			return nil, c.KeyError("wavefunction.jastrow", quote(w.Jastrow),
				`sampler.kind = "gibbs" samples the bare RBM's distribution; use "none" or another sampler`)
		}
		if c.hardSphere() > 0 {
			return nil, c.KeyError("sampler.kind", quote(c.Sampler.Kind),
				"Gibbs sampling cannot respect hard spheres; use \"metropolis\" or \"importance\"")
		}
		r.Sqrt = true
		return r, nil
	}
	return c.withJastrow(r)
}

// buildFFNN is the feed-forward network ln Ψ = NN(x) − envelope·|x|²/2 of
// wavefunction.layers (every width from the input N·d to the output 1),
// wavefunction.activation and wavefunction.envelope, its weights drawn
// with scale wavefunction.init_scale, times a Padé–Jastrow factor when
// wavefunction.jastrow = "pade".
func buildFFNN(c *Config, rng *rand.Rand) (wavefunc.Model, error) {
	w, n, d := c.Wavefunction, c.System.Particles, c.System.Dimensions
	nd := n * d
	ly := w.Layers
	const shape = "layers lists every width from the input N·d to the output 1, e.g. [%d, 16, 16, 1]"
	switch {
	case len(ly) < 2:
		return nil, c.KeyError("wavefunction.layers", ly, fmt.Sprintf(shape, nd))
	case ly[0] != nd:
		return nil, c.KeyError("wavefunction.layers", ly,
			fmt.Sprintf("the input width %d does not match particles×dimensions = %d×%d = %d (%s)", ly[0], n, d, nd, fmt.Sprintf(shape, nd)))
	case ly[len(ly)-1] != 1:
		return nil, c.KeyError("wavefunction.layers", ly, fmt.Sprintf("the output width must be 1 (%s)", fmt.Sprintf(shape, nd)))
	}
	for l, n := range ly {
		if n <= 0 {
			return nil, c.KeyError("wavefunction.layers", ly, fmt.Sprintf("width %d of layer %d must be > 0", n, l))
		}
	}
	if !oneOf(w.Activation, wavefunc.Activations...) {
		return nil, c.KeyError("wavefunction.activation", quote(w.Activation), "want one of "+quoteAll(wavefunc.Activations))
	}
	if !(w.Envelope >= 0) && w.Envelope != FollowTrap {
		return nil, c.KeyError("wavefunction.envelope", w.Envelope, "the Gaussian envelope's coefficient must be ≥ 0 (0: none, −1: ω, the trap's)")
	}
	if err := c.checkInitScale(); err != nil {
		return nil, err
	}
	if c.Sampler.Kind == "gibbs" {
		return nil, c.KeyError("sampler.kind", quote(c.Sampler.Kind), `Gibbs sampling needs wavefunction.kind = "rbm"`)
	}
	nn, err := wavefunc.NewFFNN(n, d, ly, w.Activation, c.FFNNEnvelope())
	if err != nil {
		return nil, fmt.Errorf("%s: wavefunction: %w", c.Source, err)
	}
	nn.Randomize(w.InitScale, rng)
	return c.withJastrow(nn)
}
