package render

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

func TestMeasure(t *testing.T) {
	for _, tc := range []struct {
		text  string
		lines int
		width int
	}{
		{"", 0, 0},
		{"a\n", 1, 1},
		{"a\nbcd", 2, 3},
		{"\x1b[1;4mNAME  IP\x1b[0m\nsw1   10.0.0.1\n", 2, 14},
		{"a\tb\n", 1, 9},
		{"日本\n\n", 2, 4},
	} {
		if got := Measure([]byte(tc.text)); got.Lines != tc.lines || got.Width != tc.width {
			t.Errorf("%q: %+v, want %d lines %d wide", tc.text, got, tc.lines, tc.width)
		}
	}
	// What Write renders measures as the lines it wrote.
	var b bytes.Buffer
	if err := Write(&b, io.Discard, showVersion(10), Options{Width: 80, Color: true}); err != nil {
		t.Fatal(err)
	}
	// 23 columns do not fit in 80, even cut: the console learns it.
	widest := 0
	for _, l := range strings.Split(strings.NewReplacer(boldUnder, "", reset, "").Replace(b.String()), "\n") {
		widest = max(widest, displayWidth(l))
	}
	if got := Measure(b.Bytes()); got.Lines != 11 || got.Width != widest || widest <= 80 {
		t.Errorf("a table of 10: %+v, widest line %d", got, widest)
	}
}

// TestNothingToStdout: render writes to the writers it is given alone.
func TestNothingToStdout(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	var out, msg bytes.Buffer
	for _, o := range []Options{{}, {Width: 40, Terminal: true, Color: true, Expanded: ExpandAuto}, {Expanded: ExpandOn}} {
		_ = Write(&out, &msg, showVersion(bigTable+1), o)
		_ = Write(&out, &msg, interfaces(), o)
		_ = Diff(&out, unified, o)
	}
	os.Stdout = saved
	w.Close()
	leaked, _ := io.ReadAll(r)
	if len(leaked) > 0 {
		t.Errorf("written to stdout: %q", strings.TrimSpace(string(leaked[:min(len(leaked), 200)])))
	}
	if out.Len() == 0 {
		t.Error("nothing rendered")
	}
}
