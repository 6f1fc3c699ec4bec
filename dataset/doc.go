// Package dataset reads tabular physics data and turns it into design
// matrices for regression.
//
// It reads the Atomic Mass Evaluation "mass list" tables (AME2016 and
// AME2020 fixed-width formats, parsed by character column as the files'
// headers prescribe) and plain CSV files with a header row. Both give named
// numeric columns through the Columns interface, from which Build makes a
// design matrix of liquid-drop terms (volume, surface, Coulomb, asymmetry,
// pairing) and polynomial terms in named columns.
//
// Units: the AME files give energies in keV. A Nuclide keeps them in keV as
// read; the named columns "binding" (total binding energy B = A·BE/A) and
// "be_per_a" are in MeV, the unit in which nuclear mass models are usually
// fitted.
//
// The AME files are not shipped with this project; users download them and
// pass their path.
package dataset
