//go:build linux

// Package scaling holds the walker-scaling measurements of make
// bench-scaling: run.sh (whole runs, threads × ranks) and
// BenchmarkWalkerOverlap.
package scaling

import (
	"runtime"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/vmcmpi/vmcmpi/config"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// threadCPU is the calling thread's CPU time in ns.
func threadCPU() int64 {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

// interval is one block of samples of one walker: wall-clock start and
// end, and the thread's CPU time spent.
type interval struct{ t0, t1, cpu int64 }

// BenchmarkWalkerOverlap measures what two walkers on two threads cost each
// other, whatever else loads the machine: two walkers (made one after the
// other, as the driver makes them) sample on two locked threads in blocks
// of 200 samples, and each block that ran unpreempted is sorted by whether
// the other thread ran during it (≥ 95 % of the time: "both") or not
// (≤ 5 %: "alone"). Walkers that share no written memory cost the same CPU
// per sample either way (overlap-ratio 1); false sharing shows as a ratio
// above 1 (1.5–2 before walkers had memory of their own). Metrics are 0
// when the machine gave no block of a kind; a longer -benchtime finds more.
//
//	go test -run '^$' -bench WalkerOverlap -benchtime 3x ./internal/scaling/
func BenchmarkWalkerOverlap(b *testing.B) {
	if runtime.NumCPU() < 2 {
		b.Skip("one CPU")
	}
	for _, wl := range []struct {
		name, config string
		samples      int
	}{
		{"dot2", "", 400000},
		{"bec", "../../configs/bec-elliptical.toml", 60000},
		{"slater6", "../../configs/dot6-slater-pade.toml", 80000},
		{"chain10", "../../configs/heisenberg-chain10.toml", 200000},
	} {
		b.Run(wl.name, func(b *testing.B) {
			cfg, err := config.Load(wl.config, []string{"optimizer.iterations=0"})
			if err != nil {
				b.Fatal(err)
			}
			sys, err := cfg.BuildSystem()
			if err != nil {
				b.Fatal(err)
			}
			var alone, both []float64
			for b.Loop() {
				a, o := overlapRun(b, sys, wl.samples)
				alone, both = append(alone, a...), append(both, o...)
			}
			ma, mb := median(alone), median(both)
			b.ReportMetric(ma, "alone-ns/sample")
			b.ReportMetric(mb, "both-ns/sample")
			b.ReportMetric(float64(len(both)), "both-blocks")
			if ma > 0 && mb > 0 {
				b.ReportMetric(mb/ma, "overlap-ratio")
			}
		})
	}
}

// overlapRun samples two walkers of sys concurrently and returns the CPU
// ns per sample of their blocks that ran alone and of those that ran
// while the other walker ran.
func overlapRun(b *testing.B, sys vmc.System, samples int) (alone, both []float64) {
	const block = 200
	var ws [2]vmc.Walker
	for w := range ws {
		wk, err := sys.NewWalker(0, w, 1)
		if err != nil {
			b.Fatal(err)
		}
		ws[w] = wk
	}
	var blocks [2][]interval
	start := time.Now()
	var wg sync.WaitGroup
	for w := range ws {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for range samples / block {
				c0, t0 := threadCPU(), time.Since(start).Nanoseconds()
				for range block {
					ws[w].Sweep()
					ws[w].Measure(nil)
				}
				blocks[w] = append(blocks[w], interval{t0, time.Since(start).Nanoseconds(), threadCPU() - c0})
			}
		})
	}
	wg.Wait()
	for a := range 2 {
		other := blocks[1-a]
		for _, x := range blocks[a] {
			if float64(x.cpu) < 0.95*float64(x.t1-x.t0) {
				continue // preempted: its wall time says nothing
			}
			ran := 0.0 // the other thread's CPU time during x
			j := sort.Search(len(other), func(j int) bool { return other[j].t1 > x.t0 })
			for ; j < len(other) && other[j].t0 < x.t1; j++ {
				y := other[j]
				ran += float64(min(x.t1, y.t1)-max(x.t0, y.t0)) * float64(y.cpu) / float64(y.t1-y.t0)
			}
			switch f := ran / float64(x.t1-x.t0); {
			case f >= 0.95:
				both = append(both, float64(x.cpu)/block)
			case f <= 0.05:
				alone = append(alone, float64(x.cpu)/block)
			}
		}
	}
	return alone, both
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	return v[len(v)/2]
}
