// Command vmcmpi finds quantum ground states by variational Monte Carlo with
// neural-network trial wave functions, and fits and averages regression
// models of physics data. It runs as one process, under mpirun, or under
// SLURM's srun; every rank runs the same command.
//
// Usage:
//
//	vmcmpi <command> [flags]
//
// Run "vmcmpi help" for the list of commands and "vmcmpi <command> -h" for
// the flags of one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/vmcmpi/vmcmpi/config"
)

// command is one subcommand. run parses its own flags from args and returns
// an error; only main prints it and picks the exit code.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

// register adds a subcommand; each lives in a file of its own.
func register(name string, c command) {
	if _, dup := commands[name]; dup {
		panic("vmcmpi: command registered twice: " + name)
	}
	commands[name] = c
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: vmcmpi <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'vmcmpi <command> -h' for the flags of a command.")
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// dispatch runs the command named by args[0] and returns the exit code.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "vmcmpi: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	err := c.run(args[1:], stdout, stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var rep *reportedError
	if !errors.As(err, &rep) {
		fmt.Fprintf(stderr, "vmcmpi %s: %v\n", args[0], err)
	}
	return exitCode(err)
}

// Exit codes, documented in README.md. A batch script requeues a job only
// on exitResume: any other failure would fail the same way again.
const (
	exitOK      = 0
	exitFailure = 1  // any error: bad configuration, divergence, I/O
	exitUsage   = 2  // unknown command
	exitResume  = 75 // stopped on a signal, checkpoint written: rerun with -resume DIR (sysexits EX_TEMPFAIL)
)

// exitCode is exitResume for a run stopped with its state saved,
// exitFailure for every other error.
func exitCode(err error) int {
	var stopped *config.StoppedError
	if errors.As(err, &stopped) {
		return exitResume
	}
	return exitFailure
}

// reportedError is an error the command has printed itself (before
// finalising MPI, so that it is not lost when the launcher tears the job
// down); dispatch only picks its exit code.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }
