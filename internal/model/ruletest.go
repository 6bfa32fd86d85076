package model

// RuleTest is one unit test of the rule that carries it (schemas.#RuleTest),
// with the semantics of `promtool test rules`.
type RuleTest struct {
	Name string `json:"name"`
	// Interval is the time between two values of an input series.
	Interval string `json:"interval"`
	// EvaluationInterval is how often the rule group is evaluated.
	EvaluationInterval string       `json:"evaluationInterval"`
	Series             []TestSeries `json:"series"`
	Alerts             []AlertCheck `json:"alerts"`
	Exprs              []ExprCheck  `json:"exprs"`
}

// TestSeries is one input series in promtool's expanding notation.
type TestSeries struct {
	Series string `json:"series"`
	Values string `json:"values"`
}

// AlertCheck lists the alerts of the tested rule firing at EvalTime.
type AlertCheck struct {
	EvalTime string          `json:"evalTime"`
	Expect   []ExpectedAlert `json:"expect"`
}

// ExpectedAlert is one firing alert. Annotations is nil when the test does
// not compare annotations.
type ExpectedAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ExprCheck compares the result of Expr at EvalTime with Expect.
type ExprCheck struct {
	Expr     string           `json:"expr"`
	EvalTime string           `json:"evalTime"`
	Expect   []ExpectedSample `json:"expect"`
}

// ExpectedSample is one sample of an expression's result: Labels in PromQL
// series notation, and its value.
type ExpectedSample struct {
	Labels string  `json:"labels"`
	Value  float64 `json:"value"`
}
