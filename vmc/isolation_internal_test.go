package vmc

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/sampler"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// isolationLine is the line size the test demands isolation at: two
// 64-byte lines, as x86 cores prefetch them in pairs.
const isolationLine = 128

// TestWalkersShareNoCacheLine runs optimisation iterations (gradient,
// dense SR, matrix-free SR, linear method) and a production with
// observables for every wave function and sampler, then checks that no
// cache line holds memory that one walker alone reaches together with
// memory of another walker: such a line is written by one core while
// another reads or writes it, which cost walker goroutines up to half
// their speed (false sharing).
func TestWalkersShareNoCacheLine(t *testing.T) {
	for _, c := range isolationCases(t) {
		t.Run(c.name, func(t *testing.T) {
			opt := c.opt
			opt.Walkers, opt.Workers, opt.Seed = 3, 2, 1
			opt.BurnIn, opt.Samples, opt.Production = 10, 300, 300
			if opt.Iterations == 0 {
				opt.Iterations = 2
			}
			if opt.Rule == nil {
				opt.Rule = optim.NewGD(1e-3)
			}
			d, err := New(comm.NewSerial(), c.sys, opt)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			mem := walkerMemory(d)
			if n, ex := sharedLines(mem, isolationLine); n > 0 {
				t.Errorf("%d cache lines hold one walker's memory and another's, e.g.:\n%s", n, describe(mem, ex[0]))
			}
		})
	}
}

type isolationCase struct {
	name string
	sys  System
	opt  Options
}

func isolationCases(t *testing.T) []isolationCase {
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	imp := sampler.Settings{Kind: sampler.Importance, Step: 0.1}
	dot := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1, Coulomb: true, Fermions: true})
	dotSys, err := NewContinuous(dot, wavefunc.NewProduct(wavefunc.NewRBM(2, 2, 4, 1), wavefunc.NewPade(2, 2, 0.5)), imp)
	must(err)
	split, err := NewEnergySplit(dot)
	must(err)
	dens, err := NewRadialDensity(2, 20, 4)
	must(err)
	bec := hamiltonian.MustTrap(hamiltonian.Trap{N: 5, D: 3, Omega: 1, HardSphere: 0.0043})
	becSys, err := NewContinuous(bec, wavefunc.NewProduct(wavefunc.NewGaussian(5, 3, 0.5, 1), wavefunc.NewHardSphereJastrow(5, 3, 0.0043)),
		sampler.Settings{Kind: sampler.Metropolis, Step: 1})
	must(err)
	dot6 := hamiltonian.MustTrap(hamiltonian.Trap{N: 6, D: 2, Omega: 1, Coulomb: true, Fermions: true})
	sl, err := wavefunc.NewSlater(6, 2, 1)
	must(err)
	slSys, err := NewContinuous(dot6, wavefunc.NewProduct(sl, wavefunc.NewPade(6, 2, 0.5)), imp)
	must(err)
	bf, err := wavefunc.NewBackflow(6, 2, 1, 1)
	must(err)
	p := bf.Params(nil)
	for k := range p {
		p[k] += 0.01 * float64(k+1) // switch the backflow on
	}
	bf.SetParams(p)
	bfSys, err := NewContinuous(dot6, wavefunc.NewProduct(bf, wavefunc.NewPade(6, 2, 0.5)), imp)
	must(err)
	nn, err := wavefunc.NewFFNN(2, 2, []int{4, 3, 1}, "tanh", 1)
	must(err)
	nnSys, err := NewContinuous(dot, nn, imp)
	must(err)
	ds, err := wavefunc.NewDeepSet(2, 2, 2, 2, "tanh", 1)
	must(err)
	dsSys, err := NewContinuous(dot, wavefunc.NewProduct(sl2(t), ds), imp)
	must(err)
	ho := hamiltonian.MustTrap(hamiltonian.Trap{N: 2, D: 2, Omega: 1})
	grbm := wavefunc.NewRBM(2, 2, 2, 0.5)
	grbm.Sqrt = true
	gibbs, err := NewGibbsContinuous(ho, grbm, 1)
	must(err)
	lat, err := hamiltonian.NewLattice("chain", 8, true)
	must(err)
	heis, err := hamiltonian.NewHeisenberg(lat, 1, true)
	must(err)
	chain, err := NewLattice(heis, wavefunc.NewSpinRBM(8, 8), sampler.SpinSettings{Move: sampler.Exchange})
	must(err)
	mag, err := NewMagnetization(heis, false)
	must(err)
	tfim, err := hamiltonian.NewTFIM(lat, 1, 1)
	must(err)
	flips, err := NewLattice(tfim, wavefunc.NewSpinRBM(8, 1), sampler.SpinSettings{Move: sampler.SingleFlip})
	must(err)
	return []isolationCase{
		{"dot/dense-sr/observables", dotSys, Options{SR: &optim.SR{Shift: 1e-3}, Observables: []Observable{split, dens}}},
		{"dot/cg-sr", dotSys, Options{SR: &optim.SR{Shift: 1e-3}, SRSolver: SRCG}},
		{"dot/linear", dotSys, Options{Linear: &optim.Linear{}}},
		{"bec/gradient", becSys, Options{}},
		{"slater6/dense-sr", slSys, Options{SR: &optim.SR{Shift: 1e-3}}},
		{"backflow6", bfSys, Options{}},
		{"ffnn", nnSys, Options{}},
		{"deepset", dsSys, Options{}},
		{"gibbs", gibbs, Options{}},
		{"heisenberg/exchange", chain, Options{SR: &optim.SR{Shift: 1e-3}, Observables: []Observable{mag}}},
		{"tfim/flip", flips, Options{}},
	}
}

// sl2 is the Slater determinant of the two-electron dot.
func sl2(t *testing.T) wavefunc.Model {
	s, err := wavefunc.NewSlater(2, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// describe lists the objects in the line l.
func describe(mem [][]memSpan, l memSpan) string {
	out := ""
	for w, m := range mem {
		for _, s := range m {
			if s.lo < l.hi && s.hi > l.lo {
				out += fmt.Sprintf("  walker %d: %s at [%#x, %#x)\n", w, s.what, s.lo, s.hi)
			}
		}
	}
	return out
}

// memSpan is a byte range [lo, hi) of memory reachable from a walker.
type memSpan struct {
	lo, hi uintptr
	what   string
}

// reachable lists the memory reachable from v through pointers, slices,
// interfaces and maps (not closures): every pointed-to object and every
// slice's backing array, each once.
func reachable(v reflect.Value, seen map[memSpan]bool, out *[]memSpan) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		sz := v.Type().Elem().Size()
		s := memSpan{v.Pointer(), v.Pointer() + sz, v.Type().String()}
		if sz > 0 {
			if seen[s] {
				return
			}
			seen[s] = true
			*out = append(*out, s)
		}
		reachable(v.Elem(), seen, out)
	case reflect.Interface:
		if !v.IsNil() {
			reachable(v.Elem(), seen, out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			reachable(v.Field(i), seen, out)
		}
	case reflect.Array:
		for i := range v.Len() {
			reachable(v.Index(i), seen, out)
		}
	case reflect.Slice:
		if v.Cap() == 0 || v.Pointer() == 0 {
			return
		}
		sz := v.Type().Elem().Size()
		s := memSpan{v.Pointer(), v.Pointer() + uintptr(v.Cap())*sz, v.Type().String()}
		if sz > 0 {
			if seen[s] {
				return
			}
			seen[s] = true
			*out = append(*out, s)
		}
		for i := range v.Len() {
			reachable(v.Index(i), seen, out)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			reachable(it.Key(), seen, out)
			reachable(it.Value(), seen, out)
		}
	}
}

// walkerMemory lists, per walker, the memory reachable from its Walker and
// its accumulators.
func walkerMemory(d *Driver) [][]memSpan {
	mem := make([][]memSpan, len(d.walkers))
	for w := range d.walkers {
		seen := map[memSpan]bool{}
		roots := []any{d.walkers[w], d.accs[w]}
		if d.prodAccs != nil {
			roots = append(roots, d.prodAccs[w])
		}
		for _, r := range roots {
			reachable(reflect.ValueOf(r), seen, &mem[w])
		}
		sort.Slice(mem[w], func(i, j int) bool { return mem[w][i].lo < mem[w][j].lo })
	}
	return mem
}

// sharedLines counts the cache lines of size line that hold memory of
// walker w that no other walker reaches, and memory any other walker
// reaches: where one walker's writes would invalidate another's cache.
func sharedLines(mem [][]memSpan, line uintptr) (shared int, examples []memSpan) {
	owners := map[memSpan]int{}
	for _, m := range mem {
		for _, s := range m {
			owners[s]++
		}
	}
	// line → set of walkers with private memory there, and of walkers
	// with any memory there.
	priv := map[uintptr]map[int]bool{}
	anyw := map[uintptr]map[int]bool{}
	add := func(t map[uintptr]map[int]bool, l uintptr, w int) {
		if t[l] == nil {
			t[l] = map[int]bool{}
		}
		t[l][w] = true
	}
	for w, m := range mem {
		for _, s := range m {
			for l := s.lo / line; l <= (s.hi-1)/line; l++ {
				add(anyw, l, w)
				if owners[s] == 1 {
					add(priv, l, w)
				}
			}
		}
	}
	for l, ws := range priv {
		for w := range ws {
			if len(anyw[l]) > 1 || !anyw[l][w] {
				shared++
				examples = append(examples, memSpan{l * line, (l + 1) * line, ""})
				break
			}
		}
	}
	return shared, examples
}
