// Package cacheline allocates memory that shares no cache line with any
// other allocation, for the state each walker goroutine writes at every
// move. Allocated one after the other, two walkers' small objects (a
// position slice, a random source, move counters) land side by side in
// the same cache line, and each write by one core then invalidates the
// other core's copy: walkers on two threads ran at 50–75 % of the speed of
// walkers in two processes. Padding on both sides keeps every object's
// bytes in lines of their own, whatever the allocator does.
package cacheline

import "unsafe"

// Pad is the padding on each side of an object, in bytes: two 64-byte
// lines, because x86 cores prefetch lines in adjacent pairs.
const Pad = 128

type padded[T any] struct {
	_ [Pad]byte
	v T
	_ [Pad]byte
}

// New returns a zero T in cache lines of its own.
func New[T any]() *T { return &new(padded[T]).v }

// Make returns n zero Ts (len = cap = n) in cache lines of their own.
func Make[T any](n int) []T {
	var z T
	sz := int(unsafe.Sizeof(z))
	if sz == 0 || n == 0 {
		return make([]T, n)
	}
	p := (Pad + sz - 1) / sz
	b := make([]T, n+2*p)
	return b[p : p+n : p+n]
}

// Arena hands out slices of one walker's state from shared padded blocks:
// the slices of one owner share lines with each other only, and sit close
// together. The zero Arena is ready; it is used by one goroutine.
type Arena[T any] struct{ free []T }

// block is the smallest block an Arena allocates, in bytes.
const block = 2048

// Make returns n zero Ts (len = cap = n, so appending cannot overwrite a
// neighbour).
func (a *Arena[T]) Make(n int) []T {
	if n > len(a.free) {
		var z T
		sz := max(int(unsafe.Sizeof(z)), 1)
		a.free = Make[T](max(n, block/sz))
	}
	s := a.free[:n:n]
	a.free = a.free[n:]
	return s
}

// Clone returns a copy of x from the arena.
func (a *Arena[T]) Clone(x []T) []T {
	s := a.Make(len(x))
	copy(s, x)
	return s
}
