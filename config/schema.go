package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// KeyDoc documents one key of a run configuration.
type KeyDoc struct {
	Key   string // "system.omega", or "seed" at the top level
	Unit  string // physical unit, "" for counts, names and switches
	Range string // the values allowed
	Doc   string // what the key does, in one line
}

// keyDoc is a KeyDoc with the rule that says whether the chosen kinds
// read the key; nil means always.
type keyDoc struct {
	KeyDoc
	applies func(c *Config) bool
}

const (
	hartree = "Hartree"
	bohr    = "bohr (a₀)"
)

// Applicability rules: which kinds read a key. They mirror the builders
// (kinds.go, models.go, slater.go, spin.go, job.go).
func continuous(c *Config) bool  { return c.System.Model == "continuous" }
func spinLattice(c *Config) bool { return !continuous(c) }
func gfmcOn(c *Config) bool      { return spinLattice(c) && c.GFMC.Steps > 0 }
func wfIs(kinds ...string) func(*Config) bool {
	return func(c *Config) bool { return oneOf(c.Wavefunction.Kind, kinds...) }
}
func deepSet(c *Config) bool { return wfIs("slater")(c) && c.Wavefunction.Network == "deepset" }
func optIs(kind string) func(*Config) bool {
	return func(c *Config) bool { return c.Optimizer.Kind == kind }
}
func either(fs ...func(*Config) bool) func(*Config) bool {
	return func(c *Config) bool {
		for _, f := range fs {
			if f(c) {
				return true
			}
		}
		return false
	}
}

// schema documents every key, in the order `vmcmpi config` prints them.
// TestSchemaComplete checks it against the struct tags of Config.
func schema() []keyDoc {
	k := func(key, unit, rng, doc string, applies func(*Config) bool) keyDoc {
		return keyDoc{KeyDoc{key, unit, rng, doc}, applies}
	}
	cont, spin := orList(wavefunctionNames(false)), orList(wavefunctionNames(true))
	return []keyDoc{
		k("seed", "", "≥ 0", "seeds every walker's random stream (with its rank and index) and the initial parameters", nil),

		k("system.model", "", orList(modelNames()), "particles in a trap, or a spin lattice", nil),
		k("system.particles", "", "≥ 1", "N particles; electrons fill ⌈N/2⌉ spin-up, then spin-down", continuous),
		k("system.dimensions", "", "1, 2 or 3", "d, the dimension of space", continuous),
		k("system.omega", hartree, "> 0", "trap frequency ω: V = ½ω² Σ r²", continuous),
		k("system.trap", "", `"harmonic" or "elliptical"`, "isotropic, or V = ½ω² Σ (x² + y² + γ²z²) (d = 3)", continuous),
		k("system.gamma", "", "> 0", "γ, the elliptical trap's ratio of z to x, y frequencies", func(c *Config) bool { return continuous(c) && c.System.Trap == "elliptical" }),
		k("system.interaction", "", `"none", "coulomb" or "hard-sphere"`, "pair interaction: none, Σ 1/r_ij, or hard cores of radius system.radius", continuous),
		k("system.radius", bohr, "> 0", "hard-core radius a: Ψ = 0 where some r_ij ≤ a", func(c *Config) bool { return continuous(c) && c.System.Interaction == "hard-sphere" }),
		k("system.lattice", "", `"chain" or "square"`, "the lattice of spins", spinLattice),
		k("system.length", "", "≥ 1", "sites per side L (a chain has L sites, a square L²)", spinLattice),
		k("system.pbc", "", "true or false", "periodic boundary conditions", spinLattice),
		k("system.coupling", "energy unit of the lattice", "any", "J, the nearest-neighbour coupling", spinLattice),
		k("system.field", "J", "any", "h, the transverse field of the TFIM: −h Σ σˣ", func(c *Config) bool { return c.System.Model == "tfim" }),
		k("system.j2", "J", "any (0: none)", "J2, the Heisenberg model's next-nearest coupling (square diagonals, chain sites i, i+2): the J1–J2 model", func(c *Config) bool { return c.System.Model == "heisenberg" }),

		k("wavefunction.kind", "", cont+" (particles); "+spin+" (lattices)", "the trial wave function", nil),
		k("wavefunction.alpha", "", "> 0", "gaussian: α of exp(−α Σ r²) (1/bohr²); slater: orbital scale (ω without interaction); rbm-spin: hidden units per site; rbm-spin-sym, rbm-spin-complex: features", wfIs("gaussian", "slater", "rbm-spin", "rbm-spin-sym", "rbm-spin-complex")),
		k("wavefunction.symmetry", "", `"translations" or "space-group"`, "rbm-spin-sym: the group whose elements share the weights: the lattice translations, or the translations times the point group (C4v on the square lattice, the reflection on the chain); periodic lattices only (rbm-spin-complex always uses the space group)", wfIs("rbm-spin-sym")),
		k("wavefunction.project", "", orList(spinProjections), "rbm-spin, rbm-spin-sym: Ψ(s) summed over the images of s under the point group about site 0 (C4v on the square lattice, the reflection on the chain; periodic lattices only), under the spin flip s → −s, or both: the trivial sector, at |images|× the cost of a move and a gradient", wfIs("rbm-spin", "rbm-spin-sym")),
		k("wavefunction.beta", "", "> 0", "gaussian: weight β of z² in d = 3 (fixed)", wfIs("gaussian")),
		k("wavefunction.hidden", "", "≥ 1 for rbm, ≥ 0 for the read-out", "hidden units of the RBM, or of the deep-set read-out", either(wfIs("rbm"), deepSet)),
		k("wavefunction.sigma2", "bohr²", "> 0, or 0: follow the trap", "σ², the RBM's fixed visible variance (0: 1/ω, the free ground state at a = W = 0; 1/(2ω) with Gibbs sampling)", wfIs("rbm")),
		k("wavefunction.init_scale", "", "≥ 0", "random initial weights drawn from N(0, init_scale²)", either(wfIs("rbm", "ffnn", "rbm-spin", "rbm-spin-sym", "rbm-spin-complex"), deepSet)),
		k("wavefunction.layers", "", "widths [N·d, …, 1]", "ffnn: every layer width from the input N·d to the output 1", wfIs("ffnn")),
		k("wavefunction.activation", "", "a name of wavefunc.Activations", "ffnn and deep-set: the activation function", either(wfIs("ffnn"), deepSet)),
		k("wavefunction.envelope", "1/bohr²", "≥ 0, or -1: follow the trap", "ffnn: ln Ψ = NN(x) − envelope·|x|²/2 (0: none; -1: ω)", wfIs("ffnn")),
		k("wavefunction.jastrow", "", `"none" or "pade" (particles); "none" or "pair" (lattices)`, "times a Padé–Jastrow factor exp(Σ a r/(1 + βr)) with the cusp a; on a periodic lattice, times the spin Jastrow factor exp(Σ_{i<j} v_c s_i s_j) with one v_c per class of pairs the space group relates", wfIs("gaussian", "rbm", "ffnn", "slater", "rbm-spin", "rbm-spin-sym")),
		k("wavefunction.pair_product", "", orList(spinPairProducts), "rbm-spin, rbm-spin-sym with sampler.kind = \"exchange\" on a Heisenberg lattice: times the pair product (singlet geminal) ε(s) det[f(u_a, d_b)] over the up sites u and down sites d, f shared over the lattice translations, starting from the d-wave (square) or its one-dimensional (chain) mean-field pairing; it carries signs of its own (non-Marshall states, J1–J2). A ratio costs O(N²/4), an accepted exchange O(N²/2). Measured on 4×4 (BENCHMARKS.md): with translation-shared f the product stays near the pair product's energy, far above the RBM alone", wfIs("rbm-spin", "rbm-spin-sym")),
		k("wavefunction.jastrow_beta", "1/bohr", "≥ 0", "the Padé β's initial value (variational)", func(c *Config) bool {
			return wfIs("gaussian", "rbm", "ffnn", "slater")(c) && c.Wavefunction.Jastrow == "pade"
		}),
		k("wavefunction.network", "", `"none" or "deepset"`, "slater: times an exchange-symmetric deep-set network", wfIs("slater")),
		k("wavefunction.backflow", "", `"none" or "rational"`, "slater: orbitals at quasi-particle coordinates x_i + Σ_j a/(1 + b r_ij²) (x_i − x_j), a and b per spin pair, one width per shell (variational; starts at η = 0)", wfIs("slater")),
		k("wavefunction.features", "", "1 to 256", "deep-set embedding features per channel", deepSet),

		k("sampler.kind", "", orList(samplerNames(true, false)), "metropolis, importance (Langevin) or gibbs for particles; flip or exchange for spins", nil),
		k("sampler.walkers", "", "≥ 1", "Markov chains per rank, run on goroutines", nil),
		k("sampler.step", "bohr (metropolis), a.u. time Δt (importance)", "> 0, or 0: follow the trap", "the move's step length, or the Langevin time step (0: 0.2/ω for importance sampling, a box of 1/√ω for Metropolis)", func(c *Config) bool {
			return continuous(c) && oneOf(c.Sampler.Kind, "metropolis", "importance")
		}),
		k("sampler.drift_limit", "", "≥ 0, or unset: 1 for slater, 0 otherwise", "importance sampling: Umrigar–Nightingale–Runge limit a of the Langevin drift near nodes of Ψ (0: unlimited)", func(c *Config) bool {
			return continuous(c) && c.Sampler.Kind == "importance"
		}),
		k("sampler.burnin", "sweeps", "≥ 0", "sweeps discarded per walker before sampling", nil),
		k("sampler.samples", "", "≥ 1", "samples per walker and optimisation iteration", nil),
		k("sampler.thin", "sweeps", "≥ 1", "sweeps between two samples (Gibbs: sweeps per sample)", nil),

		k("optimizer.kind", "", `"gd", "momentum", "adam", "sr" or "linear"`, "the update rule, stochastic reconfiguration, or the linear method", nil),
		k("optimizer.learning_rate", "", "> 0, or 0: follow the trap", "η, the step of the update rule (0: 0.1/ω with sr, 1 with linear, 0.05 otherwise)", nil),
		k("optimizer.iterations", "", "≥ 0", "optimisation iterations (0: evaluate the energy only)", nil),
		k("optimizer.momentum", "", "[0, 1)", "the momentum rule's decay of the previous step", optIs("momentum")),
		k("optimizer.shift", "", "≥ 0", "sr: diagonal shift ε added to S; linear: the starting diagonal shift of H", either(optIs("sr"), optIs("linear"))),
		k("optimizer.linear_shift_select", "", `"adaptive" or "correlated"`, "linear: adapt the diagonal shift by rules (×10 on a long step or an energy rise, else halve), or choose each step among the shifts a/10, a, 10a by its energy from correlated sampling of the iteration's samples (one more all-reduce and 3 local energies per sample)", optIs("linear")),
		k("optimizer.rule", "", `"gd" or "adam"`, "sr: the rule applied to the SR direction δ", optIs("sr")),
		k("optimizer.sr_solver", "", `"auto", "dense", "cg" or "minsr"`, "sr: dense S, matrix-free conjugate gradient (auto: by size), or minSR, the M×M sample-space form for fewer samples M than parameters", optIs("sr")),
		k("optimizer.cg_tol", "", "(0, 1)", "sr: relative residual at which conjugate gradient stops", func(c *Config) bool {
			return c.Optimizer.Kind == "sr" && !oneOf(c.Optimizer.SRSolver, "dense", "minsr")
		}),
		k("optimizer.relative_shift", "", "≥ 0", "sr: relative shift ε_r on top of the absolute one, S_kk(1 + ε_r) + ε (0: none)", optIs("sr")),
		k("optimizer.learning_rate_decay", "", `"none", "exp" or "inverse"`, "schedule of η over the iterations t: η·e^{−rt} or η/(1 + rt)", nil),
		k("optimizer.learning_rate_decay_rate", "per iteration", "≥ 0", "r of the learning-rate decay", nil),
		k("optimizer.learning_rate_min_factor", "", "[0, 1]", "floor of the decayed η, as a fraction of η", nil),
		k("optimizer.shift_decay", "", `"none", "exp" or "inverse"`, "sr: schedule of both shifts over the iterations, as learning_rate_decay", optIs("sr")),
		k("optimizer.shift_decay_rate", "per iteration", "≥ 0", "sr: r of the shift decay", optIs("sr")),
		k("optimizer.shift_min_factor", "", "[0, 1]", "sr: floor of the decayed shifts, as a fraction of the shifts", optIs("sr")),
		k("optimizer.max_step_norm", "", "≥ 0", "clip the direction handed to the rule (gradient, SR or linear step) to this Euclidean norm (0: no clipping)", nil),
		k("optimizer.variance_iterations", "", "≥ 0", "first iterations that minimise the variance of E_L (Gauss–Newton) instead of the energy (0: none; not with linear)", continuous),
		k("optimizer.stop_when_converged", "", "true or false", "stop optimising once the energy's slope over convergence_window iterations is within its error", nil),
		k("optimizer.clip_local_energy", "", "≥ 0", "rbm-spin-complex: in the energy gradient only, shrink each walker's local energies farther than this many mean absolute deviations from its median to that distance (0: off; the reported energy is never clipped)", wfIs("rbm-spin-complex")),
		k("optimizer.sampling_power", "", "(0, 1]", "rbm-spin-complex: the optimisation samples |Ψ|^(2q) and reweights by |Ψ|^(2(1−q)), reaching configurations of small amplitude (1: plain |Ψ|²; production always samples |Ψ|²; the history's energies are then unweighted means over |Ψ|^(2q))", wfIs("rbm-spin-complex")),
		k("optimizer.sampling_min_ess", "", "(0, 1)", "guided sampling's guard: an iteration whose reweighting weights have an effective sample size (Σw)²/Σw² below this fraction of the samples is sampled again from |Ψ|²", wfIs("rbm-spin-complex")),
		k("optimizer.convergence_window", "iterations", "≥ 2", "window W of the convergence test", func(c *Config) bool { return c.Optimizer.StopWhenConverged }),

		k("production.samples", "", "≥ 0", "samples per walker with the final, frozen parameters", nil),
		k("production.lanczos_samples", "", "0 (none) or ≥ 2", "spin lattices: after production, one Lanczos step ψ₁ = (1 + β(H − E))ψ at the best β, sampled with this many samples per walker (each costs a local energy at every connected configuration): a variational E₁ below E, and the zero-variance extrapolation through (σ², E) and (σ₁², E₁); may be added to a finished run with -resume", spinLattice),

		k("gfmc.steps", "", "0 (none) or ≥ 10", "spin lattices with a real trial state: after production (and the Lanczos step), a Green's-function Monte Carlo projection of ψ onto the ground state over this many intervals τ (continuous imaginary time, a fixed population per rank, stochastic reconfiguration): exact for a sign-free model (Heisenberg in the Marshall basis with a positive ψ), the fixed-node upper bound where ψ's signs are violated; may be added to a finished run with -resume", spinLattice),
		k("gfmc.walkers", "", "≥ 2", "the population per rank", gfmcOn),
		k("gfmc.tau", "1/J", "> 0", "imaginary time between reconfigurations", gfmcOn),
		k("gfmc.project", "", "≥ 0", "p: each interval's energy is weighted by the population weights of its last p intervals, which removes the bias of a finite population as pτ grows; E_p is printed for p from 0 to this value to show that it has converged", gfmcOn),
		k("gfmc.equilibrate", "", "≥ gfmc.project", "intervals discarded before the measured ones: the projection time τ·equilibrate lets ψ relax towards the ground state", gfmcOn),

		k("observables.measure", "", "particles: "+orList(particleObservables)+"; spins: "+orList(latticeObservables),
			"extra observables measured in production, written to observables.json (the energy split is always on for particles)", nil),
		k("observables.bins", "", "≥ 1", "bins of the pair correlation g(r) and of the radial density's errors", nil),
		k("observables.map_bins", "", "≥ 1", "bins per axis of the 2D density map", nil),
		k("observables.r_max", "bohr", "> 0, or unset: 5/√ω", "outer edge of the histograms (g(r): twice that)", nil),
		k("observables.errors", "", "true or false", "a blocking error bar on every histogram bin (costs time per bin and sample)", nil),

		k("output.dir", "", "a directory", "where rank 0 writes result.json, history.csv, density.csv, checkpoints", nil),
		k("output.checkpoint_every", "iterations", "≥ 0", "a checkpoint every N iterations and production rounds (≈ 0.1 s of sampling, at least one chunk; 0: only on signals)", nil),
		k("output.progress", "", `"auto", "bar", "lines" or "none"`, "progress on stderr: a bar on a terminal, timestamped lines into a log file", nil),
		k("output.progress_every", "s", "> 0", "seconds between two progress lines in a log", nil),
		k("output.plots", "", "true or false", "draw the run's figures at the end (else `vmcmpi plot DIR`)", nil),
		k("output.reference", "Hartree, or J for spins", "a finite number, or unset: the exact energy when known",
			"reference energy E_ref for the |E − E_ref| plot and result.json", nil),
	}
}

// Schema lists every key of a run configuration with its unit, range and
// meaning, in the order of the TOML tables.
func Schema() []KeyDoc {
	s := schema()
	out := make([]KeyDoc, len(s))
	for i, k := range s {
		out[i] = k.KeyDoc
	}
	return out
}

// Applies reports whether the configuration's kinds read key: the RBM's
// hidden units do not matter to a Gaussian, nor momentum to Adam. Unknown
// keys do not apply.
func (c *Config) Applies(key string) bool {
	for _, k := range schema() {
		if k.Key == key {
			return k.applies == nil || k.applies(c)
		}
	}
	return false
}

// Warnings lists, one message per key, the keys the configuration sets
// explicitly (in its file or by Set) that its kinds do not read. They are
// harmless but usually a mistake: a value meant for another kind.
func (c *Config) Warnings() []string {
	var out []string
	for _, k := range schema() {
		if !c.explicit[k.Key] || k.applies == nil || k.applies(c) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s is set but not used with %s", c.Source, k.Key, c.kindsSummary()))
	}
	return out
}

// kindsSummary names the kinds that decide which keys apply.
func (c *Config) kindsSummary() string {
	return fmt.Sprintf("system.model = %q, wavefunction.kind = %q, sampler.kind = %q, optimizer.kind = %q",
		c.System.Model, c.Wavefunction.Kind, c.Sampler.Kind, c.Optimizer.Kind)
}

// markExplicit records the keys data defines (for Warnings).
func (c *Config) markExplicit(md toml.MetaData) {
	if c.explicit == nil {
		c.explicit = map[string]bool{}
	}
	for _, k := range md.Keys() {
		if len(k) > 0 {
			c.explicit[k.String()] = true
		}
	}
}

// WriteTOML writes the complete effective configuration as TOML: every
// key with its value (defaults filled in, derived defaults such as σ² =
// 1/ω computed: see Effective, with a comment saying how), preceded by a
// comment with its meaning, unit and range; keys the kinds do not read are
// marked. Decoding the text gives c.Effective() back.
func (c *Config) WriteTOML(w io.Writer) error {
	e := c.Effective()
	var b bytes.Buffer
	fmt.Fprintf(&b, "# The effective configuration of %s:\n", c.Source)
	b.WriteString("# every key, defaults filled in. Run it with `vmcmpi run -config FILE`.\n")
	fmt.Fprintf(&b, "# \"unused\" marks keys that %s do not read.\n", c.kindsSummary())
	table := ""
	for _, k := range schema() {
		v, err := e.value(k.Key)
		unset := errors.Is(err, errUnset)
		if err != nil && !unset {
			return err
		}
		t, leaf, nested := strings.Cut(k.Key, ".")
		if !nested {
			t, leaf = "", k.Key
		}
		if t != table {
			fmt.Fprintf(&b, "\n[%s]\n", t)
			table = t
		}
		note := k.Doc
		var extra []string
		if k.Unit != "" {
			extra = append(extra, k.Unit)
		}
		if k.Range != "" && k.Range != "any" {
			extra = append(extra, k.Range)
		}
		if len(extra) > 0 {
			note += " (" + strings.Join(extra, "; ") + ")"
		}
		if k.applies != nil && !k.applies(c) {
			note += " — unused"
		}
		if unset {
			// An optional key left out: printed commented, so that the
			// text decodes back to "unset".
			fmt.Fprintf(&b, "# %s\n# %s = (unset)\n", note, leaf)
			continue
		}
		if d := e.derivedNote(k.Key); d != "" {
			note += "\n# " + d
		}
		fmt.Fprintf(&b, "# %s\n%s = %s\n", note, leaf, v)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// errUnset is value's answer for an optional key that is not set.
var errUnset = errors.New("unset")

// value is the TOML text of key's value, as BurntSushi/toml encodes it
// (floats in their shortest exact form).
func (c *Config) value(key string) (string, error) {
	v := reflect.ValueOf(c).Elem()
	for _, part := range strings.Split(key, ".") {
		f, ok := fieldByTag(v.Type(), part)
		if !ok {
			return "", fmt.Errorf("config: schema key %s not in Config", key)
		}
		v = v.Field(f)
	}
	switch {
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "", errUnset
	case v.Kind() == reflect.Slice && v.Len() == 0:
		return "[]", nil
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(map[string]any{"v": v.Interface()}); err != nil {
		return "", fmt.Errorf("config: %s: %w", key, err)
	}
	s := strings.TrimSpace(buf.String())
	return strings.TrimSpace(strings.TrimPrefix(s, "v =")), nil
}

// fieldByTag is the index of the field of struct type t with TOML tag tag.
func fieldByTag(t reflect.Type, tag string) (int, bool) {
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("toml") == tag && tag != "-" {
			return i, true
		}
	}
	return 0, false
}

// schemaKeys lists every key of Config from its struct tags, tables
// before their keys in field order.
func schemaKeys() []string {
	var keys []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			tag := t.Field(i).Tag.Get("toml")
			if tag == "" || tag == "-" {
				continue
			}
			if ft := t.Field(i).Type; ft.Kind() == reflect.Struct {
				walk(ft, prefix+tag+".")
				continue
			}
			keys = append(keys, prefix+tag)
		}
	}
	walk(reflect.TypeOf(Config{}), "")
	return keys
}

// suggest returns the known keys closest to an unknown one: a typo
// (edit distance ≤ 2, or ≤ a third of the key), or the same key name in
// another table.
func suggest(unknown string) []string {
	type cand struct {
		key  string
		dist int
	}
	var cs []cand
	leaf := unknown[strings.LastIndex(unknown, ".")+1:]
	limit := max(2, len(unknown)/4)
	for _, k := range schemaKeys() {
		d := editDistance(unknown, k)
		if kl := k[strings.LastIndex(k, ".")+1:]; d > limit && (kl == leaf || editDistance(kl, leaf) <= 1 && len(leaf) > 3) {
			d = limit // a key put in the wrong table
		}
		if d <= limit {
			cs = append(cs, cand{k, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].dist < cs[j].dist })
	var out []string
	for _, c := range cs {
		if len(out) == 3 || c.dist > cs[0].dist+1 {
			break
		}
		out = append(out, c.key)
	}
	return out
}

// didYouMean is " (did you mean a or b?)" for an unknown key, or "".
func didYouMean(unknown string) string {
	s := suggest(unknown)
	if len(s) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(s, " or ") + "?)"
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
