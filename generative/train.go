package generative

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmcmpi/vmcmpi/comm"
	"github.com/vmcmpi/vmcmpi/reduce"
	"github.com/vmcmpi/vmcmpi/solvers/optim"
)

// TrainOptions configure a Trainer. Zero values mean the documented defaults.
type TrainOptions struct {
	Hidden int // hidden units (required)
	// Q ≥ 2 trains a one-hot (Potts) visible layer (RBM.Q): the data hold
	// one Potts state in [0, Q) per site and nv counts sites. 0: binary.
	Q int
	// K is the number of Gibbs steps of the negative phase (0 means 1).
	K int
	// KAverage, when positive, is the number of Gibbs steps from epoch
	// AverageFrom on: the averaged parameters are what gets evaluated, and
	// with one step per update the persistent chains lag behind the moving
	// machine near T_c, which biases the fit (too ordered).
	KAverage int
	// Persistent selects persistent CD: Chains chains carried over from one
	// minibatch to the next; otherwise CD-k from each data point.
	Persistent bool
	Chains     int // PCD chains (0 means BatchSize)
	BatchSize  int // global minibatch size (0 means 100)
	// Optimizer is "adam" (default) or "sgd".
	Optimizer    string
	LearningRate float64 // 0 means 1e-3 for Adam, 1e-2 for SGD
	// LearningRateEnd, when positive, anneals the learning rate
	// geometrically from LearningRate to LearningRateEnd over DecayEpochs
	// epochs (constant afterwards): a large rate finds the weights, a small
	// one removes the noise that the stochastic negative phase leaves in them.
	LearningRateEnd float64
	DecayEpochs     int
	// AverageFrom, when positive, keeps the mean of the parameters over
	// every minibatch from epoch AverageFrom on (Polyak averaging); Averaged
	// returns it. The stochastic gradient leaves the last iterate jittering
	// around the optimum, and thermodynamic observables of an RBM are
	// sensitive to that jitter; the mean is not.
	AverageFrom int
	// Centered follows the gradient of the centred machine (Montavon and
	// Müller 2012; Melchior, Fischer and Wiskott 2016), whose energy couples
	// v − μ and h − λ, μ the data's visible means and λ a running mean of
	// p(h|v) over the data. The distributions are the same; the step is
	// better conditioned, because the weights' gradient no longer carries
	// the biases' along, and training needs far fewer updates.
	Centered bool
	// Flip adds the global spin-flip move of SampleOptions.Flip to every
	// PCD chain after its Gibbs steps, so that the negative phase weighs the
	// two magnetisation sectors as the machine does.
	Flip bool
	// ChainsFromData starts PCD chain g at data row g mod rows instead of a
	// random configuration, so that the chains begin near the data.
	ChainsFromData bool
	WeightDecay    float64 // L2 penalty λ on W: the gradient gains λW
	InitScale      float64 // standard deviation of the initial W (0 means 0.01)
	// InitCouplings starts a binary machine with Hidden = nv from the
	// data's Gaussian couplings (couplingStart) instead of random weights.
	InitCouplings bool
	// Init, when not nil, is the starting point instead of random weights
	// and data log-odds biases: a warm start from the machine trained at a
	// neighbouring temperature. It must have Hidden hidden units.
	Init *RBM
	Seed uint64
}

// Trainer trains an RBM on binary data spread over the ranks of a
// communicator. All ranks must call its methods together.
type Trainer struct {
	Opt   TrainOptions
	RBM   *RBM
	c     comm.Comm
	rule  optim.Rule
	setLR func(float64) // sets the rule's learning rate

	rows  int       // global number of data rows
	shard []float64 // rows i with i % size == rank, as float64 0/1
	perm  []int
	epoch int
	step  int // minibatches done

	mu, lambda    []float64 // centring offsets of the visible and hidden units
	colsum, flipH []float64 // column sums of W and scratch for the spin-flip move
	avg           *RBM      // mean parameters since AverageFrom (nil without averaging)
	averaged      int       // minibatches in avg

	buf        *reduce.Buffer
	posW, negW reduce.Matrix
	posA, posB reduce.Vector
	negA, negB reduce.Vector
	posN, negN reduce.Scalar
	grad       []float64
	cd         *Gibbs // CD-k scratch chain
	cdSrc      *rand.PCG
	cdRng      *rand.Rand
	chains     []*Gibbs // owned PCD chains, global index g = rank + k·size
	chainSrc   []*rand.PCG
	chainRng   []*rand.Rand
}

// NewTrainer prepares training on data, rows×nv binary values (0 or 1) in
// row-major order, or with o.Q ≥ 2 rows×nv Potts states of nv sites. Every rank passes the same data and keeps only its shard
// (rows i with i mod size = rank), so the caller may drop data afterwards.
func NewTrainer(c comm.Comm, data []uint8, nv int, o TrainOptions) (*Trainer, error) {
	if nv < 1 || len(data) == 0 || len(data)%nv != 0 {
		return nil, fmt.Errorf("generative: %d data values do not make rows of %d visible units", len(data), nv)
	}
	if o.Hidden < 1 {
		return nil, fmt.Errorf("generative: %d hidden units: want at least 1", o.Hidden)
	}
	if o.K == 0 {
		o.K = 1
	}
	if o.BatchSize == 0 {
		o.BatchSize = 100
	}
	if o.Chains == 0 {
		o.Chains = o.BatchSize
	}
	if o.InitScale == 0 {
		o.InitScale = 0.01
	}
	if o.Optimizer == "" {
		o.Optimizer = "adam"
	}
	if o.LearningRate == 0 {
		o.LearningRate = 1e-3
		if o.Optimizer == "sgd" {
			o.LearningRate = 1e-2
		}
	}
	if o.LearningRateEnd < 0 || o.DecayEpochs < 0 || (o.LearningRateEnd > 0 && o.DecayEpochs == 0) {
		return nil, fmt.Errorf("generative: final learning rate %g over %d epochs: want both positive, or a zero rate", o.LearningRateEnd, o.DecayEpochs)
	}
	if o.Q == 1 || o.Q < 0 || o.Q > 255 {
		return nil, fmt.Errorf("generative: %d states per site: want 0 (binary units) or 2 … 255", o.Q)
	}
	if o.Init != nil && (o.Init.Sites() != nv || o.Init.Q != o.Q || o.Init.NH != o.Hidden) {
		return nil, fmt.Errorf("generative: initial RBM has %d sites of %d states and %d hidden units, want %d, %d and %d", o.Init.Sites(), o.Init.Q, o.Init.NH, nv, o.Q, o.Hidden)
	}
	if o.AverageFrom < 0 {
		return nil, fmt.Errorf("generative: averaging from epoch %d: want ≥ 0", o.AverageFrom)
	}
	if o.KAverage < 0 {
		return nil, fmt.Errorf("generative: %d Gibbs steps while averaging: want ≥ 0", o.KAverage)
	}
	if o.K < 1 || o.BatchSize < 1 || o.Chains < 1 || o.LearningRate < 0 || o.WeightDecay < 0 || o.InitScale < 0 {
		return nil, fmt.Errorf("generative: k %d, batch %d, chains %d, learning rate %g, weight decay %g, init scale %g: want positive (decay ≥ 0)",
			o.K, o.BatchSize, o.Chains, o.LearningRate, o.WeightDecay, o.InitScale)
	}
	for i, x := range data {
		if o.Q == 0 && x > 1 {
			return nil, fmt.Errorf("generative: data value %d at row %d is not 0 or 1", x, i/nv)
		}
		if o.Q > 0 && int(x) >= o.Q {
			return nil, fmt.Errorf("generative: data value %d at row %d is not a state 0 … %d", x, i/nv, o.Q-1)
		}
	}
	t := &Trainer{Opt: o, c: c, rows: len(data) / nv}
	if o.Q > 0 {
		t.RBM = NewPottsRBM(nv, o.Q, o.Hidden)
	} else {
		t.RBM = NewRBM(nv, o.Hidden)
	}
	r := t.RBM
	sites := nv
	nv = r.NV
	switch o.Optimizer {
	case "adam":
		a := optim.NewAdam(o.LearningRate, len(r.Params))
		t.rule, t.setLR = a, func(lr float64) { a.LR = lr }
	case "sgd":
		g := optim.NewGD(o.LearningRate)
		t.rule, t.setLR = g, func(lr float64) { g.LR = lr }
	default:
		return nil, fmt.Errorf("generative: optimizer %q: want adam or sgd", o.Optimizer)
	}
	// Same initial weights on every rank: one stream from the seed alone.
	init := rand.New(rand.NewPCG(seedWords(o.Seed, 1, 0)))
	for i := range r.W {
		r.W[i] = o.InitScale * init.NormFloat64()
	}
	// Visible biases start at the data's log-odds (Hinton's practical
	// guide), computed from all rows so that all ranks agree; for a one-hot
	// layer at the log-frequencies of the states (the softmax ignores a
	// common shift).
	ones := make([]float64, nv)
	if o.Q > 0 {
		for i, x := range data {
			ones[(i%sites)*o.Q+int(x)]++
		}
	} else {
		for i, x := range data {
			ones[i%nv] += float64(x)
		}
	}
	t.mu, t.lambda = make([]float64, nv), make([]float64, o.Hidden)
	for i, n := range ones {
		t.mu[i] = n / float64(t.rows)
	}
	for j := range t.lambda {
		t.lambda[j] = 0.5
	}
	for i, n := range ones {
		if o.Q > 0 {
			r.A[i] = math.Log((n + 1) / float64(t.rows+o.Q))
			continue
		}
		p := (n + 1) / float64(t.rows+2)
		r.A[i] = math.Log(p / (1 - p))
	}
	if o.InitCouplings && o.Init == nil {
		rows := make([][]float64, t.rows)
		for k := range rows {
			rows[k] = make([]float64, nv)
			r.SetVisible(rows[k], data[k*sites:(k+1)*sites])
		}
		if err := couplingStart(r, rows, t.mu); err != nil {
			return nil, err
		}
	}
	if o.Init != nil {
		copy(r.Params, o.Init.Params)
	}
	rank, size := c.Rank(), c.Size()
	for i := rank; i < t.rows; i += size {
		t.shard = append(t.shard, make([]float64, nv)...)
		r.SetVisible(t.shard[len(t.shard)-nv:], data[i*sites:(i+1)*sites])
	}
	t.perm = make([]int, t.rows)
	t.colsum, t.flipH = make([]float64, o.Hidden), make([]float64, o.Hidden)
	t.grad = make([]float64, len(r.Params))
	b := reduce.New()
	t.posW, t.posA, t.posB, t.posN = b.Matrix("positive v·p(h|v)", nv, o.Hidden), b.Vector("positive v", nv), b.Vector("positive p(h|v)", o.Hidden), b.Scalar("positive samples")
	t.negW, t.negA, t.negB, t.negN = b.Matrix("negative v·p(h|v)", nv, o.Hidden), b.Vector("negative v", nv), b.Vector("negative p(h|v)", o.Hidden), b.Scalar("negative samples")
	t.buf = b
	t.cd = NewGibbs(r)
	t.cdSrc = rand.NewPCG(0, 0)
	t.cdRng = rand.New(t.cdSrc)
	if o.Persistent {
		for g := rank; g < o.Chains; g += size {
			ch := NewGibbs(r)
			src := rand.NewPCG(seedWords(o.Seed, 2, uint64(g)))
			rng := rand.New(src)
			r.randomVisible(ch.V, rng)
			if o.ChainsFromData {
				r.SetVisible(ch.V, data[(g%t.rows)*sites:(g%t.rows+1)*sites])
			}
			t.chains, t.chainSrc, t.chainRng = append(t.chains, ch), append(t.chainSrc, src), append(t.chainRng, rng)
		}
	}
	return t, nil
}

// Epochs is the number of completed epochs.
func (t *Trainer) Epochs() int { return t.epoch }

// Averaged is the RBM with the parameters averaged since epoch AverageFrom,
// or the trained RBM itself before then or without averaging.
func (t *Trainer) Averaged() *RBM {
	if t.avg == nil {
		return t.RBM
	}
	return t.avg
}

// Rows is the global number of data rows.
func (t *Trainer) Rows() int { return t.rows }

// accumulate adds one sample's v and p(h|v) to a phase.
func accumulate(w reduce.Matrix, a, b reduce.Vector, n reduce.Scalar, v, ph []float64) {
	_, nh := w.Dims()
	wd := w.Data()
	for i, x := range v {
		if x == 0 {
			continue
		}
		row := wd[i*nh : (i+1)*nh : (i+1)*nh]
		for j, p := range ph {
			row[j] += x * p
		}
	}
	ad, bd := a.Data(), b.Data()
	for i, x := range v {
		ad[i] += x
	}
	for j, p := range ph {
		bd[j] += p
	}
	*n.Ptr() += 1
}

// Epoch does one pass over the data in minibatches, in an order drawn from
// the seed and the epoch number alone.
func (t *Trainer) Epoch() error {
	order := rand.New(rand.NewPCG(seedWords(t.Opt.Seed, 3, uint64(t.epoch))))
	for i := range t.perm {
		t.perm[i] = i
	}
	order.Shuffle(len(t.perm), func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
	for start := 0; start < t.rows; start += t.Opt.BatchSize {
		if err := t.minibatch(t.perm[start:min(start+t.Opt.BatchSize, t.rows)]); err != nil {
			return err
		}
	}
	t.epoch++
	return nil
}

// minibatch does one gradient step on the rows of batch (global indices).
func (t *Trainer) minibatch(batch []int) error {
	r, nv := t.RBM, t.RBM.NV
	rank, size := t.c.Rank(), t.c.Size()
	t.buf.Reset()
	for p, row := range batch {
		if row%size != rank {
			continue
		}
		v := t.shard[(row/size)*nv : (row/size+1)*nv]
		g := t.cd
		r.HiddenProb(g.PH, v)
		accumulate(t.posW, t.posA, t.posB, t.posN, v, g.PH)
		if t.Opt.Persistent {
			continue
		}
		// CD-k from this data point, with a stream fixed by the minibatch
		// and the position in it, so that any rank would draw the same.
		t.cdSrc.Seed(seedWords(t.Opt.Seed, 4, uint64(t.step)<<24|uint64(p)))
		copy(g.V, v)
		g.Step(r, t.Opt.K, 1, t.cdRng)
		accumulate(t.negW, t.negA, t.negB, t.negN, g.V, g.PH)
	}
	if t.Opt.Flip && len(t.chains) > 0 && r.Q == 0 { // the one-hot move needs no column sums
		columnSums(r, t.colsum)
	}
	steps := t.Opt.K
	if t.Opt.KAverage > 0 && t.Opt.AverageFrom > 0 && t.epoch >= t.Opt.AverageFrom {
		steps = t.Opt.KAverage
	}
	for k, g := range t.chains {
		g.Step(r, steps, 1, t.chainRng[k])
		if t.Opt.Flip {
			flip(r, g, t.colsum, t.flipH, t.chainRng[k])
		}
		accumulate(t.negW, t.negA, t.negB, t.negN, g.V, g.PH)
	}
	if err := t.buf.AllReduce(t.c); err != nil {
		return err
	}
	np, nn := t.posN.Value(), t.negN.Value()
	if np == 0 || nn == 0 {
		return errors.New("generative: empty minibatch")
	}
	// Gradient of the loss −⟨ln p⟩ + (λ/2)‖W‖²: negative minus positive phase.
	nw := len(r.W)
	pw, mw := t.posW.Data(), t.negW.Data()
	pa, ma := t.posA.Data(), t.negA.Data()
	pb, mb := t.posB.Data(), t.negB.Data()
	for i := range nw {
		t.grad[i] = mw[i]/nn - pw[i]/np
	}
	for i := range pa {
		t.grad[nw+i] = ma[i]/nn - pa[i]/np
	}
	for j := range pb {
		t.grad[nw+nv+j] = mb[j]/nn - pb[j]/np
	}
	if t.Opt.Centered {
		t.center(pb, np)
	}
	for i := range nw {
		t.grad[i] += t.Opt.WeightDecay * r.W[i]
	}
	if t.Opt.LearningRateEnd > 0 {
		t.setLR(t.learningRate())
	}
	t.rule.Step(r.Params, t.grad)
	t.step++
	if t.Opt.AverageFrom > 0 && t.epoch >= t.Opt.AverageFrom {
		if t.avg == nil {
			t.avg = r.zeroed()
		}
		// Running mean: avg += (θ − avg)/n.
		t.averaged++
		f := 1 / float64(t.averaged)
		for i, x := range r.Params {
			t.avg.Params[i] += f * (x - t.avg.Params[i])
		}
	}
	return nil
}

// learningRate is the annealed rate of the current minibatch, a function of
// the minibatch count alone (so a resumed run continues the schedule).
func (t *Trainer) learningRate() float64 {
	perEpoch := (t.rows + t.Opt.BatchSize - 1) / t.Opt.BatchSize
	x := min(1, float64(t.step)/float64(perEpoch*t.Opt.DecayEpochs))
	return t.Opt.LearningRate * math.Pow(t.Opt.LearningRateEnd/t.Opt.LearningRate, x)
}

// centerRate is the weight of each minibatch in the running hidden offset λ.
const centerRate = 0.01

// center turns the gradient in t.grad, plain in all three parts, into the
// centred one expressed in the plain parameters: with ΔW the weights'
// gradient about the offsets, ΔW = ΔW_plain − μΔb − Δa λᵀ, the updates of
// a and b gain −ΔW λ and −ΔWᵀ μ (the centred biases' images). Then λ moves
// towards this minibatch's mean of p(h|v), posB/np.
func (t *Trainer) center(posB []float64, np float64) {
	r := t.RBM
	nv, nh, nw := r.NV, r.NH, len(r.W)
	gw, ga, gb := t.grad[:nw], t.grad[nw:nw+nv], t.grad[nw+nv:]
	for i := range nv {
		row := gw[i*nh : (i+1)*nh : (i+1)*nh]
		mi, ai := t.mu[i], ga[i]
		for j := range row {
			row[j] -= mi*gb[j] + ai*t.lambda[j]
		}
	}
	for i := range nv {
		row := gw[i*nh : (i+1)*nh : (i+1)*nh]
		s := 0.0
		for j, w := range row {
			s += w * t.lambda[j]
		}
		ga[i] -= s
	}
	for i := range nv {
		row := gw[i*nh : (i+1)*nh : (i+1)*nh]
		mi := t.mu[i]
		for j, w := range row {
			gb[j] -= w * mi
		}
	}
	for j, p := range posB {
		t.lambda[j] += centerRate * (p/np - t.lambda[j])
	}
}
