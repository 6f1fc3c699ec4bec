// Package output writes the files of a variational Monte Carlo run and
// reads them back: result.json (the production estimate and the final
// parameters), history.csv (one row per optimisation iteration),
// parameters.json (the parameters of a run that failed), density.csv (the
// one-body radial density), exact.json (an exact ground state) and any
// other JSON document. Every file goes
// through checkpoint.WriteAtomic, so a reader never sees half a file.
// Only rank 0 of a run should call the writers.
//
// The readers (ReadHistory, ReadResult, ReadDensity) accept what the
// writers produce, and hand-made CSV files with the same header names.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// WriteFile writes data to path atomically (fsynced file and directory).
func WriteFile(path string, data []byte) error {
	if err := checkpoint.WriteAtomic(path, data); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

// WriteJSON writes v as indented JSON ending in a newline.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return WriteFile(path, append(b, '\n'))
}

// Result is the schema of result.json. A number that is not finite is
// null (nil).
type Result struct {
	Energy *float64 `json:"energy"`
	Error  *float64 `json:"error"`
	// Tau is the integrated autocorrelation time of the production energy
	// in samples, ESS its effective sample size and RHat the split-R̂ over
	// the walkers' chains; Short flags a series too short for its error bar
	// to be trusted (fewer than stats.ShortTaus correlation times per
	// chain), with Warning saying why.
	Tau        *float64  `json:"tau"`
	ESS        *float64  `json:"ess"`
	RHat       *float64  `json:"rhat"`
	Short      bool      `json:"short"`
	Warning    string    `json:"warning,omitempty"`
	Variance   *float64  `json:"variance"`
	Acceptance *float64  `json:"acceptance"`
	Samples    int64     `json:"samples"`
	Ranks      int       `json:"ranks"`
	Walkers    int       `json:"walkers"`
	Iterations int       `json:"iterations"`
	Exact      *float64  `json:"exact"`
	Parameters []float64 `json:"parameters"`
	Seed       int64     `json:"seed"`
	Config     string    `json:"config"`
	// Sites is the number of lattice sites (spin systems), else 0.
	Sites int `json:"sites,omitempty"`
	// Reference is output.reference, the energy the plots measure the
	// run against (else Exact); omitted when unset.
	Reference *float64 `json:"reference,omitempty"`

	// Run metadata. Model names the wave function's factors ("rbm×pade"),
	// Shapes the blocks of Parameters in order; Units the units of the
	// energies and lengths. Run is the part that differs between two runs
	// computing the same numbers (where and when they ran).
	Model  string       `json:"model,omitempty"`
	Shapes []ParamShape `json:"parameter_shapes,omitempty"`
	Units  *Units       `json:"units,omitempty"`
	Run    *RunInfo     `json:"run,omitempty"`

	// Lanczos is the Lanczos step after production
	// (production.lanczos_samples), omitted without one.
	Lanczos *Lanczos `json:"lanczos,omitempty"`

	// GFMC is the projection after production ([gfmc]), omitted without
	// one.
	GFMC *GFMC `json:"gfmc,omitempty"`
}

// Lanczos is result.json's record of one Lanczos step (vmc.LanczosStep):
// the energy and variance of ψ and of ψ₁ = (1 + β(H − E))ψ from their
// own samples, with jackknife error bars, and the zero-variance
// extrapolation through the two (not variational).
type Lanczos struct {
	Samples           int      `json:"samples"`
	Energy            *float64 `json:"energy"`
	Error             *float64 `json:"error"`
	Variance          *float64 `json:"variance"`
	Energy1           *float64 `json:"energy1"`
	Error1            *float64 `json:"error1"`
	Variance1         *float64 `json:"variance1"`
	Beta              *float64 `json:"beta"`
	Lowering          *float64 `json:"lowering"`
	LoweringError     *float64 `json:"lowering_error"`
	Extrapolated      *float64 `json:"extrapolated"`
	ExtrapolatedError *float64 `json:"extrapolated_error"`
}

// NewLanczos is the record of r.
func NewLanczos(r *vmc.LanczosResult) *Lanczos {
	return &Lanczos{Samples: r.Samples, Energy: num(r.Energy), Error: num(r.EnergyError), Variance: num(r.Variance),
		Energy1: num(r.Energy1), Error1: num(r.Energy1Error), Variance1: num(r.Variance1), Beta: num(r.Beta),
		Lowering: num(r.Lowering), LoweringError: num(r.LoweringError),
		Extrapolated: num(r.Extrapolated), ExtrapolatedError: num(r.ExtrapErr)}
}

// GFMC is result.json's record of a GFMC projection (vmc.Lattice.GFMC):
// the mixed estimator E_p at p = project with its jackknife error, and at
// the smaller p listed, to show its convergence; fixed_node says that
// moves violating ψ's signs were dropped (energy then an upper bound),
// sign_violation what part of Σ|ψ(s')H_{s's}/ψ(s)| they carried;
// trial_energy is the mean local energy of the starting population (ψ's
// energy from those walkers alone, a rough check).
type GFMC struct {
	Walkers       int        `json:"walkers"`
	Steps         int        `json:"steps"`
	Tau           float64    `json:"tau"`
	Project       int        `json:"project"`
	Energy        *float64   `json:"energy"`
	Error         *float64   `json:"error"`
	Projections   []int      `json:"projections"`
	Energies      []*float64 `json:"energies"`
	Errors        []*float64 `json:"errors"`
	FixedNode     bool       `json:"fixed_node"`
	SignViolation *float64   `json:"sign_violation"`
	Jumps         float64    `json:"jumps"`
	TrialEnergy   *float64   `json:"trial_energy"`
}

// NewGFMC is the record of r.
func NewGFMC(r *vmc.GFMCResult) *GFMC {
	g := &GFMC{Walkers: r.Walkers, Steps: r.Steps, Tau: r.Tau, Project: r.Project,
		Energy: num(r.Energy), Error: num(r.EnergyError), Projections: r.Projections,
		FixedNode: r.FixedNode, SignViolation: num(r.SignViolation), Jumps: r.Jumps, TrialEnergy: num(r.VMCEnergy)}
	for k := range r.Energies {
		g.Energies = append(g.Energies, num(r.Energies[k]))
		g.Errors = append(g.Errors, num(r.Errors[k]))
	}
	return g
}

// NewResult is the result.json of a run's result; seed and config (the
// configuration's source) identify the run, sites is the number of
// lattice sites (0 for particles in a trap).
func NewResult(res *vmc.Result, seed int64, config string, sites int) Result {
	r := Result{
		Energy: num(res.Energy), Error: num(res.Error), Variance: num(res.Variance), Acceptance: num(res.Acceptance),
		Tau: num(res.Tau), ESS: num(res.ESS), RHat: num(res.RHat), Short: res.Short, Warning: res.Warning,
		Samples: res.Samples, Ranks: res.Ranks, Walkers: res.Walkers, Iterations: res.Iterations,
		Parameters: res.Params, Seed: seed, Config: config, Sites: sites,
	}
	if res.HasExact {
		r.Exact = num(res.Exact)
	}
	return r
}

// num is x, or nil (JSON null) when x is not finite.
func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// WriteResult writes result.json; a non-finite parameter is an error (a
// result is worth keeping only when it can be restarted from).
func WriteResult(path string, r Result) error {
	for _, p := range r.Parameters {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return fmt.Errorf("result: non-finite parameter %g", p)
		}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("result: %w", err)
	}
	return WriteFile(path, append(b, '\n'))
}

// Parameters is the schema of parameters.json: the parameters of a run
// that failed, after Iteration iterations, and why it failed.
type Parameters struct {
	Iteration  int       `json:"iteration"`
	Error      string    `json:"error"`
	Parameters []float64 `json:"parameters"`
}

// WriteParameters saves the parameters of a run that failed, with the
// iteration and the reason, so that nothing computed is lost.
func WriteParameters(path string, iteration int, reason error, params []float64) error {
	return WriteJSON(path, Parameters{iteration, reason.Error(), params})
}

// WriteHistory writes history.csv: a header of vmc.HistoryColumns, then
// one row per record, numbers in the shortest form that reads back
// exactly.
func WriteHistory(path string, hist []vmc.Record) error {
	var b strings.Builder
	b.WriteString(strings.Join(vmc.HistoryColumns, ","))
	b.WriteByte('\n')
	for _, r := range hist {
		for i, v := range r.Row() {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return WriteFile(path, []byte(b.String()))
}

// Exact is the schema of exact.json, the exact ground state of a spin
// lattice (vmcmpi exact): the lattice, the energy and the Lanczos run.
type Exact struct {
	Model      string   `json:"model"`
	Lattice    string   `json:"lattice"`
	Length     int      `json:"length"`
	PBC        bool     `json:"pbc"`
	Coupling   float64  `json:"coupling"`
	Field      float64  `json:"field"`
	Energy     float64  `json:"energy"`
	PerSite    float64  `json:"energy_per_site"`
	ClosedForm *float64 `json:"closed_form"` // free-fermion value of the periodic TFIM chain
	Source     string   `json:"config"`
	exact.Result
	// Observables of the ground state (vmcmpi exact computes them for
	// lattices of up to 20 sites), as VMC's observables.json defines them.
	Observables *exact.Observables `json:"observables,omitempty"`
}

// WriteDensity writes density.csv, the radial density of a production.
func WriteDensity(path string, d *vmc.Density) error {
	var b bytes.Buffer
	if err := d.WriteCSV(&b); err != nil {
		return err
	}
	return WriteFile(path, b.Bytes())
}
