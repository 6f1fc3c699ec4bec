package config

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/output"
)

// exactCommandSites bounds the lattices whose ground-state observables
// Exact computes: beyond it their O(dim·N²) pass outgrows Lanczos.
const exactCommandSites = 20

// Exact diagonalises the spin lattice of the configuration by Lanczos
// within maxBytes of memory and returns what `vmcmpi exact` writes to
// exact.json: the ground-state energy, the observables up to
// exactCommandSites sites, and the periodic TFIM chain's free-fermion
// closed form.
func (c *Config) Exact(maxBytes int64) (*output.Exact, error) {
	if c.System.Model != hamiltonian.TFIM && c.System.Model != hamiltonian.Heisenberg {
		return nil, c.KeyError("system.model", quote(c.System.Model), `exact diagonalisation needs "tfim" or "heisenberg"`)
	}
	h, err := c.SpinHamiltonian()
	if err != nil {
		return nil, err
	}
	opt := exact.Options{MaxBytes: maxBytes}
	var res exact.Result
	var obs *exact.Observables
	if h.N <= exactCommandSites {
		res, obs, err = exact.GroundStateObservables(h, opt)
	} else {
		res, err = exact.GroundState(h, opt)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Source, err)
	}
	f := &output.Exact{
		Model: h.Model, Lattice: h.Lattice.Kind, Length: h.Lattice.Length, PBC: h.Lattice.Periodic,
		Coupling: h.Coupling, Field: h.Field, Energy: res.Energy, PerSite: res.Energy / float64(h.N),
		Source: c.Source, Result: res, Observables: obs,
	}
	if h.Model == hamiltonian.TFIM && h.Lattice.Kind == hamiltonian.Chain && h.Lattice.Periodic {
		if e, err := exact.TFIMChain(h.N, h.Coupling, h.Field); err == nil {
			f.ClosedForm = &e
		}
	}
	return f, nil
}
