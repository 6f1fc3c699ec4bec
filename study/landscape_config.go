package study

import (
	"fmt"
	"os"
	"slices"

	"github.com/vmcmpi/vmcmpi/dataset"
	"github.com/vmcmpi/vmcmpi/internal/stricttoml"
	"github.com/vmcmpi/vmcmpi/solvers/regress"
)

// LandscapeConfig describes a nuclear-landscape study
// (configs/regress/landscape.toml documents every key): global mass models
// fitted to one AME table, Gaussian-process corrections of their
// residuals, model averaging, and existence probabilities over the chart,
// scored on the nuclides measured in a later table.
type LandscapeConfig struct {
	Seed   uint64         `toml:"seed"`
	Data   LandscapeData  `toml:"data"`
	Models []string       `toml:"models"`
	GP     LandscapeGP    `toml:"gp"`
	CV     LandscapeCV    `toml:"cv"`
	BMA    LandscapeBMA   `toml:"bma"`
	Calib  LandscapeCalib `toml:"calibration"`
	Chart  LandscapeChart `toml:"chart"`
	Output OutputConfig   `toml:"output"`
	Source string         `toml:"-"`
}

// LandscapeData names the training and test tables.
type LandscapeData struct {
	Train       string `toml:"train"`
	TrainFormat string `toml:"train_format"`
	Test        string `toml:"test"`
	TestFormat  string `toml:"test_format"`
	MinN        int    `toml:"min_n"`
	MinZ        int    `toml:"min_z"`
	MaxZ        int    `toml:"max_z"` // 0: no limit
}

// LandscapeGP configures the residual Gaussian processes.
type LandscapeGP struct {
	Subsample int       `toml:"subsample"` // nuclides used to fit the hyperparameters
	Cutoff    float64   `toml:"cutoff"`    // relative kernel value below which predictions ignore a nuclide
	Amp       []float64 `toml:"amplitude"` // [lower, upper] bound, MeV
	Length    []float64 `toml:"length"`    // [lower, upper] bound on both length scales, nucleons
	Noise     []float64 `toml:"noise"`     // [lower, upper] bound, MeV
}

// LandscapeCV configures the folds of the training nuclides.
type LandscapeCV struct {
	Folds int `toml:"folds"`
}

// LandscapeBMA chooses the weights of the average.
type LandscapeBMA struct {
	Weights string `toml:"weights"` // "stacking" | "pseudo" | "evidence"
}

// LandscapeCalib chooses how intervals are calibrated (Calibration).
type LandscapeCalib struct {
	Fold        string `toml:"fold"`         // "boundary" | "chain-ends" | "random"
	S2nVariance string `toml:"s2n_variance"` // "latent" | "observed"
}

// LandscapeChart bounds the chart predicted.
type LandscapeChart struct {
	ZMin int `toml:"z_min"`
	ZMax int `toml:"z_max"`
}

// LandscapeDefaults returns the values of keys a file leaves out.
func LandscapeDefaults() LandscapeConfig {
	return LandscapeConfig{
		Seed:   1,
		Data:   LandscapeData{TrainFormat: "ame2016", TestFormat: "ame2020", MinN: 8, MinZ: 8},
		Models: []string{"ld", "ld-shell", "ld-royer", "dz10"},
		GP:     LandscapeGP{Subsample: 600, Cutoff: 1e-6, Amp: []float64{0.05, 20}, Length: []float64{0.5, 30}, Noise: []float64{0.01, 5}},
		CV:     LandscapeCV{Folds: 5},
		BMA:    LandscapeBMA{Weights: "stacking"},
		Calib:  LandscapeCalib{Fold: "boundary", S2nVariance: "latent"},
		Chart:  LandscapeChart{ZMin: 8, ZMax: 120},
		Output: OutputConfig{Dir: "out/landscape"},
	}
}

// LoadLandscape reads and validates a landscape configuration.
func LoadLandscape(path string) (*LandscapeConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("could not read configuration: %w", err)
	}
	return DecodeLandscape(data, path)
}

// DecodeLandscape decodes TOML strictly over the defaults and validates it.
func DecodeLandscape(data []byte, name string) (*LandscapeConfig, error) {
	cfg := LandscapeDefaults()
	if _, err := stricttoml.Decode(data, name, &cfg, "configs/regress/landscape.toml documents the keys"); err != nil {
		return nil, err
	}
	cfg.Source = name
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// Validate checks the configuration; errors name the key.
func (c *LandscapeConfig) Validate() error {
	wrap := func(err error) error {
		name := c.Source
		if name == "" {
			name = "configuration"
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if c.Data.Train == "" || c.Data.Test == "" {
		return wrap(fmt.Errorf("data.train and data.test are required"))
	}
	for key, f := range map[string]string{"data.train_format": c.Data.TrainFormat, "data.test_format": c.Data.TestFormat} {
		if _, err := dataset.ParseFormat(f); err != nil {
			return wrap(fmt.Errorf("%s: %w", key, err))
		}
	}
	if c.Data.MinN < 1 || c.Data.MinZ < 1 {
		return wrap(fmt.Errorf("data.min_n and data.min_z must be ≥ 1 (separation energies need a lighter neighbour)"))
	}
	if len(c.Models) == 0 {
		return wrap(fmt.Errorf("models: give at least one of %v", dataset.MassModelNames()))
	}
	for i, m := range c.Models {
		if _, err := dataset.LookupMassModel(m); err != nil {
			return wrap(fmt.Errorf("models[%d]: %w", i, err))
		}
		if slices.Index(c.Models, m) != i {
			return wrap(fmt.Errorf("models[%d]: %q listed twice", i, m))
		}
	}
	if c.GP.Subsample < 10 {
		return wrap(fmt.Errorf("gp.subsample = %d: need at least 10 nuclides to fit the kernel", c.GP.Subsample))
	}
	if !(c.GP.Cutoff >= 0 && c.GP.Cutoff < 1) {
		return wrap(fmt.Errorf("gp.cutoff = %g: must be in [0, 1)", c.GP.Cutoff))
	}
	if _, err := c.bounds(); err != nil {
		return wrap(err)
	}
	if c.CV.Folds < 2 {
		return wrap(fmt.Errorf("cv.folds = %d: need at least 2", c.CV.Folds))
	}
	switch c.BMA.Weights {
	case "stacking", "pseudo", "evidence":
	default:
		return wrap(fmt.Errorf(`bma.weights = %q: want "stacking", "pseudo" or "evidence"`, c.BMA.Weights))
	}
	if !slices.Contains(calibFolds, c.Calib.Fold) {
		return wrap(fmt.Errorf("calibration.fold = %q: %s", c.Calib.Fold, errCalibFolds))
	}
	if !slices.Contains(s2nVariances, c.Calib.S2nVariance) {
		return wrap(fmt.Errorf("calibration.s2n_variance = %q: %s", c.Calib.S2nVariance, errS2nVariance))
	}
	if c.Chart.ZMin < c.Data.MinZ || c.Chart.ZMax < c.Chart.ZMin || c.Chart.ZMax > 130 {
		return wrap(fmt.Errorf("chart.z_min = %d, chart.z_max = %d: want data.min_z ≤ z_min ≤ z_max ≤ 130", c.Chart.ZMin, c.Chart.ZMax))
	}
	return nil
}

// bounds turns the [lower, upper] pairs into kernel bounds (one length
// bound for both the Z and N scales).
func (c *LandscapeConfig) bounds() (regress.GPBounds, error) {
	for key, v := range map[string][]float64{"gp.amplitude": c.GP.Amp, "gp.length": c.GP.Length, "gp.noise": c.GP.Noise} {
		if len(v) != 2 {
			return regress.GPBounds{}, fmt.Errorf("%s = %v: want [lower, upper]", key, v)
		}
		if !(v[0] > 0) || !(v[1] >= v[0]) {
			return regress.GPBounds{}, fmt.Errorf("%s = %v: bounds must be positive with lower ≤ upper", key, v)
		}
	}
	b := regress.GPBounds{
		Lo: regress.SEKernel{Amp: c.GP.Amp[0], Len: []float64{c.GP.Length[0], c.GP.Length[0]}, Noise: c.GP.Noise[0]},
		Hi: regress.SEKernel{Amp: c.GP.Amp[1], Len: []float64{c.GP.Length[1], c.GP.Length[1]}, Noise: c.GP.Noise[1]},
	}
	return b, b.Validate()
}
