package capture

import (
	"strings"
	"testing"
	"time"
)

func TestUnified(t *testing.T) {
	old := Side{Device: "core-1", Type: "show_running-config", Time: t0, Text: "a\nb\nc\nd\ne\nf\ng\n"}
	new := Side{Device: "core-1", Type: "show_running-config", Time: t0.Add(time.Hour), Text: "a\nb\nC\nd\ne\nf\ng\nh\n"}
	d, err := Unified(old, new, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := "--- show_running-config/core-1.txt\t2026-12-01 10:12:13 UTC\n" +
		"+++ show_running-config/core-1.txt\t2026-12-01 11:12:13 UTC\n" +
		"@@ -2,3 +2,3 @@\n b\n-c\n+C\n d\n" +
		"@@ -7 +7,2 @@\n g\n+h\n"
	if d.Text != want {
		t.Errorf("diff:\n%s\nwant:\n%s", d.Text, want)
	}
	if d.Added != 2 || d.Removed != 1 {
		t.Errorf("counts +%d -%d", d.Added, d.Removed)
	}

	// Default context, and two devices diffed alike (clush --diff).
	other := Side{Device: "core-2", Type: "show_running-config", Text: new.Text}
	d, err = Unified(old, other, -1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Added != 2 || d.Removed != 1 || !strings.HasPrefix(d.Text, "--- show_running-config/core-1.txt\t") {
		t.Errorf("two devices: %+v", d)
	}
	if want := "+++ show_running-config/core-2.txt\n"; !strings.Contains(d.Text, want) {
		t.Errorf("no time label: %q", d.Text)
	}

	same, err := Unified(old, old, 3)
	if err != nil || same.Text != "" || same.Added+same.Removed != 0 {
		t.Errorf("no change: %+v %v", same, err)
	}

	// A last line without a line end still counts.
	d, _ = Unified(Side{Text: "a\nb"}, Side{Text: "a\nc"}, 0)
	if d.Added != 1 || d.Removed != 1 {
		t.Errorf("no final newline: %+v", d)
	}
}

func TestLineCounts(t *testing.T) {
	for _, c := range []struct {
		a, b       string
		add, remov int
	}{
		{"", "a\nb\n", 2, 0},
		{"a\nb\n", "", 0, 2},
		{"a\nb\nc\n", "a\nx\nc\ny\n", 2, 1},
		{"a\n", "a\n", 0, 0},
	} {
		if add, rem := lineCounts(c.a, c.b); add != c.add || rem != c.remov {
			t.Errorf("%q -> %q: +%d -%d, want +%d -%d", c.a, c.b, add, rem, c.add, c.remov)
		}
	}
}
