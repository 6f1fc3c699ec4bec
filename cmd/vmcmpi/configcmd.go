package main

import (
	"fmt"
	"io"
)

func init() {
	register("config", command{summary: "print the effective run configuration: every key, its default, unit and range", run: runConfig})
}

const configUsage = `usage: vmcmpi config [-config FILE] [-set key=value ...] [-out DIR]

Prints the configuration vmcmpi run would use with the same flags, as
TOML: every key with its value (defaults filled in; those that follow
the trap, such as σ² = 1/ω, as their values with the rule in a comment),
each preceded by a comment with its meaning, unit and range. The printed
file runs bit-identically to the original. Keys the chosen kinds do not
read are marked "unused"; those the file or -set sets anyway are warned
about on stderr. The output is a configuration file of its own:

    vmcmpi config -config configs/bosons-2d.toml -set system.omega=0.5 > my.toml
    vmcmpi run -config my.toml

flags:
`

func runConfig(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("config", configUsage, stderr)
	var cf configFlags
	cf.register(fs, "TOML configuration `file` (default: the embedded default)", "system.omega=0.5")
	if err := cf.parse(fs, args); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(stderr, "vmcmpi config: warning:", w)
	}
	return cfg.WriteTOML(stdout)
}
