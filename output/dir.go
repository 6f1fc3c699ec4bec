package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/vmcmpi/vmcmpi/comm"
)

// ProbeDir makes dir if needed and proves that files can be written in it
// before a run spends hours: it creates, writes and removes a temporary
// file, and refuses when one of the named files exists but is not a
// regular file (a directory or a device there would fail the final
// rename, after the work is done).
func ProbeDir(dir string, files ...string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	_, werr := f.Write([]byte("probe\n"))
	cerr := f.Close()
	rerr := os.Remove(f.Name())
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	for _, name := range files {
		p := filepath.Join(dir, name)
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if !fi.Mode().IsRegular() && fi.Mode()&os.ModeSymlink == 0 {
			return fmt.Errorf("output %s exists and is not a regular file (%s): the run could not replace it", p, fi.Mode().Type())
		}
	}
	return nil
}

// LockName is the lock file that Lock holds in an output directory.
const LockName = ".vmcmpi.lock"

// Lock takes an exclusive lock on dir (flock of dir/.vmcmpi.lock, which
// holds the owner's pid) so that two runs cannot mix their files in one
// directory. A second run is refused with the holder's pid. The lock
// ends with the process or with unlock; the file stays, as removing it
// would let a third run lock a fresh file while the second holds the old.
func Lock(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "another process"
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b[:n]))); perr == nil {
				holder = fmt.Sprintf("process %d", pid)
			}
			return nil, fmt.Errorf("output directory %s is in use by %s (lock %s): choose another -out or wait for it to end", dir, holder, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() { f.Close() }, nil
}

// FallbackError is a write that failed after the work was done: the
// document went to Path (in the temporary directory) instead, and Data
// holds it, for the caller to show as well.
type FallbackError struct {
	Err  error  // the failed write
	Path string // where the document is, "" when the fallback failed too
	Data []byte
}

func (e *FallbackError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%v; a copy could not be saved either (it is printed on stdout)", e.Err)
	}
	return fmt.Sprintf("%v; a copy is saved in %s", e.Err, e.Path)
}

func (e *FallbackError) Unwrap() error { return e.Err }

// Fallback saves v as JSON in a new file named after name in the
// temporary directory, after err prevented writing it where it belonged,
// and returns a *FallbackError that names the copy.
func Fallback(err error, name string, v any) error {
	b, merr := json.MarshalIndent(v, "", "  ")
	if merr != nil {
		return errors.Join(err, merr)
	}
	b = append(b, '\n')
	fe := &FallbackError{Err: err, Data: b}
	f, ferr := os.CreateTemp("", "vmcmpi-*-"+name)
	if ferr != nil {
		return fe
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr == nil && cerr == nil {
		fe.Path = f.Name()
	} else {
		os.Remove(f.Name())
	}
	return fe
}

// LockOn is collective: rank 0 of c takes Lock(dir) and every rank learns
// whether it got it, so that a refused run ends on all ranks at once. The
// other ranks' unlock does nothing.
func LockOn(c comm.Comm, dir string) (unlock func(), err error) {
	unlock = func() {}
	if c.Rank() == 0 {
		unlock, err = Lock(dir)
		if err != nil {
			unlock = func() {}
		}
	}
	if err = comm.Agree(c, err); err != nil {
		unlock()
		return func() {}, err
	}
	return unlock, nil
}
