// Package progress reports how far a long computation has come: a live bar
// with an ETA on a terminal, or one plain line every few seconds when the
// output is a file (a SLURM log), so logs stay readable and small.
//
// Lines may start with a timestamp (Options.Timestamps). The writer and
// the clock are injected, so the output is testable. A nil
// *Reporter is valid and silent, which suits the ranks that do not print.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Mode selects how progress is shown.
type Mode int

// Modes. Auto picks Bar when the writer is a terminal and Lines otherwise.
const (
	Auto Mode = iota
	Bar
	Lines
	None
)

var modeNames = []string{"auto", "bar", "lines", "none"}

func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode converts "auto", "bar", "lines" or "none" (the config value
// output.progress; empty means auto).
func ParseMode(s string) (Mode, error) {
	if s == "" {
		return Auto, nil
	}
	for i, n := range modeNames {
		if s == n {
			return Mode(i), nil
		}
	}
	return 0, fmt.Errorf("progress mode %q: want one of %s", s, strings.Join(modeNames, ", "))
}

// IsTerminal reports whether w is a character device such as a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Options tune a Reporter; the zero value is usable.
type Options struct {
	Mode Mode
	// Interval between lines in Lines mode (0: 5 s).
	Interval time.Duration
	// Refresh is the shortest time between redraws of the bar (0: 200 ms).
	Refresh time.Duration
	// Width of the bar in characters (0: 30).
	Width int
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Start is the work already done when the reporter is made (a resumed
	// run): the ETA is estimated from the rate of the work since then.
	Start int
	// Timestamps starts every line of Lines mode with the time (Stamp),
	// so that a log says when each line was written.
	Timestamps bool
}

// Stamp is the time t as a log line's prefix: RFC 3339 in UTC, to the
// second ("2026-03-01T14:05:09Z").
func Stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Reporter shows the progress of one phase of work of known size.
type Reporter struct {
	w       io.Writer
	mode    Mode
	label   string
	total   int
	opt     Options
	start   time.Time
	last    time.Time
	lastLen int
	printed bool
}

// New returns a reporter for total units of work named label, or nil when
// the mode is None (a nil Reporter does nothing).
func New(w io.Writer, total int, label string, opt Options) *Reporter {
	if opt.Mode == Auto {
		opt.Mode = Lines
		if IsTerminal(w) {
			opt.Mode = Bar
		}
	}
	if opt.Mode == None || w == nil {
		return nil
	}
	if opt.Interval <= 0 {
		opt.Interval = 5 * time.Second
	}
	if opt.Refresh <= 0 {
		opt.Refresh = 200 * time.Millisecond
	}
	if opt.Width <= 0 {
		opt.Width = 30
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	now := opt.Now()
	return &Reporter{w: w, mode: opt.Mode, label: label, total: total, opt: opt, start: now, last: now}
}

// Update reports that done units are complete; status is a short text shown
// after the counts (for example the current energy). It prints only when
// the bar's refresh time or the line interval has passed.
func (r *Reporter) Update(done int, status string) {
	if r == nil {
		return
	}
	now := r.opt.Now()
	wait := r.opt.Interval
	if r.mode == Bar {
		wait = r.opt.Refresh
	}
	if now.Sub(r.last) < wait && (r.printed || r.mode == Lines) {
		return
	}
	r.last = now
	r.emit(done, status, now, false)
}

// Finish prints the final state and ends the bar's line. In Lines mode
// a phase shorter than one interval that printed nothing stays silent, so
// quick runs do not fill logs.
func (r *Reporter) Finish(done int, status string) {
	if r == nil {
		return
	}
	now := r.opt.Now()
	if r.mode == Lines && !r.printed && now.Sub(r.start) < r.opt.Interval {
		return
	}
	r.emit(done, status, now, true)
}

func (r *Reporter) emit(done int, status string, now time.Time, final bool) {
	r.printed = true
	elapsed := now.Sub(r.start)
	frac := 0.0
	if r.total > 0 {
		frac = min(max(float64(done)/float64(r.total), 0), 1)
	}
	eta := "?"
	if final {
		eta = "done"
	} else if d := done - r.opt.Start; d > 0 && r.total > 0 {
		eta = fmtDuration(time.Duration(float64(elapsed) * float64(r.total-done) / float64(d)))
	}
	if status != "" {
		status = "  " + status
	}
	switch r.mode {
	case Bar:
		fill := int(frac * float64(r.opt.Width))
		bar := strings.Repeat("=", fill)
		if fill < r.opt.Width {
			bar += ">" + strings.Repeat(" ", r.opt.Width-fill-1)
		}
		line := fmt.Sprintf("%s [%s] %3.0f%% %d/%d  %s  ETA %s%s", r.label, bar, 100*frac, done, r.total, fmtDuration(elapsed), eta, status)
		pad := ""
		if n := r.lastLen - len(line); n > 0 {
			pad = strings.Repeat(" ", n) // wipe the rest of a longer previous line
		}
		r.lastLen = len(line)
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(r.w, "\r%s%s%s", line, pad, end)
	case Lines:
		if r.opt.Timestamps {
			fmt.Fprintf(r.w, "%s ", Stamp(now))
		}
		fmt.Fprintf(r.w, "%s %d/%d (%.0f%%) elapsed %s ETA %s%s\n", r.label, done, r.total, 100*frac, fmtDuration(elapsed), eta, status)
	}
}

// fmtDuration prints 59s, 3m07s, 2h05m.
func fmtDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}
