package config

import (
	"math"
	"strconv"
	"testing"
)

// dmcTwoElectrons are the diffusion Monte Carlo energies of two electrons
// in a 2D dot of M. Pedersen Lohne, G. Hagen, M. Hjorth-Jensen, S. Kvaal
// and F. Pederiva, Phys. Rev. B 84, 115302 (2011) (arXiv:1009.4833),
// whose statistical errors (1e-5) are far below this test's tolerance.
var dmcTwoElectrons = map[float64]float64{0.5: 1.65977, 0.28: 1.02164, 0.1: 0.44079}

// TestOmegaScanDefault runs the embedded default with only system.omega
// changed, shortened (40 iterations of 500 samples per walker): every ω
// must converge without divergence to within 0.3 % of DMC (the full
// default, 100 iterations of 1000, lands within 0.02 %: BENCHMARKS.md).
func TestOmegaScanDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("three short VMC runs")
	}
	for w, dmc := range dmcTwoElectrons {
		res := runJob(t, "", "system.omega="+formatFloat(w), "optimizer.iterations=40",
			"sampler.samples=500", "production.samples=10000", "output.progress=\"none\"")
		if rel := (res.Energy - dmc) / dmc; !(math.Abs(rel) < 3e-3) {
			t.Errorf("ω = %g: E = %.6f ± %.6f, DMC %.5f: %.3f %% off", w, res.Energy, res.Error, dmc, 100*rel)
		}
	}
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
