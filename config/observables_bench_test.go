package config

import (
	"context"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/vmc"
)

// BenchmarkObservables measures production samples/s of three systems
// (untrained parameters: the cost per sample does not depend on them)
// with no observables, with the energy split only and with every
// observable of the system, one walker goroutine.
//
//	go test -run '^$' -bench Observables -benchmem ./config/
func BenchmarkObservables(b *testing.B) {
	for _, c := range []struct{ name, path, all string }{
		{"dot2-rbm-pade", "../configs/dot2-rbm-pade.toml", `["r2","radial_density","pair_correlation","density_map"]`},
		{"dot6-slater-pade", "../configs/dot6-slater-pade.toml", `["r2","radial_density","pair_correlation","density_map"]`},
		{"tfim-chain10", "../configs/tfim-chain10.toml", `["magnetization","correlation_zz","structure_factor"]`},
	} {
		cfg, err := Load(c.path, []string{"optimizer.iterations=0", "production.samples=4000", "sampler.burnin=0",
			"observables.measure=" + c.all, "output.dir=" + b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		job, err := Build(comm.NewSerial(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		var split []vmc.Observable
		for _, o := range job.Reported {
			if o.Name() == vmc.EnergySplitName {
				split = append(split, o)
			}
		}
		for _, v := range []struct {
			name string
			obs  []vmc.Observable
		}{{"none", nil}, {"split", split}, {"all", job.Reported}} {
			if v.name == "split" && split == nil {
				continue
			}
			b.Run(c.name+"/"+v.name, func(b *testing.B) {
				opt := job.Options
				opt.Observables, opt.Workers, opt.OnChunk, opt.OnIteration, opt.Stop = v.obs, 1, nil, nil, nil
				b.ReportAllocs()
				for b.Loop() {
					d, err := vmc.New(comm.NewSerial(), job.System, opt)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := d.Run(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*opt.Walkers*opt.Production)/b.Elapsed().Seconds(), "samples/s")
			})
		}
	}
}
