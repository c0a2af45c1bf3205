package inventory

import (
	"context"
	"errors"
	"strings"
	"testing"
	"vc/records"

	"vc/store"
)

func TestReadCSVPositions(t *testing.T) {
	in := "\ufeffname,ip,port\n# a comment\nsw1,10.0.0.1,22\nsw2,10.0.0.2,99999\n\"sw3\",\"fe80::1\",\"\"\nsw1,10.0.0.4,22\n"
	_, err := ReadCSV("x.csv", strings.NewReader(in))
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("want an ImportError, got %v", err)
	}
	want := []string{
		`line 4, column 14 (port): port "99999" is not a number between 1 and 65535`,
		`line 6, column 1 (name): duplicate device name "sw1" (first on line 3)`,
	}
	if len(ie.Errors) != len(want) {
		t.Fatalf("errors: %v", ie.Errors)
	}
	for i, w := range want {
		if got := ie.Errors[i].Error(); got != w {
			t.Errorf("error %d: %q, want %q", i, got, w)
		}
	}
}

func TestReadCSVDefaults(t *testing.T) {
	rows, err := ReadCSV("x.csv", strings.NewReader("ip,name,tags,fields.rack\n10.0.0.1,sw1,a;b;a,r1\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := rows[0].Device
	if d.Name != "sw1" || d.Port != 22 || d.Status != "active" || strings.Join(d.Tags, ",") != "a,b" || d.Fields["rack"] != "r1" {
		t.Errorf("device %+v", d)
	}
	if strings.Join(rows[0].Set, ",") != "ip,name,tags,fields.rack" {
		t.Errorf("set %v", rows[0].Set)
	}
}

func TestFilter(t *testing.T) {
	devs := []*store.Device{
		{Name: "core-1", Vendor: "arista", Site: "usa", Tags: []string{"pci"}, Port: 22},
		{Name: "leaf-1", Vendor: "cisco", Site: "usa", Fields: map[string]string{"rack": "r1"}, Port: 2222},
		{Name: "leaf-2", Vendor: "arista", Site: "emea", Port: 22},
	}
	for src, want := range map[string]string{
		`vendor == "arista" && site == "usa"`:         "core-1",
		`name matches "^leaf-" && port > 1000`:        "leaf-1",
		`"pci" in tags`:                               "core-1",
		`fields.rack == "r1"`:                         "leaf-1",
		`site in ["usa", "emea"] && !("pci" in tags)`: "leaf-1,leaf-2",
	} {
		f, err := Compile(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		got, err := f.Select(devs)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range got {
			names = append(names, d.Name)
		}
		if strings.Join(names, ",") != want {
			t.Errorf("%s: %v, want %s", src, names, want)
		}
	}
	_, err := Compile("vendor = \"x\"")
	var ee *records.ExprError
	if !errors.As(err, &ee) || ee.Line != 1 || ee.Column < 1 {
		t.Errorf("bad expression: %v", err)
	}
	if !strings.Contains(err.Error(), "\n  vendor = \"x\"\n") {
		t.Errorf("no snippet: %q", err)
	}
}

// TestPlanImportMerge: a re-import changes only the columns the file has,
// and an empty vendor keeps the platform's.
func TestPlanImportMerge(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first, err := ReadCSV("a.csv", strings.NewReader("name,ip,platform,site\nsw1,10.0.0.1,cisco_ios,usa\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		p, err := PlanImport(tx, first)
		if err != nil {
			return err
		}
		if len(p.Create) != 1 || len(p.NewRefs) != 1 || p.NewRefs[0] != "site usa" {
			t.Errorf("plan %+v", p)
		}
		return p.Apply(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	second, err := ReadCSV("b.csv", strings.NewReader("name,ip,status,vendor\nsw1,10.0.0.1,offline,\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		p, err := PlanImport(tx, second)
		if err != nil {
			return err
		}
		if len(p.Update) != 1 || len(p.Update[0].Fields) != 1 || p.Update[0].Fields[0].Field != "status" {
			t.Errorf("update %+v", p.Update)
		}
		if err := p.Apply(tx); err != nil {
			return err
		}
		d, err := store.Get[store.Device](tx, "sw1")
		if err != nil {
			return err
		}
		if d.Site != "usa" || d.Platform != "cisco_ios" || d.Vendor != "cisco" || d.Status != "offline" {
			t.Errorf("after re-import: %+v", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLongInputIsNotEchoedWhole: an error about a 10 MB cell, header or
// expression quotes a piece of it, not all of it.
func TestLongInputIsNotEchoedWhole(t *testing.T) {
	long := strings.Repeat("x", 10<<20)
	for name, in := range map[string]string{
		"tag":    "name,ip,tags\nsw1,10.0.0.1,ok;" + long + "!\n",
		"port":   "name,ip,port\nsw1,10.0.0.1," + long + "\n",
		"header": "name,ip," + long + "\n",
		"field":  "name,ip,fields." + long + "!\n",
	} {
		_, err := ReadCSV("x.csv", strings.NewReader(in))
		if err == nil || len(err.Error()) > 1000 {
			t.Errorf("%s: %d bytes: %.300v", name, len(err.Error()), err)
		}
	}
	for _, src := range []string{
		long + " == 1",
		`name == "` + long,
		`name == "a" && ` + long + ` > 1`,
		`name matches "` + strings.Repeat("(", 1000) + `"`,
	} {
		_, err := Compile(src)
		if err == nil || len(err.Error()) > 500 {
			t.Errorf("%d bytes: %.300v", len(err.Error()), err)
		}
	}
}

// TestExprErrorWindow: a long line is shown around the fault, and the caret
// still points at it; control characters do not reach the terminal.
func TestExprErrorWindow(t *testing.T) {
	src := `name == "a" && ` + strings.Repeat("z", 200) + ` > 1 && site = "x"`
	_, err := Compile(src)
	var ee *records.ExprError
	if !errors.As(err, &ee) {
		t.Fatalf("%v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 {
		t.Fatalf("%q", err)
	}
	caret := strings.Index(lines[2], "^")
	shown := []rune(lines[1])
	if caret < 0 || caret >= len(shown) || len(shown) > 72+4 {
		t.Fatalf("caret at %d of %q", caret, lines[1])
	}
	// The caret points where the source's column is.
	want := []rune(src)[ee.Column-1]
	if shown[caret] != want {
		t.Errorf("caret under %q, want %q:\n%s", shown[caret], want, err)
	}
	_, err = Compile("name == \x1b[2J")
	if strings.ContainsRune(err.Error(), 0x1b) {
		t.Errorf("ESC in %q", err)
	}
}

// TestReadCSVQuotes: a quote that is never closed is reported where it
// opened, not at the end of the file where the reader gave up; stray
// quotes say how to write one.
func TestReadCSVQuotes(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"unclosed", "name,ip,site\nsw1,10.0.0.1,usa\nsw2,10.0.0.2,\"usa\nsw3,10.0.0.3,emea\nsw4,10.0.0.4,emea\n",
			`line 3, column 14 (site): this " opens a quoted field that is never closed`},
		{"unclosed after a multi-line field", "name,ip,fields.note\nsw1,10.0.0.1,\"two\nlines\"\nsw2,\"10.0.0.2,x\nsw3,10.0.0.3,y\n",
			`line 4, column 5 (ip): this " opens a quoted field that is never closed`},
		{"unclosed after doubled quotes", "name,ip,fields.note\nsw1,10.0.0.1,\"say \"\"hi\"\"\nsw2,10.0.0.2,x\n",
			`line 2, column 14 (fields.note): this " opens`},
		{"unclosed in the header", "name,\"ip\nsw1,10.0.0.1\n",
			`line 1, column 6: this " opens a quoted field that is never closed`},
		{"CRLF", "name,ip\r\nsw1,10.0.0.1\r\n\"sw2,10.0.0.2\r\n",
			`line 3, column 1 (name): this " opens`},
		{"bare", "name,ip,fields.note\nsw1,10.0.0.1,5\" rack\n",
			`line 2, column 15: a " inside a field that is not quoted; quote the whole field and double the " (5" rack is written "5"" rack")`},
		{"extraneous", "name,ip,fields.note\nsw1,10.0.0.1,\"5\" rack\"\n",
			`line 2, column 16: a quoted field goes on after its closing "; write a " that belongs to the text as "" (5" rack`},
	} {
		_, err := ReadCSV("x.csv", strings.NewReader(c.in))
		var ie *ImportError
		if !errors.As(err, &ie) {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		// The quote's is the last error: the reader stops there.
		if got := ie.Errors[len(ie.Errors)-1].Error(); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// TestReadCSVRefusesWhatCannotBeStored: a control character, a byte that is
// not UTF-8 or an oversized value is reported on its line and column, and
// the whole file is refused.
func TestReadCSVRefusesWhatCannotBeStored(t *testing.T) {
	in := "name,ip,fields.owner,fields.rack\n" +
		"sw1,10.0.0.1,noc,r1\n" +
		"sw2,10.0.0.2,n\x1boc,r2\n" +
		"sw3,10.0.0.3,caf\xe9,\"r\x00\"\n" +
		"sw4,10.0.0.4," + strings.Repeat("x", 5000) + ",r4\n"
	rows, err := ReadCSV("x.csv", strings.NewReader(in))
	var ie *ImportError
	if !errors.As(err, &ie) || rows != nil {
		t.Fatalf("want an ImportError and no rows, got %d rows, %v", len(rows), err)
	}
	want := []string{
		`line 3, column 14 (fields.owner): character 2 is the control character '\x1b'; tabs, newlines and other control characters are not allowed`,
		`line 4, column 14 (fields.owner): character 4 (byte 4) is not UTF-8; save the file as UTF-8`,
		`line 4, column 19 (fields.rack): character 2 is the control character '\x00'`,
		`line 5, column 14 (fields.owner): 5000 bytes, more than the 4096 allowed`,
	}
	if len(ie.Errors) != len(want) {
		t.Fatalf("errors: %v", err)
	}
	for i, w := range want {
		if got := ie.Errors[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("error %d:\n got %s\nwant %s", i, got, w)
		}
	}
}

// TestPlanImportRefusesPlatformsWithoutDriver: a platform the file would
// create and vc has no driver for is reported once, on the first row that
// names it, with the driver meant; nothing is planned.
func TestPlanImportRefusesPlatformsWithoutDriver(t *testing.T) {
	drivers := []string{"arista_eos", "cisco_ios", "cisco_nxos", "cisco_xe", "cisco_xr", "generic", "juniper_junos", "linux"}
	st, err := store.Open(t.TempDir(), store.Options{KnownPlatforms: drivers})
	if err != nil {
		t.Fatal(err)
	}
	in := "name,ip,platform\n" +
		"sw1,10.0.0.1,cisco_ios\n" +
		"sw2,10.0.0.2,ios\n" +
		"sw3,10.0.0.3,ios\n" +
		"sw4,10.0.0.4,  eos\n" +
		"sw5,10.0.0.5,cisco_xe\n"
	rows, err := ReadCSV("x.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(t.Context(), func(tx *store.Tx) error {
		p, err := PlanImport(tx, rows)
		if p != nil {
			t.Errorf("a plan despite the faults: %s", p.Summary())
		}
		return err
	})
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("want an ImportError, got %v", err)
	}
	want := []string{
		`line 3, column 14 (platform): platform "ios" has no driver in vc (did you mean cisco_ios?); add it first with platform add ios if it is your own; 2 rows name it`,
		`line 5, column 14 (platform): platform "eos" has no driver in vc (did you mean arista_eos?); add it first with platform add eos if it is your own`,
	}
	if len(ie.Errors) != len(want) {
		t.Fatalf("errors: %v", err)
	}
	for i, w := range want {
		if got := ie.Errors[i].Error(); got != w {
			t.Errorf("error %d:\n got %s\nwant %s", i, got, w)
		}
	}
	if !strings.HasPrefix(err.Error(), "x.csv: 2 errors, nothing imported") || !errors.Is(err, store.ErrNoDriver) {
		t.Errorf("%v", err)
	}
}
