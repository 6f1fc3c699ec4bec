// Package vmctest runs the VMC driver end to end for tests of the packages
// that build systems on top of it.
package vmctest

import (
	"context"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// Run builds a driver for sys on c and runs it to the end.
func Run(c comm.Comm, sys vmc.System, opt vmc.Options) (*vmc.Result, error) {
	d, err := vmc.New(c, sys, opt)
	if err != nil {
		return nil, err
	}
	return d.Run(context.Background())
}

// MustRun is Run that stops the test on any error.
func MustRun(t testing.TB, c comm.Comm, sys vmc.System, opt vmc.Options) *vmc.Result {
	t.Helper()
	res, err := Run(c, sys, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
