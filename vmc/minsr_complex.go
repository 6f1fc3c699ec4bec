package vmc

// minSR for complex trial states. With O_k = x_k + i y_k and
// E_L − ⟨E_L⟩ = ε_u + i ε_v, the SR equations of complex.go,
//
//	S = cov(x, x) + cov(y, y),   F = cov(x, u) + cov(y, v),
//
// are those of the real parameters with 2M stacked rows: A = [x̄; ȳ]/√M
// (both centred with their global means) and b = [ε_u; ε_v]/√M give
// S = AᵀA and F = Aᵀb, so minSR solves δ = Aᵀ(AAᵀ + λI)⁻¹b over 2M rows
// with the real machinery. Each walker's block holds its Re rows, then
// its Im rows; the Gram matrix is 2M × 2M.

// complexRows writes walker w's centred, scaled Im O rows and Im E_L
// deviations into obar and eps from row on, and returns the next row.
func (d *Driver) complexRows(w, row int, scale, n float64, obar, eps []float64) int {
	np, c := d.np, d.cx.accs[w]
	sy := d.cx.sumOIm.Data()
	vbar := d.cx.sumV.Value() / n
	rows := d.accs[w].rows
	for i := range rows {
		src, dst := c.yobs[i*np:(i+1)*np], obar[(row+i)*np:(row+i+1)*np]
		for k, y := range src {
			dst[k] = (y - sy[k]/n) * scale
		}
		eps[row+i] = (c.ev[i] - vbar) * scale
	}
	return row + rows
}
