package vmc

import (
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/solvers/optim"
)

// Two optional stages of the optimisation around the energy minimisation.
//
// Variance minimisation (Options.VarianceIterations = K): the first K
// iterations follow the gradient of σ² = ⟨(E_L − ⟨E_L⟩)²⟩ in the form of
// Umrigar and Filippi (Phys. Rev. Lett. 94, 150201 (2005)) that keeps only
// the local-energy derivatives,
//
//	∂_k σ² ≈ 2⟨(E_L − ⟨E_L⟩)(∂_k E_L − ⟨∂_k E_L⟩)⟩,
//
// dropping the term from the change of the sampled density |Ψ|², which
// vanishes in expectation at zero variance and only adds noise. σ² is a
// mean of squares, so its Hessian is ≈ 2J with J_kl = Cov(∂_k E_L, ∂_l E_L)
// (Gauss–Newton), and the stage's direction is the Levenberg–Marquardt
// solution of (J + λ) δ = ½∂σ², λ = J_kk·1e-2 + 1e-4·max_k J_kk, which the
// rule (and its clipping) then applies: η = 1 is a full Gauss–Newton step.
// The energy's SR metric S does not fit here (a parameter that barely
// changes Ψ can change E_L a lot: S⁻¹ throws it far). The walkers measure
// ∂_k E_L = −½K_k (wavefunc.KineticParamDeriver) during the stage only; the
// sums Σ ∂_k E_L, Σ (E_L − K) ∂_k E_L and Σ ∂_k E_L ∂_l E_L travel in the
// iteration's single all-reduce (P² numbers: a stage for up to a few
// thousand parameters). A network that starts far off has local energies
// with a huge spread; lowering it first gives the energy minimisation
// samples it can use.
//
// Stop on convergence (Options.ConvergenceWindow = W): after the variance
// stage, Run stops optimising once the least-squares slope s of the energy
// over the last W iterations is no larger than its standard error,
// σ_s² = Σ (t − t̄)² δE_t² / (Σ (t − t̄)²)², with δE_t the iterations'
// error bars: the energy no longer moves measurably. The test reads the
// history alone, which every rank holds identically and checkpoints
// carry, so all ranks stop together and a resumed run stops where the
// uninterrupted one would.

// varianceStage reports whether the current iteration minimises the variance.
func (d *Driver) varianceStage() bool { return d.iter < d.opt.VarianceIterations }

// varianceGradient writes the variance force F_k = Cov(E_L, ∂_k E_L) =
// Σ(E_L−K)∂_kE_L/n − (⟨E_L⟩−K)Σ∂_kE_L/n and the gradient G = 2F, and
// returns |G|.
func (d *Driver) varianceGradient(E, K float64) float64 {
	n := d.it.energy.moments.N()
	de, ede := d.lin.de.Data(), d.lin.ede.Data()
	gn := 0.0
	for k := range d.np {
		d.step.force[k] = ede[k]/n - (E-K)*de[k]/n
		d.step.grad[k] = 2 * d.step.force[k]
		gn += d.step.grad[k] * d.step.grad[k]
	}
	return math.Sqrt(gn)
}

// Converged reports whether the optimisation has converged by the test of
// Options.ConvergenceWindow (always false when it is 0).
func (d *Driver) Converged() bool {
	w := d.opt.ConvergenceWindow
	if w < 2 || len(d.history)-d.opt.VarianceIterations < w {
		return false
	}
	h := d.history[len(d.history)-w:]
	tm := float64(w-1) / 2
	sxx, sxe := 0.0, 0.0
	for i, r := range h {
		t := float64(i) - tm
		sxx += t * t
		sxe += t * r.Energy
	}
	slope := sxe / sxx
	v := 0.0
	for i, r := range h {
		t := float64(i) - tm
		v += t * t * r.Error * r.Error
	}
	return math.Abs(slope) <= math.Sqrt(v)/sxx
}

// varianceSolve is the stage's Levenberg–Marquardt solve.
type varianceSolve struct {
	sr       optim.SR
	j, delta []float64
}

func (v *varianceSolve) init(np int) {
	v.j, v.delta = make([]float64, np*np), make([]float64, np)
}

// varianceDirection solves (J + λ) δ = F for the variance force F that
// varianceGradient wrote, from the reduced sums over n samples.
func (d *Driver) varianceDirection(n float64) ([]float64, error) {
	l, np := d.lin, d.np
	v := &l.gn
	de, dd := l.de.Data(), l.dd.Data()
	top := 0.0
	for k := range np {
		for m := k; m < np; m++ {
			c := dd[k*np+m]/n - de[k]*de[m]/(n*n)
			v.j[k*np+m], v.j[m*np+k] = c, c
		}
		top = math.Max(top, v.j[k*np+k])
	}
	v.sr.RelShift = 1e-2
	v.sr.Shift = 1e-4*top + 1e-300
	if err := v.sr.Solve(v.delta, v.j, d.step.force); err != nil {
		return nil, fmt.Errorf("vmc: iteration %d: variance minimisation: %w", d.iter, err)
	}
	return v.delta, nil
}

// checkStages validates the options of the two stages.
func checkStages(opt Options) error {
	switch {
	case opt.VarianceIterations < 0:
		return fmt.Errorf("vmc: %d variance-minimisation iterations, want ≥ 0", opt.VarianceIterations)
	case opt.VarianceIterations > 0 && opt.Linear != nil:
		return fmt.Errorf("vmc: a variance-minimisation stage with the linear method is not supported (use SR or a gradient rule for the stage)")
	case opt.ConvergenceWindow < 0 || opt.ConvergenceWindow == 1:
		return fmt.Errorf("vmc: convergence window of %d iterations, want 0 (off) or ≥ 2", opt.ConvergenceWindow)
	}
	return nil
}
