package classical

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Model names a spin model.
type Model struct {
	// Q is the number of states per site: 2 for Ising, 3 for the q = 3 Potts
	// model (any Q ≥ 2 works).
	Q int
	// Ising selects the Ising energy −Σ s_i s_j (only with Q = 2); otherwise
	// the Potts energy −Σ δ(σ_i, σ_j).
	Ising bool
}

// Ising is the Ising model; Potts3 the three-state Potts model.
var (
	Ising  = Model{Q: 2, Ising: true}
	Potts3 = Model{Q: 3}
)

// String is "ising" or "potts(q)".
func (m Model) String() string {
	if m.Ising {
		return "ising"
	}
	return fmt.Sprintf("potts(q=%d)", m.Q)
}

// Check reports an unusable model.
func (m Model) Check() error {
	if m.Q < 2 || m.Q > 127 {
		return fmt.Errorf("classical: q = %d: want 2 ≤ q ≤ 127", m.Q)
	}
	if m.Ising && m.Q != 2 {
		return fmt.Errorf("classical: the Ising model has q = 2, not %d", m.Q)
	}
	return nil
}

// bondJ is the energy gain of one equal-neighbour bond: 2 for Ising
// (−s_i s_j = −2δ + 1), 1 for Potts.
func (m Model) bondJ() float64 {
	if m.Ising {
		return 2
	}
	return 1
}

// energyOffset converts −J Σδ into the model's energy: +N_bonds for Ising.
func (m Model) energyOffset(bonds int) float64 {
	if m.Ising {
		return float64(bonds)
	}
	return 0
}

// Chain is one Markov chain of an L×L periodic lattice at temperature T. It
// keeps the energy and the counts of each spin value up to date, so
// measuring costs O(q). A Chain is not safe for concurrent use.
type Chain struct {
	Model Model
	L, N  int
	// Spins are the Potts values σ_i ∈ [0, q), site i = x + L·y.
	Spins []uint8

	nb     []int32 // 4 neighbours of each site: right, left, up, down
	temp   float64
	accept [9]float64 // Metropolis acceptance of a move that loses k−4 bonds
	padd   float64    // Wolff bond probability
	eq     int        // Σ_⟨ij⟩ δ(σ_i, σ_j)
	count  []int      // sites per spin value
	cosq   []float64  // cos(2πk/q), sin(2πk/q) for the Potts order parameter
	sinq   []float64
	stack  []int32
	mark   []bool
	rng    *rand.Rand
}

// MemoryBytes is the memory a Chain of an L×L lattice needs, without the
// samples a run stores.
func MemoryBytes(L int) int64 {
	n := int64(L) * int64(L)
	return n * (1 + 16 + 4 + 1)
}

// NewChain returns a chain of the model on the L×L lattice at temperature T
// with a random (infinite-temperature) start drawn from rng.
func NewChain(m Model, L int, T float64, rng *rand.Rand) (*Chain, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	if L < 2 {
		return nil, fmt.Errorf("classical: lattice length %d: want L ≥ 2", L)
	}
	n := L * L
	c := &Chain{
		Model: m, L: L, N: n, Spins: make([]uint8, n), nb: make([]int32, 4*n),
		count: make([]int, m.Q), cosq: make([]float64, m.Q), sinq: make([]float64, m.Q),
		stack: make([]int32, 0, n), mark: make([]bool, n), rng: rng,
	}
	for y := 0; y < L; y++ {
		for x := 0; x < L; x++ {
			i := x + L*y
			c.nb[4*i] = int32((x+1)%L + L*y)
			c.nb[4*i+1] = int32((x+L-1)%L + L*y)
			c.nb[4*i+2] = int32(x + L*((y+1)%L))
			c.nb[4*i+3] = int32(x + L*((y+L-1)%L))
		}
	}
	for k := range m.Q {
		c.sinq[k], c.cosq[k] = math.Sincos(2 * math.Pi * float64(k) / float64(m.Q))
	}
	for i := range c.Spins {
		c.Spins[i] = uint8(rng.IntN(m.Q))
	}
	if err := c.SetTemperature(T); err != nil {
		return nil, err
	}
	c.recount()
	return c, nil
}

// SetTemperature changes T, keeping the configuration.
func (c *Chain) SetTemperature(T float64) error {
	if !(T > 0) || math.IsInf(T, 0) {
		return fmt.Errorf("classical: temperature %v: want a finite T > 0", T)
	}
	c.temp = T
	j := c.Model.bondJ()
	for k := range c.accept {
		// k − 4 = bonds lost; ΔE = J·(k − 4).
		c.accept[k] = math.Min(1, math.Exp(-j*float64(k-4)/T))
	}
	c.padd = 1 - math.Exp(-j/T)
	return nil
}

// Temperature is the chain's T.
func (c *Chain) Temperature() float64 { return c.temp }

// SetSpins replaces the configuration (values must lie in [0, q)).
func (c *Chain) SetSpins(s []uint8) {
	if len(s) != c.N {
		panic("classical: SetSpins length mismatch")
	}
	copy(c.Spins, s)
	c.recount()
}

func (c *Chain) recount() {
	clear(c.count)
	c.eq = 0
	for i, s := range c.Spins {
		c.count[s]++
		// Right and up neighbours count every bond once.
		if c.Spins[c.nb[4*i]] == s {
			c.eq++
		}
		if c.Spins[c.nb[4*i+2]] == s {
			c.eq++
		}
	}
}

// Energy is the total energy E of the configuration.
func (c *Chain) Energy() float64 {
	return -c.Model.bondJ()*float64(c.eq) + c.Model.energyOffset(2*c.N)
}

// Magnetization is |M| = |Σ_i s_i| for Ising, |Σ_i exp(2πiσ_i/q)| for Potts.
func (c *Chain) Magnetization() float64 {
	if c.Model.Q == 2 {
		return math.Abs(float64(c.count[1] - c.count[0]))
	}
	var re, im float64
	for k, n := range c.count {
		re += float64(n) * c.cosq[k]
		im += float64(n) * c.sinq[k]
	}
	return math.Hypot(re, im)
}

// MetropolisSweep proposes N single-site moves at random sites, each to a
// uniformly chosen other value, accepted with min(1, e^{−ΔE/T}).
func (c *Chain) MetropolisSweep() {
	q := c.Model.Q
	for range c.N {
		i := c.rng.IntN(c.N)
		old := c.Spins[i]
		var nw uint8
		if q == 2 {
			nw = 1 - old
		} else {
			nw = uint8(c.rng.IntN(q - 1))
			if nw >= old {
				nw++
			}
		}
		nb := c.nb[4*i : 4*i+4 : 4*i+4]
		same, next := 0, 0
		for _, j := range nb {
			s := c.Spins[j]
			if s == old {
				same++
			}
			if s == nw {
				next++
			}
		}
		k := same - next + 4
		if a := c.accept[k]; a >= 1 || c.rng.Float64() < a {
			c.Spins[i] = nw
			c.eq += next - same
			c.count[old]--
			c.count[nw]++
		}
	}
}

// WolffStep grows one Wolff cluster from a random site, adding equal
// neighbours with probability 1 − e^{−J/T}, and moves the whole cluster to a
// uniformly chosen other value. It returns the cluster size.
func (c *Chain) WolffStep() int {
	q := c.Model.Q
	seed := int32(c.rng.IntN(c.N))
	old := c.Spins[seed]
	var nw uint8
	if q == 2 {
		nw = 1 - old
	} else {
		nw = uint8(c.rng.IntN(q - 1))
		if nw >= old {
			nw++
		}
	}
	stack := c.stack[:0]
	stack = append(stack, seed)
	c.mark[seed] = true
	size := 0
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		// Flip now: marked sites are never revisited, and the bond count is
		// fixed up from the neighbours' current values.
		same, next := 0, 0
		for _, j := range c.nb[4*i : 4*i+4 : 4*i+4] {
			s := c.Spins[j]
			if s == old {
				same++
				if !c.mark[j] && c.rng.Float64() < c.padd {
					c.mark[j] = true
					stack = append(stack, j)
				}
			} else if s == nw {
				next++
			}
		}
		c.Spins[i] = nw
		c.eq += next - same
		size++
	}
	c.stack = stack
	c.count[old] -= size
	c.count[nw] += size
	// Clear marks: cluster sites now hold nw and are exactly the marked ones.
	c.clearMarks(seed)
	return size
}

// clearMarks unmarks the cluster grown from seed by a second walk over marked
// sites, which costs the cluster size rather than N.
func (c *Chain) clearMarks(seed int32) {
	stack := c.stack[:0]
	stack = append(stack, seed)
	c.mark[seed] = false
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range c.nb[4*i : 4*i+4 : 4*i+4] {
			if c.mark[j] {
				c.mark[j] = false
				stack = append(stack, j)
			}
		}
	}
	c.stack = stack
}
