package vmc

// ProductionDone is the number of production samples per walker done so
// far: 0 before the production, also after a restore from a snapshot
// taken during the optimisation. A caller that extends a restored run
// with more iterations needs it 0, since production moves the walkers on.
func (d *Driver) ProductionDone() int { return d.prodDone }
