package templates

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"testing"
)

// TestBoxedStringsAreStrings checks that slab-boxed cells behave as any
// other string in an interface, across garbage collections.
func TestBoxedStringsAreStrings(t *testing.T) {
	var b boxer
	var cells []any
	for i := range 3 * boxChunk {
		cells = append(cells, b.box(fmt.Sprintf("cell-%d", i)))
	}
	runtime.GC()
	for i, c := range cells {
		want := fmt.Sprintf("cell-%d", i)
		s, ok := c.(string)
		if !ok || s != want || c != any(want) || !reflect.DeepEqual(c, any(want)) {
			t.Fatalf("cell %d: %#v", i, c)
		}
	}
	j, err := json.Marshal(cells[:2])
	if err != nil || string(j) != `["cell-0","cell-1"]` {
		t.Fatalf("json %s %v", j, err)
	}
	if m := map[any]int{cells[5]: 1}; m["cell-5"] != 1 {
		t.Fatal("boxed string does not hash as a string")
	}
}
