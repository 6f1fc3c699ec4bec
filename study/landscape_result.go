package study

import (
	"math"

	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

func logNormal(y, mu, v float64) float64 {
	d := y - mu
	return -0.5*d*d/v - 0.5*math.Log(2*math.Pi*v)
}

// assemble reads the reduced buffer: per-model summaries, the weights,
// the averaged test scores, the chart with p_ex and the drip lines.
func (r *LandscapeResult) assemble(lins []*linearModel, secs []reduce.Vector, train, test []nucl, s2nIdx []int, s2nObs []float64, edge []int, pairs [][2]int, chart [][2]int, cfg *LandscapeConfig) {
	nt, ns, m := len(train), len(test), len(s2nIdx)
	ne, np := len(edge), len(pairs)
	edgeMu, edgeV := make([][]float64, len(lins)), make([][]float64, len(lins))
	pairMu, pairV := make([][]float64, len(lins)), make([][]float64, len(lins))
	K := len(lins)
	logDens := make([][]float64, K)
	elpd, evid := make([]float64, K), make([]float64, K)
	testMu, testV := make([][]float64, K), make([][]float64, K)
	s2Mu, s2V := make([][]float64, K), make([][]float64, K)
	chartV := make([][]float64, K)
	r.TestObs = make([]float64, ns)
	for _, t := range train {
		r.TrainNuclides = append(r.TrainNuclides, [2]int{t.n, t.z})
		r.TrainObs = append(r.TrainObs, t.b)
	}
	for i, t := range test {
		r.TestNuclides = append(r.TestNuclides, [2]int{t.n, t.z})
		r.TestObs[i] = t.b
	}
	for k, l := range lins {
		v := secs[k].Data()
		o := v[header:]
		lm := LandscapeModel{Name: l.m.Name, Reference: l.m.Reference, RefRMS: l.m.RefRMS, RefRange: l.m.RefRange,
			Coefficients: finite(l.m.Terms, l.fit.Coef), StdErr: finite(l.m.Terms, l.fit.StdErr), Iterations: l.iters,
			FitRMS: l.fit.RMS(), Kernel: Kernel{Amp: v[0], LenZ: v[1], LenN: v[2], Noise: v[3], LogMarginal: v[4]}}
		evid[k] = v[4]
		logDens[k] = make([]float64, nt)
		var ss float64
		for i, t := range train {
			logDens[k][i] = logNormal(t.b, o[i], o[nt+i])
			elpd[k] += logDens[k][i]
			ss += (t.b - o[i]) * (t.b - o[i])
		}
		lm.ELPD, lm.CVRMS = elpd[k], math.Sqrt(ss/float64(nt))
		o = o[2*nt:]
		testMu[k], testV[k] = o[:ns], o[ns:2*ns]
		o = o[2*ns:]
		s2Mu[k], s2V[k] = o[:m], o[m:2*m]
		o = o[2*m:]
		edgeMu[k], edgeV[k] = o[:ne], o[ne:2*ne]
		o = o[2*ne:]
		pairMu[k], pairV[k] = o[:np], o[np:2*np]
		chartV[k] = o[2*np:]
		lm.KernelSeconds, lm.GPSeconds = v[10], v[11]
		lm.Calib = Calibration{C68B: v[6], C95B: v[7], C68S2n: v[8], C95S2n: v[9], NB: ne, NS2n: np}
		// Before the GP: the linear model alone.
		sc := make([]float64, len(l.m.Terms))
		lin := make([]float64, ns)
		for i, t := range test {
			lin[i] = l.predict(sc, t.n, t.z)
		}
		lin2 := make([]float64, m)
		for j, i := range s2nIdx {
			lin2[j] = lin[i] - l.predict(sc, test[i].n-2, test[i].z)
		}
		lm.Before = Score{RMSB: rmsDiff(lin, r.TestObs), RMSS2n: rmsDiff(lin2, s2nObs)}
		lm.After = score(r.TestObs, testMu[k], testV[k], s2nObs, s2Mu[k], s2V[k], lm.Calib)
		r.TestB = append(r.TestB, testMu[k])
		r.TestLin = append(r.TestLin, lin)
		tl := make([]float64, nt)
		for i, t := range train {
			tl[i] = l.predict(sc, t.n, t.z)
		}
		r.TrainLin = append(r.TrainLin, tl)
		r.TrainCV = append(r.TrainCV, v[header:header+nt])
		r.Models = append(r.Models, lm)
	}
	names := make([]string, K)
	for k, l := range lins {
		names[k] = l.m.Name
	}
	stack := regress.StackingWeights(logDens, 2000)
	pseudo := regress.Weights(elpd)
	ev := regress.Weights(evid)
	r.Stacking, r.PseudoBMA, r.Evidence = finite(names, stack), finite(names, pseudo), finite(names, ev)
	w := map[string][]float64{"stacking": stack, "pseudo": pseudo, "evidence": ev}[cfg.BMA.Weights]
	r.WeightKind, r.Weights = cfg.BMA.Weights, finite(names, w)
	yb, ys := make([]float64, ne), make([]float64, np)
	for a, i := range edge {
		yb[a] = train[i].b
	}
	for k, p := range pairs {
		ys[k] = train[p[0]].b - train[p[1]].b
	}
	r.AverageCalib = mixtureCalibration(w, yb, edgeMu, edgeV, ys, pairMu, pairV)
	r.Average = mixtureScore(w, r.TestObs, testMu, testV, s2nObs, s2Mu, s2V, r.AverageCalib)
	r.chart(w, chartV, chart, train, test)
}

func score(y, mu, v, y2, mu2, v2 []float64, c Calibration) Score {
	s := Score{RMSB: rmsDiff(mu, y), RMSS2n: rmsDiff(mu2, y2)}
	s.Cover68B, s.Cover95B = coverage(y, mu, v, c.C68B, c.C95B)
	s.Cover68S2n, s.Cover95S2n = coverage(y2, mu2, v2, c.C68S2n, c.C95S2n)
	return s
}

// coverage is the fraction of y within mean ± c68 sd and ± c95 sd.
func coverage(y, mu, v []float64, c68, c95 float64) (f68, f95 float64) {
	for i := range y {
		d := math.Abs(y[i]-mu[i]) / math.Sqrt(v[i])
		if d <= c68 {
			f68++
		}
		if d <= c95 {
			f95++
		}
	}
	n := float64(len(y))
	return f68 / n, f95 / n
}

// mixtureScore scores the model average: the mixture mean, and intervals
// of the mixture sd times the average's calibration factors.
func mixtureScore(w, y []float64, mu, v [][]float64, y2 []float64, mu2, v2 [][]float64, c Calibration) Score {
	one := func(y []float64, mu, v [][]float64, c68, c95 float64) (rms, f68, f95 float64) {
		K := len(w)
		cm, cv := make([]float64, K), make([]float64, K)
		mean, va := make([]float64, len(y)), make([]float64, len(y))
		for i := range y {
			for k := range K {
				cm[k], cv[k] = mu[k][i], v[k][i]
			}
			mean[i], va[i] = regress.Mixture(w, cm, cv)
		}
		f68, f95 = coverage(y, mean, va, c68, c95)
		return rmsDiff(mean, y), f68, f95
	}
	var s Score
	s.RMSB, s.Cover68B, s.Cover95B = one(y, mu, v, c.C68B, c.C95B)
	s.RMSS2n, s.Cover68S2n, s.Cover95S2n = one(y2, mu2, v2, c.C68S2n, c.C95S2n)
	return s
}

// chart averages the models over the chart: values are mixture means and
// standard deviations, p_ex the weighted p_ex of the models.
func (r *LandscapeResult) chart(w []float64, chartV [][]float64, chart [][2]int, train, test []nucl) {
	known := map[[2]int]bool{}
	for _, t := range train {
		known[[2]int{t.n, t.z}] = true
	}
	isTest := map[[2]int]bool{}
	for _, t := range test {
		isTest[[2]int{t.n, t.z}] = true
	}
	K := len(w)
	cm, cv := make([]float64, K), make([]float64, K)
	mix := func(j, mean, sd int) (float64, float64) {
		for k := range K {
			v := chartV[k][j*chartValues : (j+1)*chartValues]
			cm[k], cv[k] = v[mean], v[sd]*v[sd]
		}
		m, va := regress.Mixture(w, cm, cv)
		return m, math.Sqrt(math.Max(va, 0))
	}
	r.Chart = make([]ChartRow, len(chart))
	for j, nz := range chart {
		row := ChartRow{Z: nz[1], N: nz[0], Known: known[nz], Test: isTest[nz]}
		row.B, row.SDB = mix(j, cvB, cvSDB)
		row.S2n, row.SDS2n = mix(j, cvS2n, cvSDS2n)
		row.S2p, row.SDS2p = mix(j, cvS2p, cvSDS2p)
		row.Sn, row.SDSn = mix(j, cvSn, cvSDSn)
		row.Sp, row.SDSp = mix(j, cvSp, cvSDSp)
		for k := range K {
			row.PEx += w[k] * pExist(chartV[k][j*chartValues:(j+1)*chartValues])
		}
		if row.PEx > 0.5 {
			r.Bound++
		}
		r.Chart[j] = row
	}
	// Drip lines: scan each element's N range.
	for j := 0; j < len(r.Chart); {
		z := r.Chart[j].Z
		dl := DripLine{Z: z, N: -1, NLow: -1, NHigh: -1}
		last := j
		for ; j < len(r.Chart) && r.Chart[j].Z == z; j++ {
			row := r.Chart[j]
			if row.PEx > 0.5 {
				dl.N = row.N
			}
			if row.PEx > 0.84 {
				dl.NLow = row.N
			}
			if row.PEx > 0.16 {
				dl.NHigh = row.N
			}
			last = j
		}
		dl.Capped = dl.NHigh == r.Chart[last].N
		r.Drip = append(r.Drip, dl)
	}
}
