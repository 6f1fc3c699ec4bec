package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vmcmpi/vmcmpi/exact"
	"github.com/vmcmpi/vmcmpi/output"
)

func init() {
	register("exact", command{summary: "exact ground-state energy of a small spin lattice (Lanczos)", run: runExact})
}

const exactUsage = `usage: vmcmpi exact -config FILE [-set key=value ...] [-out DIR] [-max-memory MiB]

Diagonalises the spin-lattice Hamiltonian of the configuration's [system]
table (model = "tfim" or "heisenberg", lattice, length, pbc, coupling,
field) by Lanczos, in the zero-magnetisation sector when the model
conserves it, and prints

    exact energy = E0 (E0/N per site)

so a variational run can be checked against it. The periodic TFIM chain
also prints its free-fermion closed form. Up to 20 sites it also computes
the ground state's observables as a run's [observables] defines them
(magnetisations, ⟨σˣ⟩, C(r), ⟨S_0·S_r⟩, S(q)) and prints the scalars. Writes DIR/exact.json (DIR
defaults to output.dir). A system that would need more than -max-memory
is refused before any work, with the bytes it would need.

Example:

    $ vmcmpi exact -config configs/heisenberg-4x4.toml
    heisenberg on square 4x4 periodic: 16 sites, Sz=0 sector of dimension 12870
    exact energy = -11.228483208 (-0.701780201 per site), residual 9e-10
    wrote out/heisenberg-4x4/exact.json

flags:
`

func runExact(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("exact", exactUsage, stderr)
	var cf configFlags
	cf.register(fs, "TOML configuration `file` with a spin-lattice [system] table", "system.length=12")
	maxMiB := fs.Int64("max-memory", exact.DefaultMaxBytes>>20, "memory limit in `MiB`")
	if err := cf.parse(fs, args); err != nil {
		return err
	}
	if cf.path == "" {
		return fmt.Errorf("-config FILE is required (a run configuration with system.model = \"tfim\" or \"heisenberg\")")
	}
	if *maxMiB <= 0 {
		return fmt.Errorf("-max-memory %d: want a positive number of MiB", *maxMiB)
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if h, err := cfg.SpinHamiltonian(); err == nil {
		if dim, _, sector := exact.Need(h, 40); dim > 0 {
			space := sector + " sector"
			if sector == "full" {
				space = "full space"
			}
			fmt.Fprintf(stdout, "%v: %d sites, %s of dimension %d\n", h, h.N, space, dim)
		}
	}
	f, err := cfg.Exact(*maxMiB << 20)
	if err != nil {
		return err
	}
	obs := f.Observables
	fmt.Fprintf(stdout, "exact energy = %.9f (%.9f per site), residual %.1g\n", f.Energy, f.PerSite, f.Result.Residual)
	if obs != nil {
		top := 0
		for k, v := range obs.SQ {
			if v > obs.SQ[top] {
				top = k
			}
		}
		fmt.Fprintf(stdout, "|m| = %.6f, σˣ = %.6f, C(1) = %.6f, ⟨S0·S1⟩ = %.6f, largest S(q) = %.6f at q = (%.4g, %.4g)\n",
			obs.AbsM, obs.SigmaX, obs.CorrZZ[1], obs.CorrSS[1], obs.SQ[top], obs.Q[top][0], obs.Q[top][1])
	}
	if f.ClosedForm != nil {
		fmt.Fprintf(stdout, "closed form  = %.9f (free fermions)\n", *f.ClosedForm)
	}
	if err := os.MkdirAll(cfg.Output.Dir, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	path := filepath.Join(cfg.Output.Dir, "exact.json")
	if err := output.WriteJSON(path, f); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	return nil
}
