package templates

import (
	"os"
	"reflect"
	"testing"

	"vc/templates/internal/benchdata"
)

// TestScratch: parses lent one Scratch give the records each gives alone,
// outputs of every size in turn (the Scratch grows as it goes), and a
// fallback that parses with several candidates returns the records of the
// one it keeps.
func TestScratch(t *testing.T) {
	lib, err := NewLibrary(Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Platform: "cisco_ios", Command: "show ip arp"}
	var sc Scratch
	lent := req
	lent.Scratch = &sc
	for _, n := range []int{3, 300, 40, 2000, 1, 700} {
		text := benchdata.ARPTable(n)
		alone, err := lib.ParseOutput(t.Context(), req, text)
		if err != nil {
			t.Fatal(err)
		}
		got, err := lib.ParseOutput(t.Context(), lent, text)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Result, alone.Result) {
			t.Fatalf("%d lines: lent a scratch, %d records; alone, %d", n, len(got.Result.Records), len(alone.Result.Records))
		}
	}

	tdir, _ := ntcDir(t)
	ntc, err := NewLibrary(Options{NTCDir: tdir})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(xr791)
	if err != nil {
		t.Fatal(err)
	}
	xr := Request{Platform: "cisco_xr", Command: "show version"}
	alone, err := ntc.ParseOutput(t.Context(), xr, string(raw))
	if err != nil {
		t.Fatal(err)
	}
	xr.Scratch = &sc
	got, err := ntc.ParseOutput(t.Context(), xr, string(raw))
	if err != nil || !got.Fallback || !reflect.DeepEqual(got.Result, alone.Result) {
		t.Fatalf("fallback lent a scratch: %+v, %v; alone %+v", got.Result, err, alone.Result)
	}
}
