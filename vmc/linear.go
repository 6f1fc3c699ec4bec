package vmc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// LinearSolver is the linear method's step (solvers/optim's Linear
// satisfies it): from H and S, (P+1)×(P+1) row-major in the basis {Ψ₀,
// (O_k − ⟨O_k⟩)Ψ₀}, and the iteration's energy and error bar, it writes
// the parameter change Δ (θ ← θ + Δ).
type LinearSolver interface {
	Solve(dst, H, S []float64, energy, errE float64) error
}

// LinearWalker is a Walker that measures, besides E_L and O_k, the
// parameter derivatives ∂E_L/∂θ_k that the linear method's H needs.
type LinearWalker interface {
	Walker
	// MeasureLinear returns E_L and writes O_k into o and ∂E_L/∂θ_k into
	// dk; it does not allocate.
	MeasureLinear(o, dk []float64) float64
}

// MeasureLinear: ∂E_L/∂θ_k = −½ K_k (wavefunc.KineticParamDeriver) for a
// potential that does not depend on the parameters.
func (c *ContinuousWalker) MeasureLinear(o, dk []float64) float64 {
	st := c.W.State()
	e := measureContinuous(c.h, st, c.grad, o, &c.parts)
	st.(wavefunc.KineticParamDeriver).KineticParamDerivs(c.grad, dk)
	for k := range dk {
		dk[k] *= -0.5
	}
	return e
}

// linear holds the sums of the local-energy derivatives ∂_l E_L: per
// walker, and in the iteration's reduce buffer (the same single all-reduce
// as the energy and gradient). The linear method (full) adds Σ O_k O_l,
// Σ O_k (E_L−K) O_l, Σ O_k ∂_l E_L (P² each) and Σ ∂_l E_L; a variance
// stage adds Σ (E_L−K) ∂_l E_L and Σ ∂_k E_L ∂_l E_L (and Σ ∂_l E_L).
type linear struct {
	solver                    LinearSolver // nil for a variance stage alone
	np                        int
	full, variance            bool
	oo, oeo, ode, de, ede, dd reduce.Vector
	walkers                   []*linearAccum
	h, s, delta, negDelta     []float64
	gn                        varianceSolve
	sel                       *selectState // correlated shift selection, or nil
}

type linearAccum struct {
	dk, oo, oeo, ode, de, ede, dd []float64
}

// layoutLinear declares the sums of the linear method and of the variance
// stage in the iteration buffer b.
func (d *Driver) layoutLinear(b *reduce.Buffer) {
	np := d.np
	l := &linear{solver: d.opt.Linear, np: np, full: d.opt.Linear != nil, variance: d.opt.VarianceIterations > 0}
	n2 := 0
	if l.full {
		n2 = np * np
		l.oo, l.oeo, l.ode = b.Vector("lin_oo", n2), b.Vector("lin_oeo", n2), b.Vector("lin_ode", n2)
		l.h, l.s = make([]float64, (np+1)*(np+1)), make([]float64, (np+1)*(np+1))
		l.delta, l.negDelta = make([]float64, np), make([]float64, np)
	}
	l.de = b.Vector("lin_de", np)
	if l.variance {
		l.ede, l.dd = b.Vector("var_ede", np), b.Vector("var_dd", np*np)
		l.gn.init(np)
	}
	for range d.opt.Walkers {
		// Each walker's sums in memory of its own (see accum).
		var ar cacheline.Arena[float64]
		a := cacheline.New[linearAccum]()
		*a = linearAccum{dk: ar.Make(np), oo: ar.Make(n2), oeo: ar.Make(n2), ode: ar.Make(n2), de: ar.Make(np)}
		if l.variance {
			a.ede, a.dd = ar.Make(np), ar.Make(np*np)
		}
		l.walkers = append(l.walkers, a)
	}
	d.lin = l
}

// checkLinear refuses walkers that cannot measure ∂E_L/∂θ_k.
func (d *Driver) checkLinear() error {
	if d.lin == nil {
		return nil
	}
	what := "the linear method"
	if !d.lin.full {
		what = "variance minimisation"
	}
	for _, w := range d.walkers {
		lw, ok := w.(LinearWalker)
		if !ok {
			return fmt.Errorf("vmc: %s needs walkers that measure ∂E_L/∂θ (LinearWalker); %T does not", what, w)
		}
		if cw, ok := lw.(*ContinuousWalker); ok && !wavefunc.HasKineticParamDerivs(cw.W.State()) {
			return fmt.Errorf("vmc: %s needs a wave function whose states give the parameter derivatives of ∇ln Ψ and ∇²ln Ψ (wavefunc.KineticParamDeriver); %T does not", what, cw.W.State())
		}
	}
	return d.setupSelect()
}

// derivsNeeded reports whether this iteration measures ∂E_L/∂θ: always for
// the linear method, in the variance stage otherwise.
func (d *Driver) derivsNeeded() bool {
	return d.lin != nil && (d.lin.full || d.varianceStage())
}

// measure is Walker.Measure, or when the iteration needs ∂E_L/∂θ
// MeasureLinear, whose sums it then adds (with the sample's E_L − K): the
// hook of sampleWalker.
func (d *Driver) measure(w int, wk Walker, o []float64, K float64) float64 {
	if !d.derivsNeeded() {
		return wk.Measure(o)
	}
	a := d.lin.walkers[w]
	e := wk.(LinearWalker).MeasureLinear(o, a.dk)
	if !finite(e) {
		return e
	}
	if d.lin.sel != nil {
		d.lin.sel.store(w, e)
	}
	de, np := e-K, d.np
	if d.lin.full {
		for k, ok := range o {
			oo, oeo, ode := a.oo[k*np:k*np+np], a.oeo[k*np:k*np+np], a.ode[k*np:k*np+np]
			for l, ol := range o {
				oo[l] += ok * ol
				oeo[l] += ok * de * ol
				ode[l] += ok * a.dk[l]
			}
		}
	}
	for k, dk := range a.dk {
		a.de[k] += dk
	}
	if a.ede != nil {
		for k, dk := range a.dk {
			a.ede[k] += de * dk
			row := a.dd[k*np : k*np+np]
			for l, dl := range a.dk[k:] {
				row[k+l] += dk * dl
			}
		}
	}
	return e
}

// resetLinear clears walker w's sums at the start of an iteration.
func (d *Driver) resetLinear(w int) {
	if d.lin == nil {
		return
	}
	a := d.lin.walkers[w]
	clear(a.oo)
	clear(a.oeo)
	clear(a.ode)
	clear(a.de)
	clear(a.ede)
	clear(a.dd)
	if d.lin.sel != nil {
		d.lin.sel.walkers[w].n = 0
	}
}

// mergeLinear adds the walkers' sums, in walker order, into the buffer.
func (d *Driver) mergeLinear() {
	if d.lin == nil {
		return
	}
	l := d.lin
	de := l.de.Data()
	for _, a := range l.walkers {
		if l.full {
			oo, oeo, ode := l.oo.Data(), l.oeo.Data(), l.ode.Data()
			for k := range oo {
				oo[k] += a.oo[k]
				oeo[k] += a.oeo[k]
				ode[k] += a.ode[k]
			}
		}
		for k := range de {
			de[k] += a.de[k]
		}
		if l.variance {
			ede, dd := l.ede.Data(), l.dd.Data()
			for k := range ede {
				ede[k] += a.ede[k]
			}
			for k := range dd {
				dd[k] += a.dd[k]
			}
		}
	}
}

// linearDirection builds H and S from the reduced sums over n samples
// (energies shifted by K, which shifts every eigenvalue by K and leaves
// the eigenvectors) and returns −Δ, the direction the rule (gradient
// descent with rate 1) subtracts.
func (d *Driver) linearDirection(n, K float64) ([]float64, error) {
	l, np := d.lin, d.np
	w := np + 1
	so, seo := d.it.sumO.Data(), d.it.sumEO.Data()
	oo, oeo, ode, de := l.oo.Data(), l.oeo.Data(), l.ode.Data(), l.de.Data()
	E := d.it.energy.moments.Mean()
	errE := d.it.energy.combined().Error
	mE := E - K
	clear(l.s)
	l.s[0] = 1
	l.h[0] = mE
	for k := range np {
		ok, eok := so[k]/n, seo[k]/n
		hk0 := eok - ok*mE
		l.h[(k+1)*w] = hk0
		l.h[k+1] = hk0 + de[k]/n
		for m := range np {
			om, eom := so[m]/n, seo[m]/n
			l.s[(k+1)*w+m+1] = oo[k*np+m]/n - ok*om
			l.h[(k+1)*w+m+1] = oeo[k*np+m]/n - ok*eom - om*eok + ok*om*mE + ode[k*np+m]/n - ok*de[m]/n
		}
	}
	if l.sel != nil {
		return d.selectStep()
	}
	if err := l.solver.Solve(l.delta, l.h, l.s, E, errE); err != nil {
		return nil, fmt.Errorf("vmc: iteration %d: %w", d.iter, err)
	}
	for k, v := range l.delta {
		l.negDelta[k] = -v
	}
	return l.negDelta, nil
}

// LinearExtraKey names the linear method's entry in Snapshot.Extra: the
// solver's adaptive state (for optim.Linear the current diagonal shift and
// the previous energy), so that a resumed run starts its next iteration
// with the shift the uninterrupted run would have used. A snapshot without
// the entry (from an older vmcmpi) leaves the solver's state as built.
const LinearExtraKey = "vmc.linear"

// statefulSolver is a LinearSolver with state to checkpoint.
type statefulSolver interface {
	State() []float64
	SetState(s []float64) error
}

// snapshotLinear adds the linear solver's state to extra.
func (d *Driver) snapshotLinear(extra map[string][]byte) {
	st, ok := d.opt.Linear.(statefulSolver)
	if !ok {
		return
	}
	var b []byte
	for _, v := range st.State() {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	extra[LinearExtraKey] = b
}

// restoreLinear restores what snapshotLinear saved.
func (d *Driver) restoreLinear(extra map[string][]byte) error {
	st, ok := d.opt.Linear.(statefulSolver)
	b, has := extra[LinearExtraKey]
	if !ok || !has {
		return nil
	}
	if len(b)%8 != 0 {
		return errors.New("vmc: snapshot's linear-method state is cut short")
	}
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	if err := st.SetState(v); err != nil {
		return fmt.Errorf("vmc: linear-method state: %w", err)
	}
	return nil
}
