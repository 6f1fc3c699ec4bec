package generative

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/vmcmpi/vmcmpi/checkpoint"
)

// chainBlob encodes a PCD chain: its global index, visible units and PCG state.
func chainBlob(g int, v []float64, src interface{ MarshalBinary() ([]byte, error) }) ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, uint64(g))
	for _, x := range v {
		b = append(b, byte(x))
	}
	p, err := src.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return append(b, p...), nil
}

// Save collects the trainer's state into s (parameters, optimiser, epoch,
// every PCD chain in global order). All ranks must call it; s is filled on
// root only.
func (t *Trainer) Save(s *checkpoint.State, root int) error {
	local := make([][]byte, len(t.chains))
	for k, g := range t.chains {
		b, err := chainBlob(t.c.Rank()+k*t.c.Size(), g.V, t.chainSrc[k])
		if err != nil {
			return err
		}
		local[k] = b
	}
	all, err := checkpoint.GatherBlobs(t.c, local, root)
	if err != nil || t.c.Rank() != root {
		return err
	}
	s.Iteration = t.epoch
	s.Params = append(s.Params[:0], t.RBM.Params...)
	s.Optimizer = t.rule.Name()
	s.OptimizerState = t.rule.State()
	s.Walkers = make([][]byte, len(all))
	for _, b := range all {
		if len(b) < 8 {
			return fmt.Errorf("generative: chain blob of %d bytes", len(b))
		}
		g := binary.LittleEndian.Uint64(b)
		if g >= uint64(len(all)) {
			return fmt.Errorf("generative: chain index %d of %d", g, len(all))
		}
		s.Walkers[g] = b
	}
	if s.Extra == nil {
		s.Extra = map[string][]byte{}
	}
	s.Extra["trainer.step"] = binary.LittleEndian.AppendUint64(nil, uint64(t.step))
	if t.Opt.Centered {
		var b []byte
		for _, x := range t.lambda {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
		s.Extra["trainer.lambda"] = b
	}
	if t.avg != nil {
		b := binary.LittleEndian.AppendUint64(nil, uint64(t.averaged))
		for _, x := range t.avg.Params {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
		s.Extra["trainer.average"] = b
	}
	return nil
}

// Restore continues from a state written by Save on a trainer built with the
// same data and options.
func (t *Trainer) Restore(s *checkpoint.State) error {
	if len(s.Params) != len(t.RBM.Params) {
		return fmt.Errorf("generative: checkpoint has %d parameters, the RBM %d", len(s.Params), len(t.RBM.Params))
	}
	if s.Optimizer != t.rule.Name() {
		return fmt.Errorf("generative: checkpoint optimizer %q, configured %q", s.Optimizer, t.rule.Name())
	}
	if err := t.rule.SetState(s.OptimizerState); err != nil {
		return err
	}
	copy(t.RBM.Params, s.Params)
	t.epoch = s.Iteration
	st := s.Extra["trainer.step"]
	if len(st) != 8 {
		return fmt.Errorf("generative: checkpoint without the trainer's step count")
	}
	t.step = int(binary.LittleEndian.Uint64(st))
	if t.Opt.Centered {
		b := s.Extra["trainer.lambda"]
		if len(b) != 8*len(t.lambda) {
			return fmt.Errorf("generative: checkpoint has %d bytes of hidden offsets, want %d", len(b), 8*len(t.lambda))
		}
		for j := range t.lambda {
			t.lambda[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*j:]))
		}
	}
	t.avg, t.averaged = nil, 0
	if b, ok := s.Extra["trainer.average"]; ok {
		if len(b) != 8*(1+len(t.RBM.Params)) {
			return fmt.Errorf("generative: averaged parameters of %d bytes, want %d", len(b), 8*(1+len(t.RBM.Params)))
		}
		t.averaged = int(binary.LittleEndian.Uint64(b))
		t.avg = t.RBM.zeroed()
		for i := range t.avg.Params {
			t.avg.Params[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*(i+1):]))
		}
	}
	if t.Opt.Persistent && len(s.Walkers) != t.Opt.Chains {
		return fmt.Errorf("generative: checkpoint has %d chains, configured %d", len(s.Walkers), t.Opt.Chains)
	}
	for k, g := range t.chains {
		b := s.Walkers[t.c.Rank()+k*t.c.Size()]
		nv := len(g.V)
		if len(b) < 8+nv {
			return fmt.Errorf("generative: chain blob of %d bytes", len(b))
		}
		for i := range g.V {
			g.V[i] = float64(b[8+i])
		}
		if err := t.chainSrc[k].UnmarshalBinary(b[8+nv:]); err != nil {
			return fmt.Errorf("generative: chain random state: %w", err)
		}
	}
	return nil
}
