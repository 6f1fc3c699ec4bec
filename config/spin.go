package config

// Spin lattices: system.model = "tfim" | "heisenberg" on system.lattice =
// "chain" | "square" of system.length (per side), periodic when
// system.pbc, with J = system.coupling and h = system.field (TFIM);
// system.j2 adds next-nearest Heisenberg bonds (the J1–J2 model).
// The trial state is wavefunction.kind = "rbm-spin" (hidden density
// α = wavefunction.alpha, H = α·N) or "rbm-spin-sym" (α features
// shared over wavefunction.symmetry, periodic lattices only) or
// "rbm-spin-complex" (complex, α features shared over the space group, for
// sign structures); sampler.kind = "flip" or
// "exchange". The real RBMs can be projected onto the trivial sector of the
// point group and/or the spin flip (wavefunction.project).

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/vmc"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// maxAlpha bounds the hidden density, so that a typo cannot ask for
// gigabytes of weights.
const maxAlpha = 64

// maxWeights bounds α·N², the RBM's weights (0.8 GB of float64).
const maxWeights = 1e8

// referenceDim is the largest Hilbert-space dimension for which building
// a system also diagonalises it exactly, to report the exact energy next
// to the variational one (a second or so of Lanczos).
const referenceDim = 1 << 18

// SpinHamiltonian is the lattice Hamiltonian of the [system] table.
func (c *Config) SpinHamiltonian() (*hamiltonian.Spin, error) {
	s := c.System
	lat, err := hamiltonian.NewLattice(s.Lattice, s.Length, s.PBC)
	if err != nil {
		return nil, fmt.Errorf("%s: [system] lattice = %q, length = %d: %w", c.Source, s.Lattice, s.Length, err)
	}
	if s.J2 != 0 && s.Model != hamiltonian.Heisenberg {
		return nil, c.KeyError("system.j2", s.J2, `a next-nearest coupling needs system.model = "heisenberg" (the J1–J2 model)`)
	}
	switch s.Model {
	case hamiltonian.TFIM:
		return hamiltonian.NewTFIM(lat, s.Coupling, s.Field)
	case hamiltonian.Heisenberg:
		if !lat.Bipartite() {
			return nil, c.KeyError("system.length", s.Length,
				fmt.Sprintf("the Heisenberg model on a periodic %s needs an even length (the Marshall sign rule needs a bipartite lattice), or set system.pbc = false", s.Lattice))
		}
		if s.J2 != 0 {
			h, err := hamiltonian.NewJ1J2(lat, s.Coupling, s.J2, true)
			if err != nil {
				return nil, c.KeyError("system.j2", s.J2, err.Error())
			}
			return h, nil
		}
		return hamiltonian.NewHeisenberg(lat, s.Coupling, true)
	}
	return nil, c.KeyError("system.model", quote(s.Model), `want "tfim" or "heisenberg"`)
}

// buildSpin makes the System of a spin-lattice configuration.
func buildSpin(c *Config) (vmc.System, error) {
	h, err := c.SpinHamiltonian()
	if err != nil {
		return nil, err
	}
	w := c.Wavefunction
	n := h.N
	if !(w.Alpha > 0) || w.Alpha > maxAlpha {
		return nil, c.KeyError("wavefunction.alpha", w.Alpha, fmt.Sprintf("the hidden-unit density α must be in (0, %d]", maxAlpha))
	}
	// W has α·N² entries (and the walkers' caches α·N each).
	if float64(n)*float64(n)*w.Alpha > maxWeights {
		return nil, c.KeyError("system.length", c.System.Length,
			fmt.Sprintf("%d sites with α = %g need %.3g weights, more than %g", n, w.Alpha, float64(n)*float64(n)*w.Alpha, float64(maxWeights)))
	}
	k := findWavefunction(w.Kind)
	if k == nil || k.spin == nil {
		return nil, c.KeyError("wavefunction.kind", quote(w.Kind), "spin lattices use "+orList(wavefunctionNames(true)))
	}
	m, err := k.spin(c, h)
	if err != nil {
		return nil, err
	}
	// The real RBMs only (as the schema says wavefunction.project applies).
	if oneOf(w.Kind, "rbm-spin", "rbm-spin-sym") {
		if m, err = projectSpin(c, h, m); err != nil {
			return nil, err
		}
	}
	// After the projection: the Jastrow factor is invariant, so projecting
	// it too would only repeat it in every image.
	if m, err = c.withSpinJastrow(h, m); err != nil {
		return nil, err
	}
	if m, err = c.withPairProduct(h, m); err != nil {
		return nil, err
	}
	if w.InitScale < 0 {
		return nil, c.KeyError("wavefunction.init_scale", w.InitScale, "must be ≥ 0")
	}
	// The same stream of the seed alone as for continuous models, so
	// every rank starts from the same parameters.
	m.Randomize(w.InitScale, c.modelStream())
	var set sampler.SpinSettings
	found := false
	for _, s := range samplerKinds {
		if s.isSpin && s.name == c.Sampler.Kind {
			set.Move, found = s.spin, true
		}
	}
	if !found {
		return nil, c.KeyError("sampler.kind", quote(c.Sampler.Kind), "spin lattices use "+orList(samplerNames(false, true)))
	}
	set.Thin = c.Sampler.Thin
	sys, err := vmc.NewLattice(h, m, set)
	if err != nil {
		return nil, fmt.Errorf("%s: [sampler] kind = %q: %w", c.Source, c.Sampler.Kind, err)
	}
	sys.Reference, sys.HasReference = spinReference(h)
	return sys, nil
}

// withSpinJastrow multiplies m by the pair Jastrow factor over the
// lattice's space group when wavefunction.jastrow = "pair".
func (c *Config) withSpinJastrow(h *hamiltonian.Spin, m spinModel) (spinModel, error) {
	switch j := c.Wavefunction.Jastrow; j {
	case "none":
		return m, nil
	case "pair":
		if c.Wavefunction.Kind == "rbm-spin-complex" {
			return nil, c.KeyError("wavefunction.jastrow", quote(j), `the pair Jastrow factor is real: use it with wavefunction.kind = "rbm-spin" or "rbm-spin-sym"`)
		}
		g, err := h.Lattice.SpaceGroup()
		if err != nil {
			return nil, c.KeyError("wavefunction.jastrow", quote(j), fmt.Sprintf("the pair Jastrow factor has one parameter per class of pairs related by the lattice's symmetries, which the %v lattice lacks: set system.pbc = true (%v)", h.Lattice, err))
		}
		jas, err := wavefunc.NewSpinJastrow(h.N, g)
		if err != nil {
			return nil, c.KeyError("wavefunction.jastrow", quote(j), err.Error())
		}
		p, err := wavefunc.NewSpinProduct(m, jas)
		if err != nil {
			return nil, c.KeyError("wavefunction.jastrow", quote(j), err.Error())
		}
		return p, nil
	}
	return nil, c.KeyError("wavefunction.jastrow", quote(c.Wavefunction.Jastrow), `spin lattices want "none" or "pair"`)
}

// spinPairProducts are the values of wavefunction.pair_product: none, or
// the group f is shared over (translations, with the boundary signs of
// the mean-field pairing it starts from).
var spinPairProducts = []string{"none", "translations"}

// pairingT is the hopping of the d-wave mean field the square lattice's
// pair product starts from (wavefunc.PairingSquare): on 4×4, E/N −0.646
// at 0.3 against −0.572 at 0.
const pairingT = 0.3

// withPairProduct multiplies m by the pair product of
// wavefunction.pair_product, in the Hamiltonian's (Marshall-rotated)
// basis. It lives in S^z = 0 and changes only under exchanges, so it
// needs a Heisenberg Hamiltonian and the exchange sampler.
func (c *Config) withPairProduct(h *hamiltonian.Spin, m spinModel) (spinModel, error) {
	pp := c.Wavefunction.PairProduct
	key := func(why string) error { return c.KeyError("wavefunction.pair_product", quote(pp), why) }
	switch {
	case pp == "none":
		return m, nil
	case !oneOf(pp, spinPairProducts...):
		return nil, key("want " + orList(spinPairProducts))
	case c.Wavefunction.Kind == "rbm-spin-complex":
		return nil, key(`the pair product multiplies a real RBM: use wavefunction.kind = "rbm-spin" or "rbm-spin-sym"`)
	case h.Model != hamiltonian.Heisenberg:
		return nil, key(fmt.Sprintf("the pair product lives in S^z = 0, which system.model = %q does not conserve: use \"heisenberg\"", h.Model))
	case c.Sampler.Kind != "exchange":
		return nil, key(fmt.Sprintf("the pair product changes only under exchanges of an up and a down spin: set sampler.kind = \"exchange\" (not %q)", c.Sampler.Kind))
	case h.N%2 != 0:
		return nil, key(fmt.Sprintf("the pair product pairs every up spin with a down spin: %d sites is odd", h.N))
	}
	g, err := h.Lattice.Translations()
	if err != nil || !h.Lattice.Periodic {
		return nil, key(fmt.Sprintf("f is shared over the translations of a periodic lattice, which the %v lattice is not: set system.pbc = true", h.Lattice))
	}
	o := wavefunc.PairOptions{Group: g}
	if h.Marshall {
		o.Marshall = h.MarshallSigns()
	}
	switch h.Lattice.Kind {
	case hamiltonian.Square:
		o.Signs, o.Start = wavefunc.PairingSquare(h.Lattice.Length, pairingT)
	case hamiltonian.Chain:
		o.Signs, o.Start = wavefunc.PairingChain(h.N)
	default:
		return nil, key(fmt.Sprintf("no mean-field pairing to start from on the %v lattice", h.Lattice))
	}
	p, err := wavefunc.NewSpinPairProduct(h.N, o)
	if err != nil {
		return nil, key(err.Error())
	}
	prod, err := wavefunc.NewSpinProduct(m, p)
	if err != nil {
		return nil, key(err.Error())
	}
	return prod, nil
}

// buildSpinRBM is the spin RBM with α·N hidden units.
func buildSpinRBM(c *Config, h *hamiltonian.Spin) (spinModel, error) {
	alpha := c.Wavefunction.Alpha
	hidden := alpha * float64(h.N)
	if math.Abs(hidden-math.Round(hidden)) > 1e-9 {
		return nil, c.KeyError("wavefunction.alpha", alpha, fmt.Sprintf("α·N must be a whole number of hidden units (N = %d sites)", h.N))
	}
	return wavefunc.NewSpinRBM(h.N, int(math.Round(hidden))), nil
}

// buildSymmetricSpinRBM is the symmetric spin RBM with α features over
// the group wavefunction.symmetry names (hamiltonian.Lattice.SymmetryGroup).
func buildSymmetricSpinRBM(c *Config, h *hamiltonian.Spin) (spinModel, error) {
	alpha := c.Wavefunction.Alpha
	if alpha != math.Trunc(alpha) {
		return nil, c.KeyError("wavefunction.alpha", alpha, "the symmetric RBM needs a whole number of features α")
	}
	sym := c.Wavefunction.Symmetry
	if !oneOf(sym, hamiltonian.Symmetries...) {
		return nil, c.KeyError("wavefunction.symmetry", quote(sym), "want "+orList(hamiltonian.Symmetries))
	}
	if !h.Lattice.Periodic {
		return nil, c.KeyError("wavefunction.symmetry", quote(sym), fmt.Sprintf("the symmetric RBM shares weights across lattice symmetries, which the %v lattice lacks (its open boundaries break them): set system.pbc = true or use wavefunction.kind = \"rbm-spin\"", h.Lattice))
	}
	g, err := h.Lattice.SymmetryGroup(sym)
	if err != nil {
		return nil, c.KeyError("wavefunction.symmetry", quote(sym), err.Error())
	}
	if float64(h.N)*float64(h.N)*alpha*float64(len(g)) > maxWeights {
		return nil, c.KeyError("wavefunction.alpha", alpha,
			fmt.Sprintf("α·|G|·N² = %.3g expanded weights over the %d symmetries of %d sites, more than %g", float64(h.N)*float64(h.N)*alpha*float64(len(g)), len(g), h.N, float64(maxWeights)))
	}
	return wavefunc.NewSymmetricSpinRBM(h.N, int(alpha), g), nil
}

// spinProjections are the values of wavefunction.project.
var spinProjections = []string{"none", "point-group", "flip", "point-group+flip"}

// projectSpin wraps m in the projection wavefunction.project names: a sum
// over the images under the point group about site 0 (the elements of the
// lattice's space group that fix it) and/or the spin flip.
func projectSpin(c *Config, h *hamiltonian.Spin, m spinModel) (spinModel, error) {
	w := c.Wavefunction
	var point, flip bool
	switch w.Project {
	case "none":
		return m, nil
	case "point-group":
		point = true
	case "flip":
		flip = true
	case "point-group+flip":
		point, flip = true, true
	default:
		return nil, c.KeyError("wavefunction.project", quote(w.Project), "want "+orList(spinProjections))
	}
	id := make([]int, h.N)
	for k := range id {
		id[k] = k
	}
	perms := [][]int{id}
	if point {
		if w.Kind == "rbm-spin-sym" && w.Symmetry == "space-group" {
			return nil, c.KeyError("wavefunction.project", quote(w.Project),
				`the space-group RBM is already invariant under the point group: project it with "flip" or "none", or use wavefunction.symmetry = "translations"`)
		}
		if !h.Lattice.Periodic {
			return nil, c.KeyError("wavefunction.project", quote(w.Project),
				fmt.Sprintf("the point group about site 0 is a symmetry of periodic lattices only, which the %v lattice is not: set system.pbc = true, or project = \"flip\" or \"none\"", h.Lattice))
		}
		g, err := h.Lattice.SymmetryGroup("space-group")
		if err != nil {
			return nil, c.KeyError("wavefunction.project", quote(w.Project), err.Error())
		}
		perms = perms[:0]
		for _, p := range g {
			if p[0] == 0 {
				perms = append(perms, p)
			}
		}
	}
	p, err := wavefunc.NewProjectedSpin(m, perms, flip)
	if err != nil {
		return nil, c.KeyError("wavefunction.project", quote(w.Project), err.Error())
	}
	return p, nil
}

// buildComplexSpinRBM is the complex spin RBM with α features shared
// across the lattice's space group (translations and point group), for
// states whose signs the Marshall rotation does not remove (J1–J2).
func buildComplexSpinRBM(c *Config, h *hamiltonian.Spin) (spinModel, error) {
	alpha := c.Wavefunction.Alpha
	if alpha != math.Trunc(alpha) {
		return nil, c.KeyError("wavefunction.alpha", alpha, "the complex RBM needs a whole number of features α")
	}
	g, err := h.Lattice.SpaceGroup()
	if err != nil {
		return nil, c.KeyError("wavefunction.kind", quote(c.Wavefunction.Kind), "the complex RBM is symmetric under the lattice's space group and needs system.pbc = true")
	}
	return wavefunc.NewSymmetricComplexSpinRBM(h.N, int(alpha), g), nil
}

// spinReference is the exact ground-state energy when it is cheap: the
// closed form of the periodic TFIM chain, or Lanczos for small spaces.
func spinReference(h *hamiltonian.Spin) (float64, bool) {
	if h.Model == hamiltonian.TFIM && h.Lattice.Kind == hamiltonian.Chain && h.Lattice.Periodic && h.N >= 3 {
		if e, err := exact.TFIMChain(h.N, h.Coupling, h.Field); err == nil {
			return e, true
		}
	}
	if dim, _, _ := exact.Need(h, 40); dim == 0 || dim > referenceDim {
		return 0, false
	}
	r, err := exact.GroundState(h, exact.Options{})
	if err != nil {
		return 0, false
	}
	return r.Energy, true
}
