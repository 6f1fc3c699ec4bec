package wavefunc

import "fmt"

// Derivatives of the DeepSet factor at a walker state: ∇_i ln J for the
// drift, the full gradient and Laplacian, and O_k by back-propagation.

// coef writes q_m = δ_m A_m / n_c and, for the pair channels, qs =
// δ_m S_m / n_c: the derivatives of ln J with respect to an item's inputs
// u and σ are Σ_a q_ca f'_ca and Σ_a qs_ca f'_ca.
func (s *deepSetState) coef(ro *readoutCache) {
	ds := s.ds
	k := ds.k
	ds.backprop(ro)
	for c := range 3 {
		for a := range k {
			q := c*k + a
			s.q[q] = ro.delta[q] * ds.p[ds.oA+q] * ds.inv[c]
			if c > 0 {
				s.qs[q-k] = ro.delta[q] * ds.p[ds.oS+q-k] * ds.inv[c]
			}
		}
	}
}

func dotK(a, b []float64) float64 {
	v := 0.0
	for q, x := range a {
		v += x * b[q]
	}
	return v
}

// gradAt writes ∇_i ln J = 2ω [e_i r_i + Σ_j (e_ij (r_i − r_j) + e'_ij r_i)]
// for electron i at xi, with its one-body f' in of1 and its pair f' rows
// in pf1 (row j at stride), given q and qs from coef: ∇_i s_i = 2ω r_i,
// ∇_i t_ij = 2ω (r_i − r_j), ∇_i σ_ij = 2ω r_i.
func (s *deepSetState) gradAt(i int, xi, of1, pf1 []float64, stride int, dst []float64) {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	e := dotK(s.q[:k], of1)
	for c := range d {
		dst[c] = e * xi[c]
	}
	for j := range n {
		if j == i {
			continue
		}
		ch := ds.channel(i, j)
		f1 := pf1[j*stride : j*stride+k]
		e := dotK(s.q[ch*k:ch*k+k], f1)
		es := dotK(s.qs[(ch-1)*k:ch*k], f1)
		xj := s.x[j*d : j*d+d]
		for c := range d {
			dst[c] += e*(xi[c]-xj[c]) + es*xi[c]
		}
	}
	for c := range d {
		dst[c] *= 2 * ds.omega
	}
}

func (s *deepSetState) GradI(i int, dst []float64) {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	s.coef(&s.cur)
	s.gradAt(i, s.x[i*d:i*d+d], s.of1[i*k:i*k+k], s.pf1[i*n*k:(i+1)*n*k], k, dst)
}

func (s *deepSetState) ProposedGradI(dst []float64) {
	s.coef(&s.prop)
	s.gradAt(s.pi, s.pos, s.of1N, s.pf1N, s.ds.k, dst)
}

// Derivs: with v_ic = ∂g/∂x_ic (3K values per coordinate),
//
//	∂ln J/∂x_ic = δ·v_ic,
//	∇²ln J = Σ_ic Σ_h w_h f”(z_h) (U_h·v_ic)² + Σ_m δ_m ∇²g_m,
//
// the first term the read-out's Hessian along each coordinate, the second
// the pooled features' Laplacians: an item with pre-activation z
// contributes f” |∇z|² + f' ∇²z, with |∇z|² = 4ω A² s and ∇²z = 2dω A
// for an electron, and, summed over both electrons of a pair, |∇z|² =
// 4ω (2A(A + S) t + S² σ) and ∇²z = 4dω (A + S).
func (s *deepSetState) Derivs(grad []float64) float64 {
	ds := s.ds
	n, d, k := ds.n, ds.d, ds.k
	m := 3 * k
	om := ds.omega
	ds.backprop(&s.cur)
	delta := s.cur.delta
	v := s.v
	for q := range v {
		v[q] = 0
	}
	lap := 0.0
	aw := ds.p[ds.oA : ds.oA+m]
	bw := ds.p[ds.oB : ds.oB+m]
	// One-body items.
	for i := range n {
		u := s.s[i]
		xi := s.x[i*d : i*d+d]
		for a := range k {
			_, f1, f2 := ds.act(aw[a]*u + bw[a])
			fa := ds.inv[0] * aw[a]
			lap += delta[a] * ds.inv[0] * (f2*aw[a]*aw[a]*4*om*u + f1*aw[a]*2*float64(d)*om)
			for c := range d {
				v[(i*d+c)*m+a] += fa * f1 * 2 * om * xi[c]
			}
		}
	}
	// Pair items.
	sw := ds.p[ds.oS : ds.oS+2*k]
	for i := range n {
		xi := s.x[i*d : i*d+d]
		for j := i + 1; j < n; j++ {
			xj := s.x[j*d : j*d+d]
			ch := ds.channel(i, j)
			t := s.t[i*n+j]
			sig := s.s[i] + s.s[j]
			w := ds.inv[ch]
			for a := range k {
				q := ch*k + a
				A, S := aw[q], sw[q-k]
				_, f1, f2 := ds.act(A*t + S*sig + bw[q])
				lap += delta[q] * w * 4 * om * (f2*(2*A*(A+S)*t+S*S*sig) + f1*float64(d)*(A+S))
				fa, fs := w*A*f1*2*om, w*S*f1*2*om
				for c := range d {
					dx := fa * (xi[c] - xj[c])
					v[(i*d+c)*m+q] += dx + fs*xi[c]
					v[(j*d+c)*m+q] += fs*xj[c] - dx
				}
			}
		}
	}
	for r := range n * d {
		grad[r] = dotK(delta, v[r*m:r*m+m])
	}
	for hh := range ds.h {
		wh := ds.p[ds.oW+hh]
		if wh == 0 {
			continue
		}
		_, _, f2 := ds.act(s.cur.z[hh])
		row := ds.p[ds.oU+hh*m : ds.oU+hh*m+m]
		sum := 0.0
		for r := range n * d {
			p := dotK(row, v[r*m:r*m+m])
			sum += p * p
		}
		lap += wh * f2 * sum
	}
	return lap
}

// ParamGrad back-propagates: ∂/∂L_m = g_m, ∂/∂w_h = f(z_h), ∂/∂c_h =
// w_h f'(z_h), ∂/∂U_hm = w_h f'(z_h) g_m, and through the pooling
// ∂/∂A_ca = δ_ca/n_c Σ_items f'_ca u, ∂/∂S_ca = δ_ca/n_c Σ_items f'_ca σ,
// ∂/∂B_ca = δ_ca/n_c Σ_items f'_ca.
func (s *deepSetState) ParamGrad(dst []float64) {
	ds := s.ds
	n, k := ds.n, ds.k
	m := 3 * k
	if len(dst) != len(ds.p) {
		panic(fmt.Sprintf("wavefunc: DeepSet ParamGrad: len(dst) = %d, want %d", len(dst), len(ds.p)))
	}
	ds.backprop(&s.cur)
	dA := dst[ds.oA : ds.oA+m]
	dB := dst[ds.oB : ds.oB+m]
	dS := dst[ds.oS : ds.oS+2*k]
	for q := range m {
		dA[q], dB[q] = 0, 0
	}
	for q := range dS {
		dS[q] = 0
	}
	for i := range n {
		u := s.s[i]
		for a, f1 := range s.of1[i*k : i*k+k] {
			dA[a] += f1 * u
			dB[a] += f1
		}
		for j := i + 1; j < n; j++ {
			u := s.t[i*n+j]
			sig := s.s[i] + s.s[j]
			off := ds.channel(i, j) * k
			for a, f1 := range s.pf1[(i*n+j)*k : (i*n+j)*k+k] {
				dA[off+a] += f1 * u
				dS[off-k+a] += f1 * sig
				dB[off+a] += f1
			}
		}
	}
	for c := range 3 {
		for a := range k {
			q := c*k + a
			w := s.cur.delta[q] * ds.inv[c]
			dA[q] *= w
			dB[q] *= w
			if c > 0 {
				dS[q-k] *= w
			}
		}
	}
	copy(dst[ds.oL:ds.oL+m], s.g)
	for hh := range ds.h {
		wf := ds.p[ds.oW+hh] * s.cur.f1[hh]
		row := dst[ds.oU+hh*m : ds.oU+hh*m+m]
		for q, gq := range s.g {
			row[q] = wf * gq
		}
		dst[ds.oC+hh] = wf
		dst[ds.oW+hh] = s.cur.f[hh]
	}
}
