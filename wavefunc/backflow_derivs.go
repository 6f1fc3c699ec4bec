package wavefunc

// jacobian fills st.jt with J_{ib,ka} = ∂q_ib/∂x_ka, stored by column ka,
// and returns Σ_ib F_ib ∇²q_ib, where ∇²q_ib = 2 Σ_{j≠i} w_b g_ij.
// With w = x_i − x_k: J_{ib,ia} = δ_ab (1 + Σ_k η_ik) + Σ_k (η'/r)_ik w_a w_b,
// and for k ≠ i, J_{ib,ka} = −η_ik δ_ab − (η'/r)_ik w_a w_b.
func (st *backflowState) jacobian(c *bfConf) float64 {
	b := st.b
	n, d := b.n, b.d
	nd := n * d
	jt := st.jt
	for k := range jt {
		jt[k] = 0
	}
	lap := 0.0
	for i := range n {
		xi := c.x[i*d : i*d+d]
		fi := c.f[i*d : i*d+d]
		for a := range d {
			jt[(i*d+a)*nd+i*d+a] = 1
		}
		for k := range n {
			if k == i {
				continue
			}
			xk := c.x[k*d : k*d+d]
			var w [3]float64
			t := 0.0
			for a := range d {
				w[a] = xi[a] - xk[a]
				t += w[a] * w[a]
			}
			eta, dr, g := b.eta(i, k, t)
			for bb := range d {
				lap += 2 * fi[bb] * w[bb] * g
				for a := range d {
					v := dr * w[a] * w[bb]
					if a == bb {
						v += eta
					}
					jt[(i*d+a)*nd+i*d+bb] += v
					jt[(k*d+a)*nd+i*d+bb] -= v
				}
			}
		}
	}
	return lap
}

// Derivs writes ∇ln|Ψ| = Jᵀ F and returns ∇²ln|Ψ| by the chain rule of
// the type comment.
func (st *backflowState) Derivs(grad []float64) float64 {
	b := st.b
	n, d, m := b.n, b.d, b.m
	nd, md := n*d, m*d
	c := st.cur
	st.fill(c)
	lap := st.jacobian(c)
	for ka := range nd {
		col := st.jt[ka*nd : ka*nd+nd]
		s := 0.0
		for ib, f := range c.f {
			s += f * col[ib]
		}
		grad[ka] = s
	}
	h := st.hblk
	for sp := range 2 {
		inv := c.inv[sp]
		// A_{kb,j} of the block, and the diagonal blocks of H.
		for k := range m {
			i := sp*m + k
			st.orbitals(c.q[i*d:i*d+d], 2)
			for bb := range d {
				arow := st.amat[(k*d+bb)*m : (k*d+bb)*m+m]
				for j := range m {
					t := inv[j*m : j*m+m]
					s := 0.0
					for l, tl := range t {
						s += st.grad[l*d+bb] * tl
					}
					arow[j] = s
				}
				tk := inv[k*m : k*m+m]
				for cc := range d {
					s := 0.0
					for l, tl := range tk {
						s += tl * st.hess[(l*d+bb)*d+cc]
					}
					h[(k*d+bb)*md+k*d+cc] = s
				}
			}
		}
		for k := range m {
			for bb := range d {
				row := h[(k*d+bb)*md : (k*d+bb)*md+md]
				akb := st.amat[(k*d+bb)*m : (k*d+bb)*m+m]
				for j := range m {
					for cc := range d {
						v := -akb[j] * st.amat[(j*d+cc)*m+k]
						if j == k {
							row[j*d+cc] += v
						} else {
							row[j*d+cc] = v
						}
					}
				}
			}
		}
		// Σ_ka vᵀ H v with v = J_{·,ka} over the block's rows.
		for ka := range nd {
			v := st.jt[ka*nd+sp*md : ka*nd+sp*md+md]
			for p, vp := range v {
				if vp == 0 {
					continue
				}
				row := h[p*md : p*md+md]
				s := 0.0
				for r, vr := range v {
					s += row[r] * vr
				}
				lap += vp * s
			}
		}
	}
	return lap
}

// ParamGrad writes O_k: ∂ln|Ψ|/∂α_s = Σ_i Σ_{l∈s} D⁻¹_li q_i·∇φ_l(q_i)/(2α_s)
// (φ depends on α_s only through √α_s q), and for a backflow parameter p,
// ∂ln|Ψ|/∂p = Σ_i F_i · Σ_{j≠i} (∂η_ij/∂p) (x_i − x_j), with ∂η/∂a = 1/(1+br²)
// and ∂η/∂b = −a r²/(1+br²)².
func (st *backflowState) ParamGrad(dst []float64) {
	b := st.b
	n, d, m := b.n, b.d, b.m
	c := st.cur
	st.fill(c)
	for k := range dst {
		dst[k] = 0
	}
	for i := range n {
		qi := c.q[i*d : i*d+d]
		st.orbitals(qi, 1)
		t := c.inv[i/m][(i%m)*m : (i%m)*m+m]
		for l, tl := range t {
			s := 0.0
			for a := range d {
				s += qi[a] * st.grad[l*d+a]
			}
			dst[b.shell[l]] += tl * s
		}
	}
	for s := range b.shells {
		dst[s] /= 2 * b.params[s]
	}
	for i := range n {
		xi := c.x[i*d : i*d+d]
		fi := c.f[i*d : i*d+d]
		for j := range n {
			if j == i {
				continue
			}
			xj := c.x[j*d : j*d+d]
			t, fw := 0.0, 0.0
			for a := range d {
				w := xi[a] - xj[a]
				t += w * w
				fw += fi[a] * w
			}
			o := b.shells
			if i/m != j/m {
				o += bfAAnti
			}
			a, bb := b.params[o], b.params[o+1]
			p := 1 / (1 + bb*t)
			dst[o] += fw * p
			dst[o+1] -= fw * a * t * p * p
		}
	}
}
