package lab

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// filter is a pipe stage a device's CLI offers after '|', such as IOS's
// "include" or Junos's "match". vc sends the stage as typed; the device
// applies it.
type filter struct {
	name string
	// noPage turns paging off for the output, as Junos's "no-more" does.
	noPage bool
	apply  func(lines []string, arg string) ([]string, error)
}

var ciscoFilters = []filter{
	{name: "include", apply: grepLines(false)},
	{name: "exclude", apply: grepLines(true)},
	{name: "begin", apply: beginLines},
	{name: "section", apply: sectionLines},
	{name: "count", apply: countLines("Number of lines which match regexp = %d")},
}

var junosFilters = []filter{
	{name: "match", apply: grepLines(false)},
	{name: "except", apply: grepLines(true)},
	{name: "find", apply: beginLines},
	{name: "count", apply: countLines("Count: %d lines")},
	{name: "last", apply: lastLines},
	{name: "no-more", noPage: true, apply: func(l []string, _ string) ([]string, error) { return l, nil }},
}

var linuxFilters = []filter{
	{name: "grep", apply: unixGrep},
	{name: "head", apply: unixHead},
	{name: "wc", apply: func(l []string, arg string) ([]string, error) { return []string{strconv.Itoa(len(l))}, nil }},
}

// applyFilters runs the stages after the first '|' of a line over the
// output. It reports whether paging was turned off and, on a bad stage, the
// error the device prints.
func applyFilters(p *platform, stages []string, out string) (string, bool, error) {
	if len(stages) == 0 {
		return out, false, nil
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	noPage := false
	for _, st := range stages {
		name, arg, _ := strings.Cut(strings.TrimSpace(st), " ")
		f := pickFilter(p, strings.ToLower(name))
		if f == nil {
			return "", false, fmt.Errorf("unknown pipe stage %q", name)
		}
		var err error
		if lines, err = f.apply(lines, strings.Trim(strings.TrimSpace(arg), `"`)); err != nil {
			return "", false, err
		}
		noPage = noPage || f.noPage
	}
	if len(lines) == 0 {
		return "", noPage, nil
	}
	return strings.Join(lines, "\n") + "\n", noPage, nil
}

// pickFilter finds a stage by exact name or, where the platform
// abbreviates, by unique prefix ("| i" for include).
func pickFilter(p *platform, name string) *filter {
	var found *filter
	for i := range p.filters {
		f := &p.filters[i]
		if f.name == name {
			return f
		}
		if p.abbreviate && name != "" && strings.HasPrefix(f.name, name) {
			if found != nil {
				return nil
			}
			found = f
		}
	}
	return found
}

func grepLines(invert bool) func([]string, string) ([]string, error) {
	return func(lines []string, arg string) ([]string, error) {
		re, err := regexp.Compile(arg)
		if err != nil {
			return nil, fmt.Errorf("bad regexp %q: %w", arg, err)
		}
		var out []string
		for _, l := range lines {
			if re.MatchString(l) != invert {
				out = append(out, l)
			}
		}
		return out, nil
	}
}

func beginLines(lines []string, arg string) ([]string, error) {
	re, err := regexp.Compile(arg)
	if err != nil {
		return nil, fmt.Errorf("bad regexp %q: %w", arg, err)
	}
	for i, l := range lines {
		if re.MatchString(l) {
			return lines[i:], nil
		}
	}
	return nil, nil
}

// sectionLines keeps each matching top-level line with its indented
// children, as IOS's "| section" does.
func sectionLines(lines []string, arg string) ([]string, error) {
	re, err := regexp.Compile(arg)
	if err != nil {
		return nil, fmt.Errorf("bad regexp %q: %w", arg, err)
	}
	var out []string
	in := false
	for _, l := range lines {
		top := !strings.HasPrefix(l, " ")
		if top {
			in = re.MatchString(l)
		}
		if in || (!top && re.MatchString(l)) {
			out = append(out, l)
		}
	}
	return out, nil
}

func countLines(format string) func([]string, string) ([]string, error) {
	return func(lines []string, arg string) ([]string, error) {
		n := len(lines)
		if arg != "" {
			kept, err := grepLines(false)(lines, arg)
			if err != nil {
				return nil, err
			}
			n = len(kept)
		}
		return []string{fmt.Sprintf(format, n)}, nil
	}
}

func lastLines(lines []string, arg string) ([]string, error) {
	n := 10
	if arg != "" {
		var err error
		if n, err = strconv.Atoi(arg); err != nil || n < 0 {
			return nil, fmt.Errorf("bad line count %q", arg)
		}
	}
	return lines[max(0, len(lines)-n):], nil
}

func unixGrep(lines []string, arg string) ([]string, error) {
	invert, ignoreCase := false, false
	fields := strings.Fields(arg)
	for len(fields) > 1 && strings.HasPrefix(fields[0], "-") {
		invert = invert || strings.Contains(fields[0], "v")
		ignoreCase = ignoreCase || strings.Contains(fields[0], "i")
		fields = fields[1:]
	}
	pattern := strings.Trim(strings.Join(fields, " "), `"'`)
	if ignoreCase {
		pattern = "(?i)" + pattern
	}
	return grepLines(invert)(lines, pattern)
}

func unixHead(lines []string, arg string) ([]string, error) {
	n := 10
	if f := strings.Fields(arg); len(f) == 2 && f[0] == "-n" {
		var err error
		if n, err = strconv.Atoi(f[1]); err != nil {
			return nil, fmt.Errorf("head: invalid number of lines: %q", f[1])
		}
	}
	return lines[:min(n, len(lines))], nil
}
