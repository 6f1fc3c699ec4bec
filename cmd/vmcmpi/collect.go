package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/vmcmpi/vmcmpi/output"
)

func init() {
	register("collect", command{summary: "tabulate the result.json files of many runs (job arrays, scans) as CSV or JSON", run: runCollect})
}

const collectUsage = `usage: vmcmpi collect [-format csv|json|text] [-fields a,b,...] [-o FILE] DIR...

One table from many runs: a row per result.json found in or below each
DIR (run directories, or a scan's or job array's base directory), sorted
by path; the first column is the run's directory, then every scalar field
of result.json (or those of -fields, in that order). Numbers are copied
as written, so nothing is rounded; a null (no exact value) is an empty
CSV cell.

    vmcmpi collect runs/scan-1234
    vmcmpi collect -fields energy,error,exact -format text runs/scan-1234

flags:
`

func runCollect(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("collect", collectUsage, stderr)
	format := fs.String("format", "csv", "`csv`, json or text (aligned columns)")
	fields := fs.String("fields", "", "comma-separated `fields` of result.json to tabulate (default: all)")
	out := fs.String("o", "", "write the table to `FILE` instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("no directory given")
	}
	var sel []string
	if *fields != "" {
		for _, f := range strings.Split(*fields, ",") {
			sel = append(sel, strings.TrimSpace(f))
		}
	}
	t, err := output.Collect(fs.Args(), sel)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch *format {
	case "csv":
		err = t.WriteCSV(&b)
	case "json":
		err = t.WriteJSON(&b)
	case "text":
		err = t.WriteText(&b)
	default:
		return fmt.Errorf("-format %q: want csv, json or text", *format)
	}
	if err != nil {
		return err
	}
	if *out != "" {
		return output.WriteFile(*out, b.Bytes())
	}
	_, err = stdout.Write(b.Bytes())
	return err
}
