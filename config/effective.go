package config

import (
	"fmt"
	"math"
	"strings"
)

// derivedKey is a key whose default is not a fixed number but follows
// the trap (or the kinds): the configuration stores a sentinel (0, −1,
// unset) and the builders compute the value.
type derivedKey struct {
	key string
	// applies reports whether the kinds read the key, unset whether c
	// leaves it to its rule (holds the sentinel); unset sets the sentinel.
	applies, isUnset func(c *Config) bool
	unset            func(c *Config)
	// rule describes the value ("1/ω") and fill sets it.
	rule func(c *Config) string
	fill func(c *Config)
}

// follows reports whether c leaves the key to its rule and reads it.
func (d derivedKey) follows(c *Config) bool { return d.applies(c) && d.isUnset(c) }

func applies(key string) func(*Config) bool { return func(c *Config) bool { return c.Applies(key) } }

// derivedKeys are the keys with derived defaults, each computed by the
// same function the builders call, so that the effective configuration
// runs bit-identically.
func derivedKeys() []derivedKey {
	return []derivedKey{
		{"wavefunction.sigma2",
			applies("wavefunction.sigma2"),
			func(c *Config) bool { return c.Wavefunction.Sigma2 == 0 },
			func(c *Config) { c.Wavefunction.Sigma2 = 0 },
			func(c *Config) string {
				if c.Sampler.Kind == "gibbs" {
					return "1/(2ω) with Gibbs sampling"
				}
				return "1/ω"
			},
			func(c *Config) { c.Wavefunction.Sigma2 = c.RBMSigma2() }},
		{"wavefunction.envelope",
			applies("wavefunction.envelope"),
			func(c *Config) bool { return c.Wavefunction.Envelope == FollowTrap },
			func(c *Config) { c.Wavefunction.Envelope = FollowTrap },
			func(*Config) string { return "ω" },
			func(c *Config) { c.Wavefunction.Envelope = c.FFNNEnvelope() }},
		{"sampler.step",
			applies("sampler.step"),
			func(c *Config) bool { return c.Sampler.Step == 0 },
			func(c *Config) { c.Sampler.Step = 0 },
			func(c *Config) string {
				if c.Sampler.Kind == "metropolis" {
					return "1/√ω for Metropolis"
				}
				return "0.2/ω for importance sampling"
			},
			func(c *Config) { c.Sampler.Step = c.SamplerStep() }},
		{"optimizer.learning_rate",
			applies("optimizer.learning_rate"),
			func(c *Config) bool { return c.Optimizer.LearningRate == 0 },
			func(c *Config) { c.Optimizer.LearningRate = 0 },
			func(c *Config) string {
				switch {
				case c.Optimizer.Kind == "linear":
					return "1 for the linear method"
				case c.Optimizer.Kind == "sr" && c.System.Model == "continuous":
					return "0.1/ω for SR"
				case c.Optimizer.Kind == "sr":
					return "0.1 for SR on a lattice"
				}
				return "0.05 for " + c.Optimizer.Kind
			},
			func(c *Config) { c.Optimizer.LearningRate = c.LearningRate() }},
		{"observables.r_max",
			func(c *Config) bool { return c.System.Model == "continuous" },
			func(c *Config) bool { return c.Observables.RMax == nil },
			func(c *Config) { c.Observables.RMax = nil },
			func(*Config) string { return "5/√ω" },
			func(c *Config) {
				// The value the observables' builder uses when unset.
				r := 5 / math.Sqrt(c.System.Omega)
				c.Observables.RMax = &r
			}},
	}
}

// Effective is the configuration with every derived default replaced by
// its value (σ² = 1/ω, the step 0.2/ω, the learning rate 0.1/ω for SR,
// …), computed as the builders compute it: a run of it gives the same
// numbers. Keys the kinds do not read keep their stored values. A run of
// the original configuration and one of its effective form checkpoint
// different keys, so one cannot resume the other's checkpoint.
func (c *Config) Effective() *Config {
	e := *c
	for _, d := range derivedKeys() {
		if d.follows(c) {
			d.fill(&e)
		}
	}
	return &e
}

// derivedNote is the comment `vmcmpi config` prints above the value of
// a derived key when that value is the one its rule gives (whether the
// rule gave it or the file set it: the printed text then prints the same
// again), or "".
func (c *Config) derivedNote(key string) string {
	for _, d := range derivedKeys() {
		if d.key != key || !d.applies(c) {
			continue
		}
		v, err := c.value(key)
		free := *c
		d.unset(&free)
		d.fill(&free)
		if w, werr := free.value(key); err != nil || werr != nil || v != w {
			return ""
		}
		leaf := key[strings.IndexByte(key, '.')+1:]
		again := leaf + " = " + sentinel(key) + " follows it"
		if key == "observables.r_max" {
			again = "leaving it out follows it"
		}
		rule := d.rule(c)
		if strings.Contains(rule, "ω") {
			return fmt.Sprintf("= %s, the default at system.omega = %v (%s)", rule, c.System.Omega, again)
		}
		return fmt.Sprintf("= %s, the default (%s)", rule, again)
	}
	return ""
}

// sentinel is the value that makes a derived key follow its rule.
func sentinel(key string) string {
	if key == "wavefunction.envelope" {
		return "-1"
	}
	return "0"
}
