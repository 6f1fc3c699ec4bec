package config

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// The table of kinds: every value of system.model, wavefunction.kind and
// sampler.kind this package knows, each with what builds it. Validate and
// the builders read their allowed values from here and nowhere else, so a
// new kind is one line in this table (and its builder).
var (
	// systemModels are the values of system.model.
	systemModels = []systemModel{
		{"continuous", buildContinuous},
		{hamiltonian.Heisenberg, buildSpin},
		{hamiltonian.TFIM, buildSpin},
	}
	// wavefunctionKinds are the values of wavefunction.kind: models of
	// particles in a trap (continuous) and of spin lattices (spin).
	wavefunctionKinds = []wavefunctionKind{
		{name: "ffnn", continuous: buildFFNN},
		{name: "gaussian", continuous: buildGaussian},
		{name: "rbm", continuous: buildRBM},
		{name: "slater", continuous: buildSlater},
		{name: "rbm-spin", spin: buildSpinRBM},
		{name: "rbm-spin-sym", spin: buildSymmetricSpinRBM},
		{name: "rbm-spin-complex", spin: buildComplexSpinRBM},
	}
	// samplerKinds are the values of sampler.kind: walkers of particles
	// in a trap (continuous) and spin moves of lattices (spin).
	samplerKinds = []samplerKind{
		{name: "metropolis", continuous: buildMetropolis},
		{name: "importance", continuous: buildMetropolis},
		{name: "gibbs", continuous: buildGibbs},
		{name: "flip", spin: sampler.SingleFlip, isSpin: true},
		{name: "exchange", spin: sampler.Exchange, isSpin: true},
	}
)

// systemModel is one system.model and the builder of its whole System.
type systemModel struct {
	name  string
	build func(c *Config) (vmc.System, error)
}

// wavefunctionKind is one wavefunction.kind. A continuous builder reads
// the [system] and [wavefunction] tables; rng (seeded from the seed alone,
// identical on all ranks) serves random initial parameters. A spin builder
// makes the RBM over the n sites of h with hidden density alpha.
type wavefunctionKind struct {
	name       string
	continuous func(c *Config, rng *rand.Rand) (wavefunc.Model, error)
	spin       func(c *Config, h *hamiltonian.Spin) (spinModel, error)
}

// spinModel is what a spin builder returns: a model with random initial
// parameters.
type spinModel interface {
	wavefunc.SpinModel
	Randomize(scale float64, rng *rand.Rand)
}

// samplerKind is one sampler.kind: a builder of the System of a
// continuous model m in the trap h, or a spin move.
type samplerKind struct {
	name       string
	continuous func(c *Config, h hamiltonian.Continuous, m wavefunc.Model) (vmc.System, error)
	spin       sampler.SpinMove
	isSpin     bool
}

func findWavefunction(name string) *wavefunctionKind {
	for i := range wavefunctionKinds {
		if wavefunctionKinds[i].name == name {
			return &wavefunctionKinds[i]
		}
	}
	return nil
}

func modelNames() []string {
	var ns []string
	for _, m := range systemModels {
		ns = append(ns, m.name)
	}
	return ns
}

// wavefunctionNames are the kinds for spin lattices (spin) or for
// particles in a trap.
func wavefunctionNames(spin bool) []string {
	var ns []string
	for _, k := range wavefunctionKinds {
		if (k.spin != nil) == spin {
			ns = append(ns, k.name)
		}
	}
	return ns
}

// samplerNames are the sampler kinds of one system type, or all of them.
func samplerNames(all, spin bool) []string {
	var ns []string
	for _, k := range samplerKinds {
		if all || k.isSpin == spin {
			ns = append(ns, k.name)
		}
	}
	return ns
}

// orList quotes names as `"a", "b" or "c"`.
func orList(names []string) string {
	q := quoteAll(names)
	if i := strings.LastIndex(q, ", "); i >= 0 {
		q = q[:i] + " or " + q[i+2:]
	}
	return q
}

// BuildSystem makes the System of the configuration: a spin lattice, or
// particles in a trap with their wave function and walkers.
func (c *Config) BuildSystem() (vmc.System, error) {
	for _, m := range systemModels {
		if m.name == c.System.Model {
			return m.build(c)
		}
	}
	return nil, c.KeyError("system.model", quote(c.System.Model), "want one of "+quoteAll(modelNames()))
}

// modelStream is the random stream of initial parameters: of the seed
// alone, so every rank builds the same model.
func (c *Config) modelStream() *rand.Rand {
	return rand.New(rand.NewPCG(uint64(c.Seed), 0x6d6f64656c)) // "model"
}

// buildContinuous makes particles in a trap: the Hamiltonian, then the
// wave function of wavefunction.kind, then the walkers of sampler.kind.
func buildContinuous(c *Config) (vmc.System, error) {
	h, err := c.Hamiltonian()
	if err != nil {
		return nil, err
	}
	k := findWavefunction(c.Wavefunction.Kind)
	if k == nil || k.continuous == nil {
		return nil, c.KeyError("wavefunction.kind", quote(c.Wavefunction.Kind), "want one of "+quoteAll(wavefunctionNames(false)))
	}
	m, err := k.continuous(c, c.modelStream())
	if err != nil {
		return nil, err
	}
	for _, k := range samplerKinds {
		if k.name == c.Sampler.Kind && k.continuous != nil {
			return k.continuous(c, h, m)
		}
	}
	return nil, c.KeyError("sampler.kind", quote(c.Sampler.Kind), "want one of "+quoteAll(samplerNames(false, false))+" for particles in a trap")
}

// Trap is the description of the continuous system of the [system]
// table, as the built-in trap and interactions.
func (c *Config) Trap() hamiltonian.Trap {
	s := c.System
	t := hamiltonian.Trap{
		N: s.Particles, D: s.Dimensions, Omega: s.Omega,
		Elliptical: s.Trap == "elliptical", Gamma: s.Gamma,
		Coulomb: s.Interaction == "coulomb",
		// Coulomb-interacting particles and Slater determinants are
		// electrons; the rest bosons. This only selects the exact energy.
		Fermions: s.Interaction == "coulomb" || c.Wavefunction.Kind == "slater",
	}
	if s.Interaction == "hard-sphere" {
		t.HardSphere = s.Radius
	}
	return t
}

// Hamiltonian is the continuous system of the [system] table. Every
// builder of particles in a trap takes its Hamiltonian from here.
func (c *Config) Hamiltonian() (*hamiltonian.Particles, error) {
	h, err := hamiltonian.NewTrap(c.Trap())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Source, err)
	}
	return h, nil
}

// buildMetropolis makes walkers with Metropolis or importance-sampled
// (Langevin) moves.
func buildMetropolis(c *Config, h hamiltonian.Continuous, m wavefunc.Model) (vmc.System, error) {
	kind, err := sampler.ParseKind(c.Sampler.Kind)
	if err != nil {
		return nil, err
	}
	set := sampler.Settings{Kind: kind, Step: c.SamplerStep(), Thin: c.Sampler.Thin}
	if kind == sampler.Importance {
		set.DriftLimit = c.SamplerDriftLimit()
	}
	return vmc.NewContinuous(h, m, set)
}

// buildGibbs samples an RBM (built by buildRBM in its Ψ = √F variant)
// with Gibbs chains, sampler.thin Gibbs sweeps per sample; sampler.step is
// unused.
func buildGibbs(c *Config, h hamiltonian.Continuous, m wavefunc.Model) (vmc.System, error) {
	r, ok := m.(*wavefunc.RBM)
	if !ok {
		return nil, c.KeyError("sampler.kind", quote(c.Sampler.Kind), `Gibbs sampling needs wavefunction.kind = "rbm" without a Jastrow factor`)
	}
	sys, err := vmc.NewGibbsContinuous(h, r, c.Sampler.Thin)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Source, err)
	}
	return sys, nil
}
