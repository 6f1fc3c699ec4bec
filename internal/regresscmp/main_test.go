package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCompare(t *testing.T) {
	ref := decode(t, `{"cv":{"score":[1.5,2.25],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`)
	for _, tc := range []struct {
		other, want string // want "" means equal
	}{
		{`{"cv":{"score":[1.5,2.25],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ""},
		{`{"cv":{"score":[1.5,2.2500000000000004],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ""},
		{`{"cv":{"score":[1.5,2.2500001],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ".cv.score[1]"},
		{`{"cv":{"score":[1.5,2.25],"chosen_lambda":0.01},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ".cv.chosen_lambda"},
		{`{"cv":{"score":[1.5],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"ridge"}`, ".cv.score"},
		{`{"cv":{"score":[1.5,2.25],"chosen_lambda":0.001},"weights":{"a":0.25},"method":"ridge"}`, ".weights.b"},
		{`{"cv":{"score":[1.5,2.25],"chosen_lambda":0.001},"weights":{"a":0.25,"b":0.75},"method":"lasso"}`, ".method"},
	} {
		n, err := compare("", ref, decode(t, tc.other), 1e-12)
		switch {
		case tc.want == "" && (err != nil || n != 5):
			t.Errorf("%s: %v (%d numbers), want equal with 5 numbers", tc.other, err, n)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want a difference at %s", tc.other, err, tc.want)
		}
	}
}
