package dataset

import (
	"errors"
	"strings"
	"testing"
)

const csvGood = `# a comment line
name, x, y
a, 1, 2.5
b, -3, 1e2
`

func TestCSV(t *testing.T) {
	tb, err := ReadCSV(strings.NewReader(csvGood), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	if tb.Len() != 2 || tb.Lines[0] != 3 || tb.Lines[1] != 4 {
		t.Fatalf("rows %d lines %v", tb.Len(), tb.Lines)
	}
	y, err := tb.Column("Y") // case-insensitive fallback
	if err != nil || y[0] != 2.5 || y[1] != 100 {
		t.Fatalf("y %v %v", y, err)
	}
	if _, err := tb.Column("name"); err == nil || !strings.Contains(err.Error(), "t.csv:3:") {
		t.Errorf("text column parsed as numbers: %v", err)
	}
	names, _ := tb.Text("name")
	if names[1] != "b" {
		t.Errorf("text %v", names)
	}
}

func TestCSVBadRows(t *testing.T) {
	in := "x,y\n1,2\n3\n4,5,6\n7,8\n"
	_, err := ReadCSV(strings.NewReader(in), "b.csv")
	var re *RowErrors
	if !errors.As(err, &re) || re.Total != 2 || re.Rows[0].Line != 3 || re.Rows[1].Line != 4 {
		t.Fatalf("error %v, want bad lines 3 and 4", err)
	}
	tb, err := ReadCSV(strings.NewReader("x,y\n1,2\n3,oops\n5,\n"), "c.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tb.Column("y")
	if !errors.As(err, &re) || re.Total != 2 || re.Rows[0].Line != 3 || re.Rows[1].Line != 4 ||
		!strings.Contains(err.Error(), `"oops" is not a number`) || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("error %v, want unparsable cell on line 3 and empty cell on line 4", err)
	}
	for _, in := range []string{"", "x,,y\n", "x,X\n"} {
		if _, err := ReadCSV(strings.NewReader(in), "h.csv"); err == nil {
			t.Errorf("header %q accepted", in)
		}
	}
}

func FuzzCSV(f *testing.F) {
	f.Add(csvGood)
	f.Add("N,Z,A,binding\n8,8,16,127.619\n126,82,208,1636.43\n")
	f.Add("x,y\n1,\"2\n")
	f.Fuzz(func(t *testing.T, s string) {
		tb, err := ReadCSV(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		for _, h := range tb.Header {
			c, err := tb.Column(h)
			if err == nil && len(c) != tb.Len() {
				t.Fatalf("column %q has %d values for %d rows", h, len(c), tb.Len())
			}
		}
		if tb.Len() > 0 {
			_, _ = Build(tb, []string{tb.Header[0], "volume"})
		}
	})
}

// A column turns from numbers to text at its first non-number; asking for
// it as numbers still names the bad line, and Select keeps each kind.
func TestCSVMixedColumnSelect(t *testing.T) {
	tb, err := ReadCSV(strings.NewReader("x,y\n1,0.5\n1e2,1.5\nfoo,2.5\n"), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := tb.Text("x")
	if strings.Join(txt, " ") != "1 100 foo" {
		t.Errorf("text %q", txt)
	}
	if _, err := tb.Column("x"); err == nil || !strings.Contains(err.Error(), `m.csv:4: column "x": "foo" is not a number`) {
		t.Errorf("mixed column: %v", err)
	}
	sel := tb.Select([]bool{true, false, true})
	y, err := sel.Column("y")
	if err != nil || len(y) != 2 || y[0] != 0.5 || y[1] != 2.5 || sel.Lines[1] != 4 {
		t.Errorf("selected y %v lines %v err %v", y, sel.Lines, err)
	}
	if x, _ := sel.Text("x"); strings.Join(x, " ") != "1 foo" {
		t.Errorf("selected x %q", x)
	}
	if tb.Select([]bool{true, true, true}) != tb {
		t.Error("Select of every row copies")
	}
}
