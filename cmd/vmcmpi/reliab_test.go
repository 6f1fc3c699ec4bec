package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/internal/repotest"
	"github.com/vmcmpi/vmcmpi/output"
)

// tiny is a run of a second or less.
func tiny(dir string, extra ...string) []string {
	return append([]string{"-config", "../../configs/bosons-2d.toml", "-out", dir, "-set", "optimizer.iterations=2",
		"-set", "sampler.samples=200", "-set", "production.samples=400", "-set", "output.progress=none"}, extra...)
}

// An output that cannot be written is found before the run: no work is
// done, and the error says why.
func TestRunProbesOutputFirst(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "result.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := runRun(tiny(dir), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
	if _, serr := os.Stat(filepath.Join(dir, "history.csv")); serr == nil {
		t.Error("the run went ahead: history.csv written")
	}
	if exitCode(err) != exitFailure || !strings.Contains(errOut.String(), "not a regular file") {
		t.Errorf("exit %d, stderr %q", exitCode(err), errOut.String())
	}
}

// A result that cannot be written at the end is printed and saved in a
// fallback file named in the error.
func TestRunResultFallback(t *testing.T) {
	dir := t.TempDir()
	// Lets the probe pass, then turns result.json into a directory.
	old := afterRunHook
	afterRunHook = func(d string) { os.Mkdir(filepath.Join(d, "result.json"), 0o755) }
	defer func() { afterRunHook = old }()
	var out bytes.Buffer
	err := runRun(tiny(dir), &out, &out)
	var fb *output.FallbackError
	if err == nil || !errors.As(err, &fb) || fb.Path == "" {
		t.Fatalf("err = %v", err)
	}
	defer os.Remove(fb.Path)
	if !strings.Contains(err.Error(), fb.Path) || !strings.Contains(out.String(), "energy = ") {
		t.Errorf("err %v, stdout %q", err, out.String())
	}
	if r, rerr := output.ReadResult(fb.Path); rerr != nil || r.Energy == nil {
		t.Errorf("fallback %s: %v", fb.Path, rerr)
	}
}

// A fresh run refuses a directory holding a checkpoint; -force replaces
// it; -resume alone continues from the configuration it stores.
func TestRunCheckpointGuardAndResumeAlone(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := coulombArgs(dir)
	func() {
		defer stoppedContext()()
		if err := runRun(args, &out, &out); exitCode(err) != exitResume {
			t.Fatalf("stopped run: exit %d, err %v", exitCode(err), err)
		}
	}()
	ck := readFile(t, filepath.Join(dir, "checkpoint.bin"))
	err := runRun(args, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "-resume "+dir) || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("fresh run over a checkpoint: %v", err)
	}
	if !bytes.Equal(ck, readFile(t, filepath.Join(dir, "checkpoint.bin"))) {
		t.Fatal("the refused run changed the checkpoint")
	}
	if err := runRun([]string{"-resume", dir, "-set", "output.progress=none"}, &out, &out); err != nil {
		t.Fatalf("-resume alone: %v", err)
	}
	ref := t.TempDir()
	if err := runRun(coulombArgs(ref), &out, &out); err != nil {
		t.Fatal(err)
	}
	// Bit-identical, apart from the configuration's source and the run
	// metadata (times).
	noSource := func(d string) string { return resultNumbers(t, filepath.Join(d, "result.json"), "config") }
	if g, w := noSource(dir), noSource(ref); g != w {
		t.Fatalf("-resume alone:\n%s\nuninterrupted:\n%s", g, w)
	}
	if err := runRun(append(coulombArgs(dir), "-force"), &out, &out); err != nil {
		t.Fatalf("-force: %v", err)
	}
}

// A second run into a locked directory is refused with the holder's pid.
func TestRunLockedDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := output.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	// flock locks belong to the open file: a second open in the same
	// process conflicts as another process would.
	var out bytes.Buffer
	err = runRun(tiny(dir), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "in use by process") {
		t.Fatalf("err = %v", err)
	}
}

// A run that blows up keeps the last good parameters, and its message
// stays short however many parameters there are.
func TestRunDivergenceKeepsLastGood(t *testing.T) {
	for _, extra := range [][]string{
		{"-set", "optimizer.kind=gd", "-set", "optimizer.learning_rate=1e300"},
		{"-set", "wavefunction.hidden=2000", "-set", "optimizer.learning_rate=1e6"},
	} {
		dir := t.TempDir()
		args := append([]string{"-out", dir, "-set", "optimizer.iterations=3", "-set", "sampler.samples=100", "-set", "sampler.burnin=10",
			"-set", "production.samples=200", "-set", "output.progress=none"}, extra...)
		var out, errOut bytes.Buffer
		err := runRun(args, &out, &errOut)
		if err == nil || exitCode(err) != exitFailure {
			t.Fatalf("%v: err %v", extra, err)
		}
		if len(err.Error()) > 1000 || !strings.Contains(err.Error(), "parameters.json") {
			t.Errorf("%v: message of %d bytes: %.300s", extra, len(err.Error()), err)
		}
		var p struct{ Parameters []float64 }
		if b := readFile(t, filepath.Join(dir, "parameters.json")); json.Unmarshal(b, &p) != nil || len(p.Parameters) == 0 {
			t.Fatalf("%v: parameters.json %.200s", extra, b)
		}
		for _, x := range p.Parameters {
			if math.Abs(x) > 1e3 {
				t.Fatalf("%v: parameters.json holds %g, not the last good parameters", extra, x)
			}
		}
	}
}

// regress, bma, landscape and ising take the same lock as run: a second
// run into a directory in use is refused before any work.
func TestStudyCommandsLockedDir(t *testing.T) {
	root := repotest.Root(t)
	for _, c := range []struct {
		run    func([]string, io.Writer, io.Writer) error
		config string
	}{
		{runRegress, "configs/regress/liquid-drop.toml"},
		{runBMA, "configs/regress/bma-ame2020.toml"},
		{runLandscape, "configs/regress/landscape.toml"},
		{runIsing, "configs/ising/ising-4-small.toml"},
	} {
		dir := t.TempDir()
		unlock, err := output.Lock(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err = c.run([]string{"-config", filepath.Join(root, c.config), "-out", dir}, &out, &out)
		unlock()
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("in use by process %d", os.Getpid())) {
			t.Errorf("%s: err = %v", c.config, err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("%s: the refused run wrote into %s: %v", c.config, dir, ents)
		}
	}
}

// A full file system (a 1 MiB tmpfs, mounted as root): a resume into it
// is refused before any work with the system's own reason; when the disk
// fills after the work, the energy is printed and result.json is saved in
// the temporary directory (or printed on stdout when that is full too);
// the checkpoint resumed from is never damaged.
func TestRunFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("a full disk is tested on a small tmpfs, which only root can mount: skipped")
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("could not mount a tmpfs on %s (%v): full-disk test skipped", mnt, err)
	}
	defer syscall.Unmount(mnt, syscall.MNT_DETACH)
	dir := filepath.Join(mnt, "run")
	var out bytes.Buffer
	func() {
		defer stoppedContext()()
		if err := runRun(coulombArgs(dir), &out, &out); exitCode(err) != exitResume {
			t.Fatalf("stopped run: %v", err)
		}
	}()
	cp := filepath.Join(dir, checkpoint.FileName)
	saved := readFile(t, cp)
	filler := filepath.Join(mnt, "filler")
	fill := func() {
		f, err := os.Create(filler)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		page := make([]byte, 4096)
		for {
			if _, err := f.Write(page); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("filling the tmpfs: %v", err)
				}
				return
			}
		}
	}
	intact := func(what string) {
		t.Helper()
		if _, err := checkpoint.ReadFile(cp); err != nil {
			t.Fatalf("%s: the checkpoint is damaged: %v", what, err)
		}
	}

	fill()
	var errOut bytes.Buffer
	err := runRun(coulombArgs(dir, "-resume", dir), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(errOut.String(), "no space left") {
		t.Fatalf("resume into a full disk: err %v, stderr %q", err, errOut.String())
	}
	t.Logf("resume into a full disk: %v", err)
	if !bytes.Equal(readFile(t, cp), saved) {
		t.Fatal("a refused resume changed the checkpoint")
	}
	os.Remove(filler)

	for _, tmpFull := range []bool{false, true} {
		if tmpFull {
			t.Setenv("TMPDIR", mnt)
		}
		old := afterRunHook
		afterRunHook = func(string) { fill() }
		var stdout bytes.Buffer
		err := runRun(coulombArgs(dir, "-resume", dir), &stdout, &stdout)
		afterRunHook = old
		os.Remove(filler)
		var fb *output.FallbackError
		if !errors.As(err, &fb) || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(stdout.String(), "energy = ") {
			t.Fatalf("TMPDIR full %v: err %v, stdout %q", tmpFull, err, stdout.String())
		}
		switch {
		case tmpFull && (fb.Path != "" || !strings.Contains(stdout.String(), `"energy"`)):
			t.Errorf("full TMPDIR: fallback %q, result.json not printed: %q", fb.Path, stdout.String())
		case !tmpFull:
			if r, rerr := output.ReadResult(fb.Path); rerr != nil || r.Energy == nil {
				t.Errorf("fallback %q: %v", fb.Path, rerr)
			}
			os.Remove(fb.Path)
		}
		t.Logf("TMPDIR full %v: %v", tmpFull, err)
		intact(fmt.Sprintf("TMPDIR full %v", tmpFull))
	}
}

// helperArgs, set in a child's environment, makes TestHelperDispatch run
// the command line it holds (separated by US, \x1f) and exit with its code: the
// signal tests need a process of their own.
const helperArgs = "VMCMPI_TEST_DISPATCH"

func TestHelperDispatch(t *testing.T) {
	args := os.Getenv(helperArgs)
	if args == "" {
		t.Skip("runs only as the child of a signal test")
	}
	os.Exit(dispatch(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
}

// signalled runs vmcmpi run with args in a child process, sends SIGTERM once
// ready() is true (polled every 50 ms), and returns the exit code, the
// seconds from the signal to the exit and stderr.
func signalled(t *testing.T, ready func() bool, args ...string) (code int, secs float64, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDispatch$")
	cmd.Env = append(os.Environ(), helperArgs+"="+strings.Join(append([]string{"run"}, args...), "\x1f"))
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Guards only: the child would otherwise run for hours.
	deadline := time.After(2 * time.Minute)
	for !ready() {
		select {
		case err := <-done:
			t.Fatalf("the run ended before the signal: %v\n%s", err, errOut.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("the run never got ready for the signal")
		case <-time.After(50 * time.Millisecond):
		}
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 2 minutes after SIGTERM\n%s", errOut.String())
	}
	return cmd.ProcessState.ExitCode(), time.Since(start).Seconds(), errOut.String()
}

// SIGTERM during set-up or the first burn-in (here one of 10⁹ sweeps),
// before there is anything to checkpoint, ends the run at once, exit 1.
func TestSignalDuringSetupEndsAtOnce(t *testing.T) {
	dir := t.TempDir()
	begun := time.Now()
	code, secs, stderr := signalled(t, func() bool { return time.Since(begun) > time.Second },
		tiny(dir, "-set", "sampler.burnin=1000000000")...)
	if code != exitFailure || !strings.Contains(stderr, "nothing new to checkpoint") {
		t.Fatalf("exit %d after %.1f s, stderr %q", code, secs, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, checkpoint.FileName)); err == nil {
		t.Error("a checkpoint was written before the first iteration ended")
	}
}

// SIGTERM in the middle of a long iteration stops the run at the last
// completed one, exit 75: the unfinished iteration is discarded (so that
// the resume stays bit-identical, which vmc's tests check) instead of
// waited for.
func TestSignalMidIterationStopsAtBoundary(t *testing.T) {
	if testing.Short() {
		t.Skip("samples a few seconds")
	}
	dir := t.TempDir()
	cp := filepath.Join(dir, checkpoint.FileName)
	var seen time.Time
	code, _, stderr := signalled(t, func() bool {
		if seen.IsZero() {
			if _, err := os.Stat(cp); err == nil {
				seen = time.Now() // iteration 1 is done and saved
			}
		}
		return !seen.IsZero() && time.Since(seen) > 300*time.Millisecond
	}, tiny(dir, "-set", "optimizer.iterations=3", "-set", "sampler.samples=3000000", "-set", "output.checkpoint_every=1")...)
	if code != exitResume || !strings.Contains(stderr, "during iteration 2, discarded") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if st, err := checkpoint.ReadFile(cp); err != nil || st.Iteration != 1 {
		t.Fatalf("checkpoint: %v", err)
	}
}
