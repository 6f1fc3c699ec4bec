package config

import (
	"fmt"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// buildSlater is the closed-shell Slater determinant of Hermite-function
// orbitals for electrons in an isotropic dot, wavefunction.alpha its
// orbital scale (α = ω is the non-interacting ground state), times the
// Padé–Jastrow factor when wavefunction.jastrow = "pade" and times a
// network factor when wavefunction.network = "deepset" (wavefunc.DeepSet:
// wavefunction.features embedding features per channel, wavefunction.hidden
// read-out units, wavefunction.activation, weights drawn with
// wavefunction.init_scale; it starts at ln J = 0). The network must be
// symmetric under the exchange of two same-spin electrons, or the product
// is no longer antisymmetric and its energy is bounded only by the
// bosonic ground state; "rbm" and "ffnn" are not, and are refused.
// wavefunction.backflow = "rational" evaluates the determinant at
// quasi-particle coordinates with one width per shell (wavefunc.Backflow):
// it starts at the plain determinant (η = 0, every width α, b = ω) and
// the optimiser moves its nodes.
func buildSlater(c *Config, rng *rand.Rand) (wavefunc.Model, error) {
	w, n := c.Wavefunction, c.System.Particles
	switch {
	case c.hardSphere() > 0:
		return nil, c.KeyError("system.interaction", quote(c.System.Interaction),
			`a Slater determinant describes electrons; hard spheres are bosons (use wavefunction.kind = "gaussian")`)
	case c.System.Trap == "elliptical":
		return nil, c.KeyError("system.trap", quote(c.System.Trap), "the Slater orbitals are those of the isotropic (\"harmonic\") trap")
	case c.Sampler.Kind == "gibbs":
		return nil, c.KeyError("sampler.kind", quote(c.Sampler.Kind), `Gibbs sampling needs wavefunction.kind = "rbm"; use "metropolis" or "importance"`)
	case !(w.Alpha > 0):
		return nil, c.KeyError("wavefunction.alpha", w.Alpha, "the orbital scale α must be > 0 (α = ω without interaction)")
	}
	var sl wavefunc.Model
	var err error
	switch w.Backflow {
	case "none":
		sl, err = wavefunc.NewSlater(n, c.System.Dimensions, w.Alpha)
	case "rational":
		// b = ω puts η's range at the oscillator length 1/√ω.
		sl, err = wavefunc.NewBackflow(n, c.System.Dimensions, w.Alpha, c.System.Omega)
	default:
		return nil, c.KeyError("wavefunction.backflow", quote(w.Backflow), `want "none" or "rational"`)
	}
	if err != nil {
		return nil, c.KeyError("system.particles", n, err.Error())
	}
	js, err := c.jastrowFactors()
	if err != nil {
		return nil, err
	}
	ms := append([]wavefunc.Model{sl}, js...)
	var net wavefunc.Model
	switch w.Network {
	case "none":
	case "deepset":
		net, err = c.buildDeepSet(rng)
	case "rbm", "ffnn":
		return nil, c.KeyError("wavefunction.network", quote(w.Network),
			`the RBM and the feed-forward network are not symmetric under the exchange of two same-spin electrons, so Slater × network would not be antisymmetric (its energy could fall to the bosonic ground state); use "deepset" or "none"`)
	default:
		return nil, c.KeyError("wavefunction.network", quote(w.Network), `want "none" or "deepset"`)
	}
	if err != nil {
		return nil, err
	}
	if net != nil {
		ms = append(ms, net)
	}
	return product(ms), nil
}

// maxFeatures bounds wavefunction.features: the State caches N²·K pair
// features, and far fewer already describe a smooth pair function.
const maxFeatures = 256

// buildDeepSet is the exchange-symmetric network factor of a Slater
// determinant; the trap frequency sets the length scale of its inputs.
func (c *Config) buildDeepSet(rng *rand.Rand) (wavefunc.Model, error) {
	w := c.Wavefunction
	switch {
	case w.Features < 1 || w.Features > maxFeatures:
		return nil, c.KeyError("wavefunction.features", w.Features, fmt.Sprintf("the deep-set network needs 1 to %d embedding features per channel", maxFeatures))
	case w.Hidden < 0:
		return nil, c.KeyError("wavefunction.hidden", w.Hidden, "the deep-set read-out needs ≥ 0 hidden units (0: linear read-out)")
	case !oneOf(w.Activation, wavefunc.Activations...):
		return nil, c.KeyError("wavefunction.activation", quote(w.Activation), "want one of "+quoteAll(wavefunc.Activations))
	case !(w.InitScale > 0):
		return nil, c.KeyError("wavefunction.init_scale", w.InitScale, "the deep-set embedding needs random weights of scale > 0 (with 0 every feature vanishes)")
	}
	ds, err := wavefunc.NewDeepSet(c.System.Particles, c.System.Dimensions, w.Features, w.Hidden, w.Activation, c.System.Omega)
	if err != nil {
		return nil, fmt.Errorf("%s: wavefunction: %w", c.Source, err)
	}
	ds.Randomize(w.InitScale, rng)
	return ds, nil
}
