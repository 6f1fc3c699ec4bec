package wavefunc_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vmcmpi/vmcmpi/hamiltonian"
	"github.com/vmcmpi/vmcmpi/stats"
	"github.com/vmcmpi/vmcmpi/wavefunc"
)

// dotChain is a minimal Metropolis chain over |Ψ|² with the local energy
// of a continuous Hamiltonian, enough to check a wave function's physics
// without the sampler and driver packages.
type dotChain struct {
	h    *hamiltonian.Particles
	m    wavefunc.Model
	s    wavefunc.State
	rng  *rand.Rand
	step float64
	pos  []float64
	grad []float64
}

func newDotChain(h *hamiltonian.Particles, m wavefunc.Model, seed uint64, step float64) *dotChain {
	rng := rand.New(rand.NewPCG(seed, 99))
	x := make([]float64, h.N*h.D)
	if err := h.InitialPositions(x, rng); err != nil {
		panic(err)
	}
	return &dotChain{h: h, m: m, s: m.NewState(x), rng: rng, step: step,
		pos: make([]float64, h.D), grad: make([]float64, h.N*h.D)}
}

// sweep moves every particle once.
func (c *dotChain) sweep() {
	d := c.h.D
	for i := range c.h.N {
		cur := c.s.Positions()[i*d : i*d+d]
		for k := range d {
			c.pos[k] = cur[k] + c.step*(c.rng.Float64()-0.5)
		}
		if 2*c.s.Propose(i, c.pos) > math.Log(c.rng.Float64()) {
			c.s.Accept()
		} else {
			c.s.Reject()
		}
	}
}

func (c *dotChain) energy() float64 {
	lap := c.s.Derivs(c.grad)
	return c.h.LocalEnergy(c.s.Positions(), c.grad, lap)
}

// Electrons in a 2D dot (ω = 1) with Coulomb repulsion: the Slater
// determinant times the Padé–Jastrow factor, optimised by stochastic
// reconfiguration over (α, β), must come within 0.5 % of the diffusion
// Monte Carlo energies 20.15932(8) (N = 6) and 65.700 (N = 12) of
// Pedersen Lohne et al., PRB 84, 115302 (2011), and, being variational
// with the same nodes as the fixed-node DMC trial function, not below them.
func TestSlaterPadeDots(t *testing.T) {
	if testing.Short() {
		t.Skip("VMC optimisation and production runs (~5 s)")
	}
	for _, c := range []struct {
		n    int
		eDMC float64
	}{{6, 20.15932}, {12, 65.700}} {
		e, de := slaterPadeEnergy(t, c.n)
		// 4σ of the blocking error bar on each side of the bounds.
		if e-4*de > 1.005*c.eDMC {
			t.Errorf("N=%d: E = %.5f ± %.5f is more than 0.5 %% above DMC %.5f", c.n, e, de, c.eDMC)
		}
		if e+4*de < c.eDMC {
			t.Errorf("N=%d: E = %.5f ± %.5f is below the DMC energy %.5f", c.n, e, de, c.eDMC)
		}
		if de > 0.002*c.eDMC {
			t.Errorf("N=%d: error bar %.5f, too large to test 0.5 %%", c.n, de)
		}
		t.Logf("N=%d: %+.3f %% from DMC %.5f", c.n, 100*(e-c.eDMC)/c.eDMC, c.eDMC)
	}
}

// slaterPadeEnergy optimises Slater × Padé for n electrons (2D, ω = 1,
// Coulomb) and returns the production energy with its blocking error.
func slaterPadeEnergy(t *testing.T, n int) (e, de float64) {
	h := hamiltonian.MustTrap(hamiltonian.Trap{N: n, D: 2, Omega: 1, Coulomb: true, Fermions: true})
	sl, err := wavefunc.NewSlater(n, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := wavefunc.NewProduct(sl, wavefunc.NewPade(n, 2, 0.4))
	c := newDotChain(h, m, 1, 1.2)
	for range 2000 {
		c.sweep()
	}
	p := m.Params(nil)
	o := make([]float64, 2)
	for range 40 {
		// SR on two parameters: (S + εI) δ = F, F_k = ⟨E O_k⟩ − ⟨E⟩⟨O_k⟩,
		// S_kl = ⟨O_k O_l⟩ − ⟨O_k⟩⟨O_l⟩, step θ −= 0.2 δ.
		const ns = 3000
		var se float64
		var so, seo [2]float64
		var soo [2][2]float64
		for range ns {
			c.sweep()
			e := c.energy()
			c.s.ParamGrad(o)
			se += e
			for k := range 2 {
				so[k] += o[k]
				seo[k] += e * o[k]
				for l := range 2 {
					soo[k][l] += o[k] * o[l]
				}
			}
		}
		var f [2]float64
		var s [2][2]float64
		for k := range 2 {
			f[k] = seo[k]/ns - se/ns*so[k]/ns
			for l := range 2 {
				s[k][l] = soo[k][l]/ns - so[k]/ns*so[l]/ns
			}
			s[k][k] += 1e-3
		}
		det := s[0][0]*s[1][1] - s[0][1]*s[1][0]
		p[0] -= 0.2 * (s[1][1]*f[0] - s[0][1]*f[1]) / det
		p[1] -= 0.2 * (s[0][0]*f[1] - s[1][0]*f[0]) / det
		m.SetParams(p)
		c.s.Refresh()
	}
	series := make([]float64, 1<<18)
	for k := range series {
		c.sweep()
		series[k] = c.energy()
	}
	est := stats.Blocking(series)
	t.Logf("N=%d: α = %.4f, β = %.4f: E = %.5f ± %.5f (variance %.4f, τ = %.1f samples)",
		n, p[0], p[1], est.Mean, est.Error, est.Variance, est.Tau)
	return est.Mean, est.Error
}
