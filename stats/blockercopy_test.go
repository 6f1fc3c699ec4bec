package stats

import "testing"

// A copy continues bit for bit like the original and does not disturb
// it; copying again and appending the encoding allocate nothing.
func TestBlockerCopyFrom(t *testing.T) {
	x := ar1(30000, 0.8, 5)
	var a, c Blocker
	for _, v := range x[:9999] {
		a.Add(v)
	}
	c.CopyFrom(&a)
	for _, v := range x[9999:] {
		c.Add(v)
	}
	if a.N() != 9999 {
		t.Fatalf("the copy's samples reached the original: n = %d", a.N())
	}
	for _, v := range x[9999:] {
		a.Add(v)
	}
	da, _ := a.MarshalBinary()
	dc, _ := c.MarshalBinary()
	if string(da) != string(dc) {
		t.Fatal("the copy continued differently from the original")
	}
	buf := make([]byte, 3, 4096)
	if allocs := testing.AllocsPerRun(100, func() {
		c.CopyFrom(&a)
		buf, _ = a.AppendBinary(buf[:3])
	}); allocs != 0 {
		t.Errorf("CopyFrom and AppendBinary allocate %g times", allocs)
	}
	if string(buf[3:]) != string(da) {
		t.Error("AppendBinary differs from MarshalBinary")
	}
	var z Blocker
	c.CopyFrom(&z)
	if c.N() != 0 {
		t.Errorf("copy of an empty Blocker holds %d samples", c.N())
	}
}
