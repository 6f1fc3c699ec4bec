package study

import "math"

// Result is everything a study produces, the same on every rank; its JSON
// encoding is result.json.
type Result struct {
	Command  string   `json:"command"` // the Kind
	Config   string   `json:"config"`
	Data     string   `json:"data"`
	Target   string   `json:"target"`
	N        int      `json:"n"`
	Features []string `json:"features,omitempty"`
	Method   string   `json:"method,omitempty"`
	Lambda   *float64 `json:"lambda,omitempty"`

	Coefficients map[string]float64 `json:"coefficients,omitempty"`
	StdErr       map[string]float64 `json:"stderr,omitempty"`
	RMS          float64            `json:"rms"` // training rows
	Rank         int                `json:"rank,omitempty"`
	Deficient    bool               `json:"rank_deficient,omitempty"`
	Bayes        *BayesSummary      `json:"bayes,omitempty"`
	CV           *CVSummary         `json:"cv,omitempty"`
	Bootstrap    *BootstrapSummary  `json:"bootstrap,omitempty"`

	Models           []ModelSummary     `json:"models,omitempty"`
	Weights          map[string]float64 `json:"weights,omitempty"`
	WeightKind       string             `json:"weights_from,omitempty"`
	EvidenceWeights  map[string]float64 `json:"evidence_weights,omitempty"`
	PseudoBMAWeights map[string]float64 `json:"pseudo_bma_weights,omitempty"`

	Prediction *PredictionSummary `json:"prediction,omitempty"`

	// Train holds the training rows with their predictions
	// (predictions.csv), Predicted the rows of [predict] with intervals
	// (predict.csv; nil without [predict]).
	Train     *Rows `json:"-"`
	Predicted *Rows `json:"-"`
}

// BayesSummary describes an evidence-maximised Bayesian linear model.
type BayesSummary struct {
	Alpha       float64 `json:"alpha"`
	Beta        float64 `json:"beta"`
	NoiseSD     float64 `json:"noise_sd"`
	Gamma       float64 `json:"gamma"`
	LogEvidence float64 `json:"log_evidence"`
}

// CVSummary is the cross-validation of a Regress study over its λ grid.
type CVSummary struct {
	Folds   int         `json:"folds"`
	Lambdas []float64   `json:"lambdas"`
	Score   []float64   `json:"score"` // held-out mean squared error
	SE      []float64   `json:"se"`
	FoldMSE [][]float64 `json:"fold_mse"`
	Best    float64     `json:"best_lambda"`
	Chosen  float64     `json:"chosen_lambda"`
	OneSE   bool        `json:"one_se"`
	RMSE    float64     `json:"rmse_chosen"`
}

// BootstrapSummary holds bootstrap standard errors by feature.
type BootstrapSummary struct {
	Replicates int                `json:"replicates"`
	StdErr     map[string]float64 `json:"stderr"`
}

// ModelSummary is one candidate of a BMA study.
type ModelSummary struct {
	Name         string             `json:"name"`
	Features     []string           `json:"features"`
	Coefficients map[string]float64 `json:"coefficients"`
	StdErr       map[string]float64 `json:"stderr"`
	RMS          float64            `json:"rms"`
	Bayes        BayesSummary       `json:"bayes"`
	ELPD         *float64           `json:"cv_log_predictive,omitempty"`
	LogPrior     float64            `json:"log_prior"`
}

// PredictionSummary scores the predictions of the [predict] rows.
type PredictionSummary struct {
	Data     string  `json:"data"`
	N        int     `json:"n"`
	NewOnly  bool    `json:"new_only"`
	RMS      float64 `json:"rms"`
	Level    float64 `json:"level"`
	Coverage float64 `json:"coverage"` // fraction of targets inside their interval
	Inside   int     `json:"inside"`
	MeanSD   float64 `json:"mean_predictive_sd"`
}

// Rows are the rows of one table with their predictive distributions.
type Rows struct {
	File    string
	Line    []int     // file line of each row
	N, Z, A []float64 // nucleon numbers; nil when the table lacks them
	Y       []float64 // target
	Mean    []float64 // predictive mean
	SD      []float64 // predictive standard deviation
	Lo, Hi  []float64 // central predictive interval; nil for training rows
}

// RMS is the root-mean-square of target − mean.
func (r *Rows) RMS() float64 {
	s := 0.0
	for i, m := range r.Mean {
		d := r.Y[i] - m
		s += d * d
	}
	return math.Sqrt(s / float64(len(r.Mean)))
}

// Inside reports whether row i's target lies in its interval.
func (r *Rows) Inside(i int) bool { return r.Y[i] >= r.Lo[i] && r.Y[i] <= r.Hi[i] }
