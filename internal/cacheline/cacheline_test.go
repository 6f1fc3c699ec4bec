package cacheline

import (
	"testing"
	"unsafe"
)

// span returns the bytes [lo, hi) that s covers, including its capacity.
func span[T any](s []T) (lo, hi uintptr) {
	var z T
	lo = uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	return lo, lo + uintptr(cap(s))*unsafe.Sizeof(z)
}

// TestMakeKeepsLines allocates many small slices and objects in a row, as
// walkers' states are, and checks that no two of them come within Pad
// bytes of each other.
func TestMakeKeepsLines(t *testing.T) {
	type obj struct{ a, b uint64 }
	var lo, hi []uintptr
	var keep []any // alive, so that no address is reused
	for i := range 200 {
		f, s, o := Make[float64](1+i%5), Make[int8](1+i%3), New[obj]()
		keep = append(keep, f, s, o)
		l, h := span(f)
		lo, hi = append(lo, l), append(hi, h)
		l, h = span(s)
		lo, hi = append(lo, l), append(hi, h)
		p := uintptr(unsafe.Pointer(o))
		lo, hi = append(lo, p), append(hi, p+unsafe.Sizeof(obj{}))
	}
	for i := range lo {
		for j := range lo {
			if i != j && lo[i] < hi[j]+Pad && lo[j] < hi[i]+Pad {
				t.Fatalf("objects %d [%#x,%#x) and %d [%#x,%#x) are closer than %d bytes", i, lo[i], hi[i], j, lo[j], hi[j], Pad)
			}
		}
	}
	if len(keep) != 600 {
		t.Fatal(len(keep))
	}
}

func TestArena(t *testing.T) {
	var a, b Arena[float64]
	x := a.Make(3)
	y := a.Make(5)
	z := b.Make(4)
	if len(x) != 3 || cap(x) != 3 || len(y) != 5 || cap(y) != 5 {
		t.Fatalf("len/cap %d/%d %d/%d", len(x), cap(x), len(y), cap(y))
	}
	x[2] = 1
	if y[0] != 0 {
		t.Fatal("slices of one arena overlap")
	}
	xl, _ := span(x)
	_, yh := span(y)
	zl, zh := span(z)
	if zl < yh+Pad && xl < zh+Pad {
		t.Fatalf("two arenas within %d bytes", Pad)
	}
	big := a.Make(10000)
	if len(big) != 10000 {
		t.Fatal("large request")
	}
	c := a.Clone([]float64{1, 2})
	if c[0] != 1 || c[1] != 2 || cap(c) != 2 {
		t.Fatalf("clone %v", c)
	}
	if n := testing.AllocsPerRun(10, func() { Make[float64](0) }); n != 0 {
		t.Fatalf("Make(0) allocates %v", n)
	}
}
