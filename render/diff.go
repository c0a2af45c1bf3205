package render

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// Diff prints a unified diff (diff -u, git diff) to w. With o.Color, added
// lines are green, removed lines red, hunk headings (@@) cyan and file
// headings (diff, index, ---, +++) bold; without it the text is printed
// as it came. On a terminal the control characters of the devices' text
// are made visible either way.
//
// A hunk's heading says how many lines it holds, and Diff counts them: a
// removed line that begins "--" is still a removed line, not a file
// heading. A heading it cannot read leaves the lines that follow taken
// for changes up to the next @@ or diff line.
func Diff(w io.Writer, unifiedDiff string, o Options) error {
	b := bufio.NewWriterSize(w, 64*1024)
	var h hunk
	for rest := unifiedDiff; rest != ""; {
		line, tail, nl := strings.Cut(rest, "\n")
		rest = tail
		sgr := h.classify(line)
		b.WriteString(o.style(sgr, o.text(line)))
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.Flush()
}

// hunk follows where a diff is: in a hunk with old and new lines still to
// come, in one whose size is not known (sized false), or between hunks.
type hunk struct {
	in, sized bool
	old, new  int
}

// classify returns the style of line and moves past it.
func (h *hunk) classify(line string) string {
	if h.in {
		if strings.HasPrefix(line, "@@") || !h.sized && strings.HasPrefix(line, "diff ") {
			h.in = false
		} else {
			sgr, ok := h.step(line)
			if ok {
				return sgr
			}
			h.in = false
		}
	}
	if strings.HasPrefix(line, "@@") {
		h.old, h.new, h.sized = hunkSize(line)
		h.in = !h.sized || h.old > 0 || h.new > 0
		return cyan
	}
	if line == "" || strings.HasPrefix(line, `\`) {
		// \ No newline at end of file follows the hunk's last line.
		return ""
	}
	return bold
}

// step takes a line of the hunk: false when it is not one (the hunk
// ended early: the heading's counts were wrong).
func (h *hunk) step(line string) (string, bool) {
	sgr := ""
	switch {
	case strings.HasPrefix(line, "+"):
		h.new--
		sgr = green
	case strings.HasPrefix(line, "-"):
		h.old--
		sgr = red
	case strings.HasPrefix(line, " "), line == "":
		// Some tools strip the blank of an empty context line.
		h.old--
		h.new--
	case strings.HasPrefix(line, `\`):
		// \ No newline at end of file: a remark, not a line.
		return "", true
	default:
		return "", false
	}
	if h.sized && h.old <= 0 && h.new <= 0 {
		h.in = false
	}
	return sgr, true
}

// hunkSize reads the line counts of @@ -a,b +c,d @@ (a count left out is
// 1); sized is false for a heading it cannot read.
func hunkSize(line string) (old, new int, sized bool) {
	f := strings.Fields(line)
	if len(f) < 4 || f[0] != "@@" || f[3] != "@@" || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return 0, 0, false
	}
	count := func(r string) (int, bool) {
		_, n, found := strings.Cut(r[1:], ",")
		if !found {
			return 1, true
		}
		v, err := strconv.Atoi(n)
		return v, err == nil && v >= 0
	}
	o, ok1 := count(f[1])
	n, ok2 := count(f[2])
	return o, n, ok1 && ok2
}
