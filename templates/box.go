package templates

import "unsafe"

// boxer turns cell strings into interface values without one heap
// allocation each. any(s) copies the string header to the heap: for a
// 10,000-record table that is most of the parse's allocations and much of
// its time in the garbage collector. Instead the headers go into a slab,
// and each interface points at its header there: the layout Go gives an
// interface holding a string (a type word and a pointer to the value). A header
// is not written again while its box may be in use: a slab lent by a
// Scratch is reused only by the worker's next parse, after the records
// it made were copied out (run's cellStore), so the values are as
// immutable as any other boxed string for as long as anyone holds them.
type boxer struct {
	slab []string
	// grow makes each new slab twice the last, for a Scratch to keep.
	grow bool
}

// eface is the runtime's layout of an empty interface.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

const boxChunk = 1024

func (b *boxer) box(s string) any {
	if len(b.slab) == cap(b.slab) {
		n := boxChunk
		if b.grow {
			n = max(n, 2*cap(b.slab))
		}
		b.slab = make([]string, 0, n)
	}
	b.slab = append(b.slab, s)
	var v any = "" // a string-typed interface, for its type word
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(&b.slab[len(b.slab)-1])
	return v
}

// Boxer is the boxer for other packages' cells (a view's values): strings
// boxed into a slab, as a parse boxes its own. Its zero value is ready;
// one Boxer belongs to one goroutine.
type Boxer struct{ b boxer }

// Box returns s as an interface value, its header in the Boxer's slab.
func (b *Boxer) Box(s string) any { return b.b.box(s) }
