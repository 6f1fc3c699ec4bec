package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/vmcmpi/vmcmpi/config"
)

// newFlagSet returns the flag set of subcommand name: it reports to stderr,
// and -h prints usage followed by the flag defaults.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	return fs
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// configFlags are the flags of the subcommands that read a run
// configuration: -config FILE, repeatable -set key=value and -out DIR.
type configFlags struct {
	path string
	sets stringList
	out  string
}

// register defines the three flags on fs; configHelp describes -config and
// setExample is an override shown in the help of -set.
func (f *configFlags) register(fs *flag.FlagSet, configHelp, setExample string) {
	fs.StringVar(&f.path, "config", "", configHelp)
	fs.Var(&f.sets, "set", "override one key, `key=value` (e.g. "+setExample+"); repeatable")
	fs.StringVar(&f.out, "out", "", "output `directory` (default: output.dir of the configuration)")
}

// parse parses args, which hold flags only.
func (f *configFlags) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags come as -config FILE, -set key=value, -out DIR)", fs.Arg(0))
	}
	return nil
}

// load reads the configuration with the -set overrides applied; -out, when
// given, replaces output.dir.
func (f *configFlags) load() (*config.Config, error) {
	cfg, err := config.Load(f.path, f.sets)
	if err != nil {
		return nil, err
	}
	if f.out != "" {
		cfg.Output.Dir = f.out
	}
	return cfg, nil
}

// parseStudy defines -config (required) and -out on fs, parses args (flags
// only) and returns the configuration file and the output directory ("" for
// the configuration's own); example names a configuration for the message.
func parseStudy(fs *flag.FlagSet, args []string, example string) (path, out string, err error) {
	p := fs.String("config", "", "TOML configuration `file` (required; e.g. "+example+")")
	o := fs.String("out", "", "output `directory` (default: output.dir of the configuration)")
	if err := fs.Parse(args); err != nil {
		return "", "", err
	}
	if fs.NArg() > 0 {
		return "", "", fmt.Errorf("unexpected argument %q (flags come as -config FILE, -out DIR)", fs.Arg(0))
	}
	if *p == "" {
		fs.Usage()
		return "", "", fmt.Errorf("-config FILE is required (e.g. %s)", example)
	}
	return *p, *o, nil
}
