package render

import (
	"bytes"
	"strings"
	"testing"
)

const unified = "diff --git a/sw1 b/sw1\n" +
	"--- a/sw1\n" +
	"+++ b/sw1\n" +
	"@@ -1,4 +1,4 @@ interface Gi1\n" +
	" hostname sw1\n" +
	"--- a comment that was removed\n" +
	"+++ a comment that was added\n" +
	"\n" +
	" end\n" +
	"\\ No newline at end of file\n" +
	"--- a/sw2\n" +
	"+++ b/sw2\n" +
	"@@ -1 +1 @@\n" +
	"-banner \x1b[2J\n" +
	"+banner ok"

// TestDiffColour: additions green, removals red, hunks cyan, headings
// bold; a removed line that begins with -- is a removal, not a heading.
func TestDiffColour(t *testing.T) {
	var b bytes.Buffer
	if err := Diff(&b, unified, Options{Color: true, Terminal: true}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		bold + "diff --git a/sw1 b/sw1" + reset,
		bold + "--- a/sw1" + reset,
		bold + "+++ b/sw1" + reset,
		cyan + "@@ -1,4 +1,4 @@ interface Gi1" + reset,
		" hostname sw1",
		red + "--- a comment that was removed" + reset,
		green + "+++ a comment that was added" + reset,
		"",
		" end",
		`\ No newline at end of file`,
		bold + "--- a/sw2" + reset,
		bold + "+++ b/sw2" + reset,
		cyan + "@@ -1 +1 @@" + reset,
		red + "-banner ^[[2J" + reset,
		green + "+banner ok" + reset,
	}
	got := strings.Split(b.String(), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), b.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %q, want %q", i+1, got[i], want[i])
		}
	}
}

// TestDiffPlain: without colour the diff is the text it was, and on a
// terminal only the control characters change.
func TestDiffPlain(t *testing.T) {
	var b bytes.Buffer
	if err := Diff(&b, unified, Options{}); err != nil {
		t.Fatal(err)
	}
	if b.String() != unified {
		t.Errorf("changed:\n%s", b.String())
	}
	b.Reset()
	if err := Diff(&b, unified, Options{Terminal: true}); err != nil {
		t.Fatal(err)
	}
	if b.String() != strings.Replace(unified, "\x1b", "^[", 1) {
		t.Errorf("on a terminal:\n%s", b.String())
	}
}

// TestDiffUnreadableHunk: a hunk heading without counts still colours
// its lines, up to the next hunk.
func TestDiffUnreadableHunk(t *testing.T) {
	var b bytes.Buffer
	if err := Diff(&b, "@@ something @@\n-a\n+b\n@@ -1 +1 @@\n-c\n+d\n", Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	want := cyan + "@@ something @@" + reset + "\n" + red + "-a" + reset + "\n" + green + "+b" + reset + "\n" +
		cyan + "@@ -1 +1 @@" + reset + "\n" + red + "-c" + reset + "\n" + green + "+d" + reset + "\n"
	if b.String() != want {
		t.Errorf("got %q", b.String())
	}
}
