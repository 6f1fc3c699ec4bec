package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// clock is a fake time source advanced by the test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLinesEveryInterval(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	r := New(&buf, 100, "optimise", Options{Mode: Lines, Interval: 5 * time.Second, Now: c.now})
	for i := 1; i <= 100; i++ {
		c.t = c.t.Add(time.Second) // one unit per second: 100 s in all
		r.Update(i, "E=1.5")
	}
	r.Finish(100, "E=1.5")
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	// One line per 5 s of the 100 s, plus the final line.
	if len(lines) != 21 {
		t.Fatalf("%d lines, want 21:\n%s", len(lines), buf.String())
	}
	// At the first line, 5 of 100 done after 5 s: 95 s remain.
	if want := "optimise 5/100 (5%) elapsed 5s ETA 1m35s  E=1.5"; lines[0] != want {
		t.Fatalf("first line %q, want %q", lines[0], want)
	}
	if !strings.Contains(lines[20], "100/100 (100%) elapsed 1m40s ETA done") {
		t.Fatalf("last line %q", lines[20])
	}
	if strings.Contains(buf.String(), "\r") {
		t.Fatal("carriage return in lines mode")
	}
}

func TestQuickPhaseSilentInLines(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	r := New(&buf, 10, "quick", Options{Mode: Lines, Interval: 5 * time.Second, Now: c.now})
	c.t = c.t.Add(time.Second)
	r.Update(5, "")
	r.Finish(10, "")
	if buf.Len() != 0 {
		t.Fatalf("a 1 s phase printed %q", buf.String())
	}
	// Printed once already: the end is always shown.
	r = New(&buf, 10, "slow", Options{Mode: Lines, Interval: 5 * time.Second, Now: c.now})
	c.t = c.t.Add(6 * time.Second)
	r.Update(5, "")
	c.t = c.t.Add(time.Second)
	r.Finish(10, "")
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("slow phase printed %d lines: %q", n, buf.String())
	}
}

func TestBarRedrawsInPlace(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	r := New(&buf, 10, "sample", Options{Mode: Bar, Width: 10, Refresh: time.Second, Now: c.now})
	r.Update(0, "a much longer status text")
	c.t = c.t.Add(500 * time.Millisecond)
	r.Update(1, "") // within the refresh time: not drawn
	c.t = c.t.Add(1500 * time.Millisecond)
	r.Update(5, "")
	r.Finish(10, "")
	out := buf.String()
	draws := strings.Split(out, "\r")[1:]
	if len(draws) != 3 {
		t.Fatalf("%d draws, want 3: %q", len(draws), out)
	}
	if !strings.HasPrefix(draws[1], "sample [=====>    ]  50% 5/10  2s  ETA 2s") {
		t.Fatalf("half-way bar %q", draws[1])
	}
	if len(draws[1]) < len(strings.TrimRight(draws[0], "\n")) {
		t.Fatal("shorter line does not wipe the previous one")
	}
	if !strings.HasPrefix(draws[2], "sample [==========] 100% 10/10") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("final bar %q", draws[2])
	}
}

func TestStartOffset(t *testing.T) {
	// Resumed at 60 of 100: 10 more in 10 s leaves 30 s, not 50 s.
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	r := New(&buf, 100, "resumed", Options{Mode: Lines, Interval: time.Second, Start: 60, Now: c.now})
	c.t = c.t.Add(10 * time.Second)
	r.Update(70, "")
	if want := "resumed 70/100 (70%) elapsed 10s ETA 30s\n"; buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
}

func TestNoneAndAuto(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, 10, "x", Options{Mode: None})
	if r != nil {
		t.Fatal("mode none returned a reporter")
	}
	r.Update(1, "")
	r.Finish(10, "") // nil reporter: no panic, no output
	if buf.Len() != 0 {
		t.Fatal("nil reporter wrote")
	}
	// A buffer is not a terminal, so auto means lines.
	if r := New(&buf, 10, "x", Options{}); r.mode != Lines {
		t.Fatalf("auto on a buffer: %v", r.mode)
	}
	for _, s := range []string{"", "auto", "bar", "lines", "none"} {
		m, err := ParseMode(s)
		if err != nil || (s != "" && m.String() != s) {
			t.Fatalf("ParseMode(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := ParseMode("fancy"); err == nil || !strings.Contains(err.Error(), "fancy") {
		t.Fatalf("bad mode: %v", err)
	}
}

func TestFmtDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{0, "0s"}, {59 * time.Second, "59s"}, {187 * time.Second, "3m07s"}, {7500 * time.Second, "2h05m"}} {
		if got := fmtDuration(c.d); got != c.want {
			t.Errorf("fmtDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

// With Timestamps, every line of a log starts with its RFC 3339 time;
// the bar on a terminal has none.
func TestLinesTimestamps(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC)}
	r := New(&buf, 4, "optimise", Options{Mode: Lines, Interval: 2 * time.Second, Now: c.now, Timestamps: true})
	for i := 1; i <= 4; i++ {
		c.t = c.t.Add(time.Second)
		r.Update(i, "")
	}
	r.Finish(4, "")
	want := "2026-03-01T14:05:02Z optimise 2/4 (50%) elapsed 2s ETA 2s\n" +
		"2026-03-01T14:05:04Z optimise 4/4 (100%) elapsed 4s ETA 0s\n" +
		"2026-03-01T14:05:04Z optimise 4/4 (100%) elapsed 4s ETA done\n"
	if buf.String() != want {
		t.Fatalf("got\n%swant\n%s", buf.String(), want)
	}
	buf.Reset()
	r = New(&buf, 4, "optimise", Options{Mode: Bar, Now: c.now, Timestamps: true})
	r.Finish(4, "")
	if strings.Contains(buf.String(), "2026") {
		t.Fatalf("bar with a timestamp: %q", buf.String())
	}
}
