package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/checkpoint"
)

func TestSignalStopsContext(t *testing.T) {
	// SLURM's --signal warning and its time-limit/preemption signal.
	for _, sig := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGTERM} {
		ctx, stop := signalContext()
		if err := syscall.Kill(os.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("%v did not cancel the run's context", sig)
		}
		stop()
	}
}

// coulombArgs is a small run with a non-zero variance (two bosons with
// Coulomb repulsion), so that any lost state would change the numbers.
func coulombArgs(dir string, extra ...string) []string {
	args := []string{"-out", dir, "-config", "../../configs/bosons-2d.toml",
		"-set", "system.interaction=coulomb", "-set", "optimizer.kind=adam", "-set", "optimizer.learning_rate=0.05",
		"-set", "optimizer.iterations=6", "-set", "sampler.walkers=2", "-set", "sampler.samples=300",
		"-set", "sampler.burnin=100", "-set", "production.samples=3000", "-set", "output.progress=none"}
	return append(args, extra...)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dropWall removes the wall-clock column (the last) of history.csv.
func dropWall(b []byte) string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		out = append(out, line[:strings.LastIndexByte(line, ',')])
	}
	return strings.Join(out, "\n")
}

// sameRun checks that two run directories hold bit-identical results.
func sameRun(t *testing.T, got, want string) {
	t.Helper()
	if g, w := resultNumbers(t, filepath.Join(got, "result.json")), resultNumbers(t, filepath.Join(want, "result.json")); g != w {
		t.Fatalf("result.json differs:\n%s\nuninterrupted:\n%s", g, w)
	}
	for _, f := range []string{"density.csv"} {
		if g, w := readFile(t, filepath.Join(got, f)), readFile(t, filepath.Join(want, f)); !bytes.Equal(g, w) {
			t.Fatalf("%s differs:\n%s\nuninterrupted:\n%s", f, g, w)
		}
	}
	if g, w := dropWall(readFile(t, filepath.Join(got, "history.csv"))), dropWall(readFile(t, filepath.Join(want, "history.csv"))); g != w {
		t.Fatalf("history differs:\n%s\nuninterrupted:\n%s", g, w)
	}
}

// stoppedContext makes runRun behave as if a stop arrived as the run
// began: all ranks see it in their first sweeps, discard the iteration
// and stop before it, with a checkpoint. It returns the undo.
func stoppedContext() (restore func()) {
	old := signalContext
	signalContext = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	}
	return func() { signalContext = old }
}

func TestRunResumeBitIdentical(t *testing.T) {
	root := t.TempDir()
	var out bytes.Buffer
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"optimisation", nil},
		{"production", []string{"-set", "optimizer.iterations=0"}}, // the stop lands in production
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := filepath.Join(root, tc.name+"-ref")
			if err := runRun(coulombArgs(ref, tc.extra...), &out, &out); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(root, tc.name+"-stopped")
			func() {
				defer stoppedContext()()
				err := runRun(coulombArgs(dir, tc.extra...), &out, &out)
				if err == nil || !strings.Contains(err.Error(), "-resume "+dir) {
					t.Fatalf("stopped run: err = %v, want advice to resume", err)
				}
			}()
			if _, err := os.Stat(filepath.Join(dir, "result.json")); err == nil {
				t.Fatal("a stopped run wrote result.json")
			}
			st, err := checkpoint.ReadFile(filepath.Join(dir, checkpoint.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if st.Iteration != 0 {
				t.Fatalf("checkpoint after %d iterations, want 0", st.Iteration)
			}
			if err := runRun(coulombArgs(dir, append(tc.extra, "-resume", dir)...), &out, &out); err != nil {
				t.Fatal(err)
			}
			sameRun(t, dir, ref)
		})
	}
}

func TestResumeFromPeriodicCheckpoint(t *testing.T) {
	// A crash loses everything after the last periodic checkpoint; the
	// resumed run must still end as the uninterrupted one.
	root := t.TempDir()
	var out bytes.Buffer
	ref := filepath.Join(root, "ref")
	if err := runRun(coulombArgs(ref, "-set", "output.checkpoint_every=4"), &out, &out); err != nil {
		t.Fatal(err)
	}
	st, err := checkpoint.ReadFile(filepath.Join(ref, checkpoint.FileName))
	if err != nil {
		t.Fatal(err)
	}
	// 6 iterations: one checkpoint after 4; production: 3000 samples in
	// chunks of 1000, chunk 4 never comes, so the last is from iteration 4.
	if st.Iteration != 4 {
		t.Fatalf("last periodic checkpoint after %d iterations, want 4", st.Iteration)
	}
	crashed := filepath.Join(root, "crashed")
	if err := os.MkdirAll(crashed, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(crashed, checkpoint.FileName), readFile(t, filepath.Join(ref, checkpoint.FileName)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runRun(coulombArgs(crashed, "-set", "output.checkpoint_every=4", "-resume", crashed), &out, &out); err != nil {
		t.Fatal(err)
	}
	sameRun(t, crashed, ref)

	// Another physical setting is refused, naming the key.
	err = runRun(coulombArgs(crashed, "-set", "system.omega=0.5", "-resume", crashed), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "system.omega: checkpoint has 1, this run has 0.5") {
		t.Fatalf("resume with another omega: %v", err)
	}
	// -out and -resume must agree.
	if err := runRun([]string{"-out", ref, "-resume", crashed}, &out, &out); err == nil {
		t.Fatal("-out and -resume of different directories accepted")
	}
}
