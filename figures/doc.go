// Package figures draws the PNG figures of vmcmpi's outputs with
// gonum/plot: a run's energy against iteration and its radial density
// (Run, from the files package output writes), a regression study's
// residuals and cross-validation curve (Regress), and an Ising study's
// thermodynamics, Monte Carlo against the trained RBM (Ising). The command
// `vmcmpi plot` and the plots = true options call these; a Go program can
// call them on its own output directories.
package figures
