package study

import (
	"fmt"
	"math"
	"slices"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/dataset"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// nucl is one measured nuclide: N, Z and the binding energy in MeV.
type nucl struct {
	n, z int
	b    float64
}

// loadNuclides reads the experimental rows with N ≥ minN and Z ≥ minZ.
func loadNuclides(file, format, source string, minN, minZ, maxZ int) ([]nucl, string, error) {
	path, err := resolveDataPath(file, source)
	if err != nil {
		return nil, "", err
	}
	f, err := dataset.ParseFormat(format)
	if err != nil {
		return nil, "", err
	}
	ns, err := dataset.ReadAMEFile(path, f, dataset.AMEOptions{})
	if err != nil {
		return nil, "", err
	}
	var out []nucl
	for _, x := range ns {
		if x.N >= minN && x.Z >= minZ && (maxZ == 0 || x.Z <= maxZ) {
			out = append(out, nucl{x.N, x.Z, x.Binding()})
		}
	}
	return out, path, nil
}

// newOnly keeps the nuclides of test whose (N, Z) is not in train.
func newOnly(test, train []nucl) []nucl {
	known := map[[2]int]bool{}
	for _, t := range train {
		known[[2]int{t.n, t.z}] = true
	}
	var out []nucl
	for _, t := range test {
		if !known[[2]int{t.n, t.z}] {
			out = append(out, t)
		}
	}
	return out
}

// linearModel is a mass model with fitted coefficients.
type linearModel struct {
	m      *dataset.MassModel
	fit    *regress.Fit
	branch []int // branch of each training nuclide
	iters  int
}

// terms evaluates the model's terms at (n, z) on the branch its
// coefficients choose.
func (l *linearModel) terms(dst []float64, n, z int) {
	b := 0
	if l.m.Branches > 1 {
		b = l.m.Branch(l.fit.Coef, dst, n, z)
	}
	l.m.Eval(dst, n, z, b)
}

func (l *linearModel) predict(scratch []float64, n, z int) float64 {
	l.terms(scratch, n, z)
	var s float64
	for k, t := range scratch {
		s += l.fit.Coef[k] * t
	}
	return s
}

// fitLinear fits every model by least squares, the sufficient statistics of
// each rank's share of the nuclides summed in one all-reduce per round.
// Models with several branches start from the branches their published
// coefficients choose and are refitted until no nuclide changes branch.
func fitLinear(c comm.Comm, models []*dataset.MassModel, train []nucl, seed uint64) ([]*linearModel, error) {
	out := make([]*linearModel, len(models))
	for k, m := range models {
		l := &linearModel{m: m, branch: make([]int, len(train))}
		if m.Branches > 1 {
			sc := make([]float64, len(m.Terms))
			for i, t := range train {
				l.branch[i] = m.Branch(m.Start, sc, t.n, t.z)
			}
		}
		out[k] = l
	}
	active := make([]bool, len(models))
	for k := range active {
		active[k] = true
	}
	for round := 0; round < 30 && slices.Contains(active, true); round++ {
		buf := reduce.New()
		accs := make([]*regress.Accumulator, len(models))
		layouts := make([]regress.Layout, len(models))
		for k, l := range out {
			if !active[k] {
				continue
			}
			layouts[k] = regress.Layout{P: len(l.m.Terms), Folds: 1, Seed: seed}
			accs[k] = regress.NewAccumulator(buf, "fit/"+l.m.Name, layouts[k])
		}
		for k, l := range out {
			if !active[k] {
				continue
			}
			x := make([]float64, len(l.m.Terms))
			for i, t := range train {
				if layouts[k].Owner(i, c.Size()) == c.Rank() {
					l.m.Eval(x, t.n, t.z, l.branch[i])
					accs[k].Add(i, x, t.b)
				}
			}
		}
		if err := buf.AllReduce(c); err != nil {
			return nil, err
		}
		for k, l := range out {
			if !active[k] {
				continue
			}
			fit, err := regress.OLS(accs[k].Result().Total)
			if err != nil {
				return nil, fmt.Errorf("model %s: %w", l.m.Name, err)
			}
			l.fit = fit
			l.iters = round + 1
			active[k] = false
			if l.m.Branches > 1 {
				sc := make([]float64, len(l.m.Terms))
				for i, t := range train {
					if b := l.m.Branch(fit.Coef, sc, t.n, t.z); b != l.branch[i] {
						l.branch[i] = b
						active[k] = true
					}
				}
			}
		}
	}
	return out, nil
}

// rms of a − b.
func rmsDiff(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

// foldsOf lists the rows of each cross-validation fold (ascending).
func foldsOf(n int, layout regress.Layout) [][]int {
	folds := make([][]int, layout.Folds)
	for i := range n {
		f := layout.Fold(i)
		folds[f] = append(folds[f], i)
	}
	return folds
}

// fitWithout fits every model to train without each fold in turn:
// out[f][k] is model k fitted without the rows folds[f] (ascending).
func fitWithout(c comm.Comm, models []*dataset.MassModel, train []nucl, folds [][]int, seed uint64) ([][]*linearModel, error) {
	out := make([][]*linearModel, len(folds))
	for f, idx := range folds {
		l, err := fitLinear(c, models, without(train, idx), seed)
		if err != nil {
			return nil, err
		}
		out[f] = l
	}
	return out, nil
}
