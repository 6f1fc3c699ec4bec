package generative

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vmcmpi/vmcmpi/checkpoint"
	"github.com/vmcmpi/vmcmpi/classical"
	"github.com/vmcmpi/vmcmpi/comm"
)

// Point is the outcome at one temperature.
type Point struct {
	T         float64                `json:"T"`
	Algorithm classical.Algorithm    `json:"mc_algorithm"`
	MC        classical.Observables  `json:"mc"`
	RBM       *classical.Observables `json:"rbm,omitempty"`
	// RBMChains is set when the evaluation chains disagree (ChainSpread.Chi2
	// above SpreadWarning): the machine may have a second mode.
	RBMChains *ChainSpread `json:"rbm_chains,omitempty"`
	// LogLikelihood is the exact mean log-likelihood of the training data
	// (when the smaller layer is small enough), LogZ and LogZAIS the exact
	// and AIS partition functions.
	LogLikelihood *float64 `json:"log_likelihood,omitempty"`
	LogZ          *float64 `json:"log_z,omitempty"`
	LogZAIS       *float64 `json:"log_z_ais,omitempty"`
	LogZAISErr    *float64 `json:"log_z_ais_err,omitempty"`
	// Onsager's infinite-lattice energy and magnetisation (Ising only).
	Onsager  *float64 `json:"onsager_e,omitempty"`
	OnsagerM *float64 `json:"onsager_m,omitempty"`
	DataFile string   `json:"data_file"`
	// Data holds the observables of the stored configurations (the training
	// data) when the Monte Carlo reference MC is measured on more sweeps
	// (mc.measure_every, mc.measure_sweeps).
	Data *classical.Observables `json:"mc_data,omitempty"`
	// Exact holds the exact values of this finite lattice (Ising with
	// L ≤ classical.MaxTransferLength), the reference for MC and RBM alike.
	Exact *classical.Observables `json:"exact,omitempty"`
}

// Report is the outcome of a study.
type Report struct {
	Model  string  `json:"model"`
	L      int     `json:"L"`
	Sites  int     `json:"sites"`
	Ranks  int     `json:"ranks"`
	Points []Point `json:"points"`
	Source string  `json:"config"`
}

// Files written into the output directory.
const (
	ResultsJSON = "results.json"
	ResultsCSV  = "results.csv"
	DataDir     = "data"
)

// DataName is the file of the configurations at temperature T.
func DataName(T float64) string {
	return "T" + strconv.FormatFloat(T, 'f', -1, 64) + ".txt"
}

// Study generates Monte Carlo data at every temperature of cfg, trains an RBM
// on each (unless rbm.hidden = 0), evaluates it and writes results.json,
// results.csv, data/T<T>.txt and checkpoint.bin into cfg.Output.Dir (rank 0
// writes). With resume it continues from the checkpoint there. progress, if
// not nil, receives one line per stage on rank 0. Cancelling ctx stops all
// ranks after the same epoch, with a checkpoint.
func Study(ctx context.Context, c comm.Comm, cfg *Config, resume bool, progress func(string)) (*Report, error) {
	say := func(format string, a ...any) {
		if progress != nil && c.Rank() == 0 {
			progress(fmt.Sprintf(format, a...))
		}
	}
	flat, err := cfg.flat()
	if err != nil {
		return nil, err
	}
	model, L := cfg.SpinModel(), cfg.Model.Length
	rep := &Report{Model: model.String(), L: L, Sites: L * L, Ranks: c.Size(), Source: cfg.Source}
	dir := cfg.Output.Dir
	ckPath := filepath.Join(dir, checkpoint.FileName)
	if c.Rank() == 0 {
		if err := os.MkdirAll(filepath.Join(dir, DataDir), 0o755); err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
	}
	var ck *checkpoint.State
	if resume {
		if ck, err = checkpoint.Load(c, ckPath, 0); err != nil {
			return nil, fmt.Errorf("resume: %w", err)
		}
		if err := ck.Compatible(flat, c.Size(), nil); err != nil {
			return nil, fmt.Errorf("resume %s: %w", ckPath, err)
		}
		if err := json.Unmarshal(ck.Extra["study.points"], &rep.Points); err != nil {
			return nil, fmt.Errorf("resume %s: %w", ckPath, err)
		}
	}
	// prev is the machine of the temperature before, for warm starts.
	var prev *RBM
	save := func(tr *Trainer) error {
		s := &checkpoint.State{Config: flat, Ranks: c.Size(), Extra: map[string][]byte{}}
		if tr != nil {
			if err := tr.Save(s, 0); err != nil {
				return err
			}
		}
		if c.Rank() != 0 {
			return nil
		}
		if prev != nil {
			s.Extra["study.previous"] = encodeRBM(prev)
		}
		pts, err := json.Marshal(rep.Points)
		if err != nil {
			return err
		}
		s.Extra["study.points"] = pts
		if tr == nil {
			delete(s.Extra, "trainer.step")
		}
		return checkpoint.WriteFile(ckPath, s)
	}
	if ck != nil && cfg.RBM.WarmStart && len(rep.Points) > 0 {
		if prev, err = decodeRBM(ck.Extra["study.previous"], L*L, cfg.visibleQ(), cfg.RBM.Hidden); err != nil {
			return nil, fmt.Errorf("resume %s: %w", ckPath, err)
		}
	}
	temps := cfg.Temps()
	for ti := len(rep.Points); ti < len(temps); ti++ {
		T := temps[ti]
		p, data, err := monteCarlo(c, cfg, ti, T)
		if err != nil {
			return nil, err
		}
		say("T = %.4g: MC (%s) e = %.5f ± %.5f, |m| = %.4f ± %.4f, C_v = %.3f ± %.3f, χ = %.3f ± %.3f",
			T, p.Algorithm, p.MC.E, p.MC.EErr, p.MC.M, p.MC.MErr, p.MC.Cv, p.MC.CvErr, p.MC.Chi, p.MC.ChiErr)
		if d := p.Data; d != nil {
			say("T = %.4g: training data (the stored configurations) e = %.5f ± %.5f, |m| = %.4f ± %.4f, C_v = %.3f ± %.3f, χ = %.3f ± %.3f",
				T, d.E, d.EErr, d.M, d.MErr, d.Cv, d.CvErr, d.Chi, d.ChiErr)
		}
		if x := p.Exact; x != nil {
			say("T = %.4g: exact e = %.5f, |m| = %.4f, C_v = %.3f, χ = %.3f (MC off by %+.1fσ, %+.1fσ, %+.1fσ, %+.1fσ)",
				T, x.E, x.M, x.Cv, x.Chi, sigmas(p.MC.E, p.MC.EErr, x.E), sigmas(p.MC.M, p.MC.MErr, x.M),
				sigmas(p.MC.Cv, p.MC.CvErr, x.Cv), sigmas(p.MC.Chi, p.MC.ChiErr, x.Chi))
		}
		if cfg.RBM.Hidden > 0 {
			var st *checkpoint.State
			if ck != nil && ck.Params != nil {
				st = ck
			}
			ck = nil
			init := prev
			if !cfg.RBM.WarmStart {
				init = nil
			}
			trained, err := trainAndEvaluate(ctx, c, cfg, ti, &p, data, st, init, save, say)
			if err != nil {
				return nil, err
			}
			if cfg.RBM.WarmStart {
				prev = trained
			}
		}
		rep.Points = append(rep.Points, p)
		if err := save(nil); err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
		if err := rep.write(c, dir); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// monteCarlo generates (or reads) the configurations at temperature index ti.
// Every rank does the same deterministic work, so no data need be sent.
func monteCarlo(c comm.Comm, cfg *Config, ti int, T float64) (Point, []uint8, error) {
	model, L := cfg.SpinModel(), cfg.Model.Length
	p := Point{T: T, DataFile: filepath.Join(DataDir, DataName(T))}
	if model.Ising {
		u, m := classical.OnsagerEnergy(T), classical.OnsagerMagnetization(T)
		p.Onsager, p.OnsagerM = &u, &m
		if L <= classical.MaxTransferLength {
			ex, err := classical.ExactTransferMatrix(L, []float64{T})
			if err != nil {
				return p, nil, fmt.Errorf("%s: T = %v: %w", cfg.Source, T, err)
			}
			p.Exact = &ex[0]
		}
	}
	if cfg.MC.DataDir != "" {
		path := filepath.Join(cfg.MC.DataDir, DataName(T))
		data, n, err := classical.ReadSamples(path, model.Q)
		if err != nil {
			return p, nil, err
		}
		if n != L*L {
			return p, nil, fmt.Errorf("%s: %d sites per configuration, model.length = %d needs %d", path, n, L, L*L)
		}
		rows := len(data) / n
		if rows < 2 {
			return p, nil, fmt.Errorf("%s: %d configuration: want at least 2", path, rows)
		}
		p.Algorithm = "file"
		p.DataFile = path
		p.MC, err = measureRows(model, L, T, data)
		return p, data, err
	}
	r, err := classical.Run(classical.Options{
		Model: model, L: L, T: T, Algorithm: classical.Algorithm(cfg.MC.Algorithm),
		Thermalize: cfg.MC.Thermalize, Samples: cfg.samplesAt(ti), Every: cfg.MC.Every, Keep: true,
		MeasureEvery: cfg.MC.MeasureEvery, MeasureSweeps: cfg.MC.MeasureSweeps,
		Seed1: cfg.MC.Seed, Seed2: uint64(ti),
	})
	if err != nil {
		return p, nil, fmt.Errorf("%s: T = %v: %w", cfg.Source, T, err)
	}
	p.MC, p.Algorithm = r.Observables, r.Algorithm
	if cfg.separateReference() {
		d, err := measureRows(model, L, T, r.Configs)
		if err != nil {
			return p, nil, err
		}
		p.Data = &d
	}
	if c.Rank() == 0 {
		path := filepath.Join(cfg.Output.Dir, p.DataFile)
		if err := checkpoint.WriteAtomic(path, classical.EncodeSamples(r.Configs, L*L)); err != nil {
			return p, nil, fmt.Errorf("output: %w", err)
		}
	}
	return p, r.Configs, nil
}

// measureRows measures the configurations data (rows of L² Potts values)
// as one series.
func measureRows(model classical.Model, L int, T float64, data []uint8) (classical.Observables, error) {
	n := L * L
	rows := len(data) / n
	ch, err := classical.NewChain(model, L, T, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return classical.Observables{}, err
	}
	e, m := make([]float64, rows), make([]float64, rows)
	for r := range rows {
		ch.SetSpins(data[r*n : (r+1)*n])
		e[r], m[r] = ch.Energy()/float64(n), ch.Magnetization()/float64(n)
	}
	return classical.Measure(T, n, [][]float64{e}, [][]float64{m}, nil)
}

// SpreadWarning is the ChainSpread.Chi2 above which a study flags a
// temperature. Agreeing chains give 1–2 (blocking errors of 10⁴ correlated
// samples run somewhat low); a chain that held a second mode for a few
// hundred of its steps gives far more.
const SpreadWarning = 10

// sigmas is the deviation of an estimate from the exact value in standard
// errors.
func sigmas(est, se, exact float64) float64 { return (est - exact) / se }

// trainAndEvaluate trains the RBM of temperature index ti (from st when
// resuming), checkpointing every output.checkpoint_every epochs, then
// evaluates it.
func trainAndEvaluate(ctx context.Context, c comm.Comm, cfg *Config, ti int, p *Point, data []uint8, st *checkpoint.State, init *RBM,
	save func(*Trainer) error, say func(string, ...any)) (*RBM, error) {
	n := cfg.Model.Length * cfg.Model.Length
	rc := cfg.RBM
	epochs, averageFrom := cfg.epochsAt(ti)
	tr, err := NewTrainer(c, data, n, TrainOptions{
		Hidden: rc.Hidden, Q: cfg.visibleQ(), K: rc.K, KAverage: rc.KAverage, Persistent: rc.Persistent, Chains: rc.Chains, BatchSize: rc.Batch,
		Optimizer: rc.Optimizer, LearningRate: rc.LearningRate, WeightDecay: rc.WeightDecay, InitScale: rc.InitScale, InitCouplings: rc.InitCouplings,
		LearningRateEnd: rc.LearningRateEnd, DecayEpochs: epochs, AverageFrom: averageFrom, ChainsFromData: rc.ChainsFromData, Centered: rc.Centered, Flip: rc.Flip,
		Init: init, Seed: rc.Seed ^ uint64(math.Float64bits(p.T)),
	})
	if err != nil {
		return nil, err
	}
	if st != nil {
		if err := tr.Restore(st); err != nil {
			return nil, fmt.Errorf("resume: %w", err)
		}
		say("T = %.4g: resuming training at epoch %d", p.T, tr.Epochs())
	}
	stop := []float64{0}
	for tr.Epochs() < epochs {
		if err := tr.Epoch(); err != nil {
			return nil, err
		}
		// All ranks agree on stopping, so they stop after the same epoch.
		stop[0] = 0
		if ctx.Err() != nil {
			stop[0] = 1
		}
		if err := c.AllReduce(stop, comm.Max); err != nil {
			return nil, err
		}
		last := tr.Epochs() == epochs
		if stop[0] > 0 || (!last && cfg.Output.CheckpointEvery > 0 && tr.Epochs()%cfg.Output.CheckpointEvery == 0) {
			if err := save(tr); err != nil {
				return nil, fmt.Errorf("checkpoint: %w", err)
			}
		}
		if stop[0] > 0 {
			return nil, fmt.Errorf("stopped after epoch %d of T = %v (checkpoint written): %w", tr.Epochs(), p.T, context.Cause(ctx))
		}
	}
	ec := cfg.Eval
	rbm := tr.Averaged()
	observe := IsingObserver(cfg.Model.Length)
	if rbm.Q > 0 {
		observe = PottsObserver(cfg.Model.Length, rbm.Q)
	}
	obs, spread, err := EvaluateChains(c, rbm, SampleOptions{Chains: ec.Chains, BurnIn: ec.BurnIn, Samples: ec.Samples, Every: ec.Every, Seed: ec.Seed, Flip: ec.Flip,
		OrderedStarts: ec.OrderedStarts}, p.T, n, observe)
	if err != nil {
		return nil, err
	}
	p.RBM = &obs
	if ExactUnits(rbm) <= ec.ExactMaxUnits {
		lz, err := LogZ(rbm)
		if err != nil {
			return nil, err
		}
		ll := LogLikelihood(rbm, data, lz)
		p.LogZ, p.LogLikelihood = &lz, &ll
	}
	if ec.AISRuns > 0 {
		lz, se, err := AIS(rbm, AISOptions{Steps: ec.AISSteps, Runs: ec.AISRuns, Seed: ec.Seed})
		if err != nil {
			return nil, err
		}
		p.LogZAIS, p.LogZAISErr = &lz, &se
	}
	say("T = %.4g: RBM e = %.5f ± %.5f, |m| = %.4f ± %.4f, C_v = %.3f ± %.3f, χ = %.3f ± %.3f (chains' |m|: χ²/dof = %.2g)",
		p.T, obs.E, obs.EErr, obs.M, obs.MErr, obs.Cv, obs.CvErr, obs.Chi, obs.ChiErr, spread.Chi2)
	if spread.Chi2 > SpreadWarning {
		p.RBMChains = &spread
		say("T = %.4g: WARNING: the RBM's evaluation chains disagree (χ²/dof = %.3g; chain %d has |m| = %.4f, %+.1fσ from the others): the machine may have a second mode",
			p.T, spread.Chi2, spread.Worst, spread.M, spread.Z)
	}
	return rbm, nil
}

// encodeRBM stores the parameters, little-endian float64s.
func encodeRBM(r *RBM) []byte {
	b := make([]byte, 0, 8*len(r.Params))
	for _, x := range r.Params {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// decodeRBM is the inverse of encodeRBM for a machine of sites visible sites
// (one-hot groups of q units when q > 0) and nh hidden units.
func decodeRBM(b []byte, sites, q, nh int) (*RBM, error) {
	r := NewRBM(sites, nh)
	if q > 0 {
		r = NewPottsRBM(sites, q, nh)
	}
	if len(b) != 8*len(r.Params) {
		return nil, fmt.Errorf("previous temperature's RBM: %d bytes, want %d", len(b), 8*len(r.Params))
	}
	for i := range r.Params {
		r.Params[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return r, nil
}

// CSVHeader names the columns of results.csv.
var CSVHeader = []string{"T", "mc_e", "mc_e_err", "mc_m", "mc_m_err", "mc_cv", "mc_cv_err", "mc_chi", "mc_chi_err",
	"rbm_e", "rbm_e_err", "rbm_m", "rbm_m_err", "rbm_cv", "rbm_cv_err", "rbm_chi", "rbm_chi_err", "log_likelihood", "onsager_e",
	"exact_e", "exact_m", "exact_cv", "exact_chi"}

// write stores results.json and results.csv (rank 0).
func (r *Report) write(c comm.Comm, dir string) error {
	if c.Rank() != 0 {
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := checkpoint.WriteAtomic(filepath.Join(dir, ResultsJSON), append(b, '\n')); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	var sb strings.Builder
	sb.WriteString(strings.Join(CSVHeader, ",") + "\n")
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }
	opt := func(x *float64) string {
		if x == nil {
			return "nan"
		}
		return f(*x)
	}
	for _, p := range r.Points {
		row := []string{f(p.T)}
		for _, o := range []*classical.Observables{&p.MC, p.RBM} {
			if o == nil {
				row = append(row, "nan", "nan", "nan", "nan", "nan", "nan", "nan", "nan")
				continue
			}
			row = append(row, f(o.E), f(o.EErr), f(o.M), f(o.MErr), f(o.Cv), f(o.CvErr), f(o.Chi), f(o.ChiErr))
		}
		row = append(row, opt(p.LogLikelihood), opt(p.Onsager))
		if x := p.Exact; x != nil {
			row = append(row, f(x.E), f(x.M), f(x.Cv), f(x.Chi))
		} else {
			row = append(row, "nan", "nan", "nan", "nan")
		}
		sb.WriteString(strings.Join(row, ",") + "\n")
	}
	if err := checkpoint.WriteAtomic(filepath.Join(dir, ResultsCSV), []byte(sb.String())); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}
