package wavefunc

import (
	"fmt"

	"github.com/vmcmpi/vmcmpi/internal/cacheline"
)

// The DeepSet walker state: every item's cached inputs and features, the
// pooled averages, and single-electron moves that update them in O(N·K).

// NewState returns a walker state at x.
func (ds *DeepSet) NewState(x []float64) State {
	n, d, k := ds.n, ds.d, ds.k
	if len(x) != n*d {
		panic(fmt.Sprintf("wavefunc: DeepSet.NewState: len(x) = %d, want %d", len(x), n*d))
	}
	m := 3 * k
	var ar cacheline.Arena[float64]
	s := cacheline.New[deepSetState]()
	*s = deepSetState{
		ds:   ds,
		x:    ar.Clone(x),
		s:    ar.Make(n),
		t:    ar.Make(n * n),
		of:   ar.Make(n * k),
		of1:  ar.Make(n * k),
		pf:   ar.Make(n * n * k),
		pf1:  ar.Make(n * n * k),
		g:    ar.Make(m),
		cur:  ds.newReadout(&ar),
		pos:  ar.Make(d),
		tN:   ar.Make(n),
		ofN:  ar.Make(k),
		of1N: ar.Make(k),
		pfN:  ar.Make(n * k),
		pf1N: ar.Make(n * k),
		gN:   ar.Make(m),
		prop: ds.newReadout(&ar),
		q:    ar.Make(m),
		qs:   ar.Make(2 * k),
		v:    ar.Make(n * d * m),
	}
	s.Refresh()
	return s
}

// deepSetState caches every item's input and features: s_i and the
// one-body features (N×K), t_ij and the pair features (N×N×K, both
// orders, so a move reads and writes rows), the pooled averages g and the
// read-out.
type deepSetState struct {
	ds       *DeepSet
	x        []float64
	s, t     []float64
	of, of1  []float64 // one-body f, f'
	pf, pf1  []float64 // pair f, f' at [(i*N+j)*K + a]
	g        []float64
	cur      readoutCache
	logJ     float64
	accepts  int
	pi       int // pending proposal
	pos      []float64
	sN       float64
	tN       []float64
	ofN      []float64
	of1N     []float64
	pfN      []float64 // row of the moved electron, [j*K + a]
	pf1N     []float64
	gN       []float64
	prop     readoutCache
	logJN    float64
	q, qs, v []float64  // scratch
	pd       *paramDiff // KineticParamDerivs' private copy, made on first use
}

func (s *deepSetState) Positions() []float64 { return s.x }

func (s *deepSetState) LogPsi() float64 { return s.logJ }

func dist2(a, b []float64) float64 {
	r2 := 0.0
	for c := range a {
		t := a[c] - b[c]
		r2 += t * t
	}
	return r2
}

func (s *deepSetState) Refresh() {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	for i := range n {
		s.s[i] = ds.omega * sq(s.x[i*d:i*d+d])
		ds.embed(0, s.s[i], 0, s.of[i*k:i*k+k], s.of1[i*k:i*k+k])
	}
	for i := range n {
		xi := s.x[i*d : i*d+d]
		for j := i + 1; j < n; j++ {
			t := ds.omega * dist2(xi, s.x[j*d:j*d+d])
			s.t[i*n+j], s.t[j*n+i] = t, t
			ij, ji := (i*n+j)*k, (j*n+i)*k
			ds.embed(ds.channel(i, j), t, s.s[i]+s.s[j], s.pf[ij:ij+k], s.pf1[ij:ij+k])
			copy(s.pf[ji:ji+k], s.pf[ij:ij+k])
			copy(s.pf1[ji:ji+k], s.pf1[ij:ij+k])
		}
	}
	s.resum()
	s.accepts = 0
}

// resum recomputes the pooled averages from the cached items and reruns
// the read-out.
func (s *deepSetState) resum() {
	ds := s.ds
	n, k := ds.n, ds.k
	for q := range s.g {
		s.g[q] = 0
	}
	g0 := s.g[:k]
	for i := range n {
		for a, f := range s.of[i*k : i*k+k] {
			g0[a] += f
		}
		for j := i + 1; j < n; j++ {
			c := ds.channel(i, j)
			gc := s.g[c*k : c*k+k]
			for a, f := range s.pf[(i*n+j)*k : (i*n+j)*k+k] {
				gc[a] += f
			}
		}
	}
	for c := range 3 {
		for a := range k {
			s.g[c*k+a] *= ds.inv[c]
		}
	}
	s.logJ = ds.readout(s.g, &s.cur)
}

func (s *deepSetState) Propose(i int, pos []float64) float64 {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	s.pi = i
	copy(s.pos, pos)
	copy(s.gN, s.g)
	s.sN = ds.omega * sq(pos)
	ds.embed(0, s.sN, 0, s.ofN, s.of1N)
	old := s.of[i*k : i*k+k]
	for a := range k {
		s.gN[a] += ds.inv[0] * (s.ofN[a] - old[a])
	}
	for j := range n {
		if j == i {
			continue
		}
		t := ds.omega * dist2(pos, s.x[j*d:j*d+d])
		s.tN[j] = t
		c := ds.channel(i, j)
		fN, f1N := s.pfN[j*k:j*k+k], s.pf1N[j*k:j*k+k]
		ds.embed(c, t, s.sN+s.s[j], fN, f1N)
		old := s.pf[(i*n+j)*k : (i*n+j)*k+k]
		gc := s.gN[c*k : c*k+k]
		w := ds.inv[c]
		for a := range k {
			gc[a] += w * (fN[a] - old[a])
		}
	}
	s.logJN = ds.readout(s.gN, &s.prop)
	return s.logJN - s.logJ
}

func (s *deepSetState) Accept() {
	ds := s.ds
	n, d, k, i := ds.n, ds.d, ds.k, s.pi
	copy(s.x[i*d:i*d+d], s.pos)
	s.s[i] = s.sN
	copy(s.of[i*k:i*k+k], s.ofN)
	copy(s.of1[i*k:i*k+k], s.of1N)
	for j := range n {
		if j == i {
			continue
		}
		s.t[i*n+j], s.t[j*n+i] = s.tN[j], s.tN[j]
		ij, ji := (i*n+j)*k, (j*n+i)*k
		copy(s.pf[ij:ij+k], s.pfN[j*k:j*k+k])
		copy(s.pf[ji:ji+k], s.pfN[j*k:j*k+k])
		copy(s.pf1[ij:ij+k], s.pf1N[j*k:j*k+k])
		copy(s.pf1[ji:ji+k], s.pf1N[j*k:j*k+k])
	}
	s.g, s.gN = s.gN, s.g
	s.cur, s.prop = s.prop, s.cur
	s.logJ = s.logJN
	s.accepts++
	if ds.ResumEvery > 0 && s.accepts >= ds.ResumEvery {
		s.resum()
		s.accepts = 0
	}
}

func (s *deepSetState) Reject() {}
