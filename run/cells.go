package run

import (
	"hash/maphash"
	"unsafe"

	"vc/templates"
)

// cellStore keeps the values a parse worker puts into a run's tables,
// apart from the outputs they were read from: a template's cells are
// pieces of the output's text, and one kept cell would keep the whole
// text (twenty kilobytes for an ARP table) alive for as long as the
// records are. Here a value's bytes are copied into large chunks that
// hold no pointers, so the collector never scans them, and its boxed
// string header into a slab, by templates' boxer; the interface in a
// cell points at that header.
//
// The values that repeat (an interface, an age, a type, a VRF) are
// boxed once: a small table remembers the values boxed last, by hash, so
// most cells of a column with few values cost no memory of their own.
// Values that do not repeat (addresses) cost their bytes and a header.
// A cellStore belongs to one worker; what it hands out is never written
// again.
type cellStore struct {
	seed   maphash.Seed
	bytes  []byte          // the chunk values are copied into
	box    templates.Boxer // the slab of string headers the cells point at
	recent [recentCells]recentCell
}

type recentCell struct {
	s string // the copy, in a chunk of bytes
	v any    // s, boxed
}

const (
	// recentCells is how many values a store remembers: a power of two.
	recentCells = 4096
	bytesChunk  = 64 << 10
)

// emptyCell is the one box for "", a value many templates give.
var emptyCell any = ""

func newCellStore() *cellStore { return &cellStore{seed: maphash.MakeSeed()} }

// str returns s as a cell: boxed, with bytes of its own.
func (c *cellStore) str(s string) any {
	if s == "" {
		return emptyCell
	}
	e := &c.recent[maphash.String(c.seed, s)&(recentCells-1)]
	if e.v != nil && e.s == s {
		return e.v
	}
	kept := c.copy(s)
	v := c.box.Box(kept)
	e.s, e.v = kept, v
	return v
}

// eface is the runtime's layout of an empty interface.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// copy returns s with bytes of its own, in the store's chunk.
func (c *cellStore) copy(s string) string {
	if len(s) > bytesChunk/8 {
		return string([]byte(s)) // a long value gets an allocation of its own
	}
	if len(c.bytes)+len(s) > cap(c.bytes) {
		c.bytes = make([]byte, 0, bytesChunk)
	}
	at := len(c.bytes)
	c.bytes = append(c.bytes, s...)
	return unsafe.String(&c.bytes[at], len(s))
}

// cell returns a template's cell detached from the output: strings as
// str gives them, lists and the maps of nested groups copied with their
// strings.
func (c *cellStore) cell(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return c.str(x)
	case []string:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = c.copyRecent(s)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = c.cell(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = c.cell(e)
		}
		return out
	}
	return v
}

// copyRecent is s with bytes of its own, shared with an equal value
// boxed lately.
func (c *cellStore) copyRecent(s string) string {
	return c.str(s).(string)
}

// lastCells remembers, per column, the string box a cell was last made
// from and the cell made: a value boxed once and met again row after row
// is the same cell without being hashed again. The loops over every cell
// check it themselves (sameBox inlines, a method doing it would not):
//
//	if e := &last[i]; e.from != nil && sameBox(v, e.from) { use e.to }
//	else { last.made(cs, i, v) }
type lastCells []struct{ from, to any }

// made makes v's cell in column i and remembers it.
func (l lastCells) made(cs *cellStore, i int, v any) any {
	c := cs.cell(v)
	if _, ok := v.(string); ok {
		l[i].from, l[i].to = v, c
	}
	return c
}

// sameBox reports whether two string cells are the same box: the same
// header, so the same value.
func sameBox(a, b any) bool {
	x, y := (*eface)(unsafe.Pointer(&a)), (*eface)(unsafe.Pointer(&b))
	return x.typ == y.typ && x.data == y.data
}
