package vmc_test

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/config"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// scalingWorkloads are the production runs of BenchmarkScaling: the
// embedded default (two electrons in a dot), the hard-sphere BEC, six
// electrons in a Slater determinant and a Heisenberg chain, each with its
// configuration's observables; samples per walker and b.Loop pass.
var scalingWorkloads = []struct {
	name, config string
	samples      int
}{
	{"dot2", "", 40000},
	{"bec", "../configs/bec-elliptical.toml", 4000},
	{"slater6", "../configs/dot6-slater-pade.toml", 8000},
	{"chain10", "../configs/heisenberg-chain10.toml", 20000},
}

// cpuSeconds is the process's user and system CPU time.
func cpuSeconds(b *testing.B) float64 {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		b.Fatal(err)
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano()).Seconds()
}

// BenchmarkScaling measures weak scaling of walker goroutines: with T
// threads (GOMAXPROCS = Workers = T) a rank runs T walkers of the same
// production each. It reports samples/s, the CPU time per sample and,
// against threads=1 of the same run, the efficiency of the throughput
// (samples/s ÷ T × samples/s at one thread) and of the CPU (CPU per sample
// at one thread ÷ CPU per sample now). Walkers that share nothing keep
// both near 1 when the cores are free; the CPU ratio is the one that a
// loaded machine leaves readable.
//
//	go test -run '^$' -bench Scaling -benchtime 3x ./vmc/
func BenchmarkScaling(b *testing.B) {
	procs := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(procs)
	for _, w := range scalingWorkloads {
		cfg, err := config.Load(w.config, []string{"optimizer.iterations=0", "output.progress=none"})
		if err != nil {
			b.Fatal(err)
		}
		job, err := config.Build(comm.NewSerial(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		var rate1, cpu1 float64
		for threads := 1; threads <= runtime.NumCPU(); threads++ {
			b.Run(fmt.Sprintf("%s/threads=%d", w.name, threads), func(b *testing.B) {
				runtime.GOMAXPROCS(threads)
				opt := job.Options
				opt.Walkers, opt.Workers, opt.Production = threads, threads, w.samples
				opt.OnChunk, opt.OnIteration, opt.Stop = nil, nil, nil
				c0 := cpuSeconds(b)
				for b.Loop() {
					d, err := vmc.New(comm.NewSerial(), job.System, opt)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := d.Run(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				n := float64(b.N * threads * w.samples)
				rate, cpu := n/b.Elapsed().Seconds(), (cpuSeconds(b)-c0)/n
				b.ReportMetric(rate, "samples/s")
				b.ReportMetric(cpu*1e9, "cpu-ns/sample")
				if threads == 1 {
					rate1, cpu1 = rate, cpu
				} else if rate1 > 0 {
					b.ReportMetric(rate/(float64(threads)*rate1), "eff")
					b.ReportMetric(cpu1/cpu, "cpu-eff")
				}
			})
		}
	}
}

// BenchmarkChunkOverhead measures what a production chunk costs beyond
// its samples, on the cheapest workload (the default two-electron dot,
// about 0.7 µs a sample): the same production in chunks of 1000 samples
// (the default, gathered into rounds of about 0.1 s between collectives)
// and in one chunk, under a cancellable context as
// vmcmpi run uses (a stop can then cut a chunk short and rewind it) and
// under one that cannot be cancelled, on 1 and 2 threads of one walker
// each. overhead-ns/chunk is the wall time per chunk above the one-chunk
// run, overhead-cpu-ns/chunk the same in CPU time (the one a loaded
// machine leaves readable).
//
//	go test -run '^$' -bench ChunkOverhead -benchtime 5x ./vmc/
func BenchmarkChunkOverhead(b *testing.B) {
	procs := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(procs)
	const samples, chunk = 200000, 1000
	cfg, err := config.Load("", []string{"optimizer.iterations=0", "output.progress=none"})
	if err != nil {
		b.Fatal(err)
	}
	job, err := config.Build(comm.NewSerial(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	for threads := 1; threads <= min(2, runtime.NumCPU()); threads++ {
		for _, cancellable := range []bool{true, false} {
			var whole, wholeCPU float64 // ns per sample of the one-chunk run
			for _, c := range []int{samples, chunk} {
				name := fmt.Sprintf("threads=%d/cancellable=%v/chunk=%d", threads, cancellable, c)
				b.Run(name, func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
					opt := job.Options
					opt.Walkers, opt.Workers, opt.Production, opt.Chunk = threads, threads, samples, c
					opt.OnChunk, opt.OnIteration, opt.Stop = nil, nil, nil
					ctx := context.Background()
					if cancellable {
						var cancel context.CancelFunc
						ctx, cancel = context.WithCancel(ctx)
						defer cancel()
					}
					c0 := cpuSeconds(b)
					for b.Loop() {
						d, err := vmc.New(comm.NewSerial(), job.System, opt)
						if err != nil {
							b.Fatal(err)
						}
						if _, err := d.Run(ctx); err != nil {
							b.Fatal(err)
						}
					}
					n := float64(b.N * threads * samples)
					ns, cpu := float64(b.Elapsed().Nanoseconds())/n*float64(threads), (cpuSeconds(b)-c0)*1e9/n
					b.ReportMetric(float64(threads)*1e9/ns, "samples/s")
					b.ReportMetric(cpu, "cpu-ns/sample")
					if c == samples {
						whole, wholeCPU = ns, cpu
					} else if whole > 0 {
						b.ReportMetric((ns-whole)*chunk, "overhead-ns/chunk")
						b.ReportMetric((cpu-wholeCPU)*chunk, "overhead-cpu-ns/chunk")
					}
				})
			}
		}
	}
}
