package templates

import (
	"fmt"
	"io"
	"strings"
)

// maxNameLen is Python textfsm's limit on value and state names.
const maxNameLen = 48

// Compile reads a TextFSM template and compiles it. name is used in error
// messages and returned by Name. Every error is a *TemplateError naming the
// template line at fault.
func Compile(name string, src io.Reader) (*Template, error) {
	b, err := io.ReadAll(src)
	if err != nil {
		return nil, fmt.Errorf("template %s: read: %w", name, err)
	}
	return CompileString(name, string(b))
}

// CompileString is Compile for a template already in memory.
func CompileString(name, src string) (*Template, error) {
	c := compiler{t: &Template{name: name, src: src}, lines: templateLines(src)}
	if err := c.values(); err != nil {
		return nil, err
	}
	for {
		more, err := c.state()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c.t, nil
}

// templateLines splits as Python's text-mode file iteration does: universal
// newlines, then each line right-stripped by the caller.
func templateLines(src string) []string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	lines := strings.Split(src, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	return lines
}

type compiler struct {
	t      *Template
	lines  []string
	i      int               // next line to read (0-based)
	varMap map[string]string // value name -> regex with a named group, for ${NAME}
	// pending holds state targets by rule until all states are known.
	pending []pendingTarget
}

type pendingTarget struct {
	state, rule int
	target      string
}

func (c *compiler) fail(line int, hint, format string, args ...any) error {
	return &TemplateError{Template: c.t.name, Line: line, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func rstrip(s string) string { return strings.TrimRightFunc(s, isPySpace) }

func isComment(line string) bool {
	return strings.HasPrefix(strings.TrimLeftFunc(line, isPySpace), "#")
}

// values reads the Value block, which ends at the first blank line.
func (c *compiler) values() error {
	c.varMap = map[string]string{}
	for ; c.i < len(c.lines); c.i++ {
		line, num := rstrip(c.lines[c.i]), c.i+1
		if line == "" {
			c.i++
			return nil
		}
		if isComment(line) {
			continue
		}
		if !strings.HasPrefix(line, "Value ") {
			if len(c.t.values) == 0 {
				return c.fail(num, "a template starts with 'Value [OPTIONS] NAME (REGEX)' lines", "No Value definitions found")
			}
			return c.fail(num, "end the Value block with a blank line before the first state", "Expected blank line after last Value entry")
		}
		v, err := c.parseValue(line, num)
		if err != nil {
			return err
		}
		for _, old := range c.t.values {
			if old.name == v.name {
				return c.fail(num, "rename one of them", "Duplicate declarations for Value '%s'", v.name)
			}
		}
		c.t.values = append(c.t.values, v)
		c.t.header = append(c.t.header, v.name)
		c.varMap[v.name] = "(?P<" + v.name + ">" + v.regex[1:]
	}
	return nil
}

// parseValue reads 'Value [Opt,Opt] NAME (REGEX)'. Like Python textfsm it
// splits on single spaces, so the regex keeps its own spacing.
func (c *compiler) parseValue(line string, num int) (valueDef, error) {
	tok := strings.Split(line, " ")
	if len(tok) < 3 {
		return valueDef{}, c.fail(num, "write 'Value [OPTIONS] NAME (REGEX)'", "Expect at least 3 tokens on line")
	}
	v := valueDef{line: num}
	if !strings.HasPrefix(tok[2], "(") {
		for _, o := range strings.Split(tok[1], ",") {
			if err := c.addOption(&v, o, num); err != nil {
				return valueDef{}, err
			}
		}
		v.name, v.regex = tok[2], strings.Join(tok[3:], " ")
	} else {
		v.name, v.regex = tok[1], strings.Join(tok[2:], " ")
	}
	if len(v.name) > maxNameLen {
		return valueDef{}, c.fail(num, fmt.Sprintf("use at most %d characters", maxNameLen), "Invalid Value name '%s' or name too long", v.name)
	}
	if len(v.regex) < 2 || v.regex[0] != '(' || v.regex[len(v.regex)-1] != ')' ||
		strings.Count(v.regex, "(") != strings.Count(v.regex, ")") {
		return valueDef{}, c.fail(num, "wrap the whole regex in one pair of parentheses, with balanced parentheses inside",
			"Value '%s' must be contained within a '()' pair", v.regex)
	}
	if v.list {
		re, err := compileRegex(v.regex)
		if err != nil {
			return valueDef{}, c.fail(num, "fix the value's regular expression", "invalid regular expression %q: %v", v.regex, err)
		}
		if re.groups > 1 {
			v.nested = re
		}
	}
	return v, nil
}

func (c *compiler) addOption(v *valueDef, name string, num int) error {
	kinds := map[string]optKind{
		"Required": optRequired, "Filldown": optFilldown, "Fillup": optFillup,
		"Key": optKey, "List": optList, "OptionBase": optBase,
	}
	k, ok := kinds[name]
	if !ok {
		return c.fail(num, "options are Filldown, Fillup, Key, List and Required, separated by commas without spaces", "Unknown option %q", name)
	}
	for _, have := range v.opts {
		if have == k {
			return c.fail(num, "name each option once", "Duplicate option %q", name)
		}
	}
	v.opts = append(v.opts, k)
	switch k {
	case optRequired:
		v.required = true
	case optFilldown:
		v.filldown = true
	case optFillup:
		v.fillup = true
	case optKey:
		v.key = true
	case optList:
		v.list = true
	}
	return nil
}

// state reads one state: its name line, then rules up to a blank line.
// It reports false when no state is left.
func (c *compiler) state() (bool, error) {
	name, num := "", 0
	for ; c.i < len(c.lines); c.i++ {
		line := rstrip(c.lines[c.i])
		if line == "" || isComment(line) {
			continue
		}
		name, num = line, c.i+1
		c.i++
		break
	}
	if name == "" {
		return false, nil
	}
	if !isWord(name) || len(name) > maxNameLen || isKeyword(name) {
		return false, c.fail(num, "a state name is one word of letters, digits or '_' and not an action keyword", "Invalid state name: '%s'", name)
	}
	for _, s := range c.t.states {
		if s.name == name {
			return false, c.fail(num, "merge the two states or rename one", "Duplicate state name: '%s'", name)
		}
	}
	st := state{name: name, line: num}
	for ; c.i < len(c.lines); c.i++ {
		raw := rstrip(c.lines[c.i])
		if raw == "" {
			c.i++
			break
		}
		if isComment(raw) {
			continue
		}
		num := c.i + 1
		if !strings.HasPrefix(raw, " ^") && !strings.HasPrefix(raw, "  ^") && !strings.HasPrefix(raw, "\t^") {
			return false, c.fail(num, "indent each rule by one or two spaces or a tab and start it with '^'; a blank line ends a state", "Missing white space or carat ('^') before rule")
		}
		r, target, err := c.parseRule(raw, num)
		if err != nil {
			return false, err
		}
		if target != "" {
			c.pending = append(c.pending, pendingTarget{state: len(c.t.states), rule: len(st.rules), target: target})
		}
		st.rules = append(st.rules, r)
	}
	c.t.states = append(c.t.states, st)
	return true, nil
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isPyWord(r) {
			return false
		}
	}
	return true
}

// isKeyword reports the action words a state may not be called.
func isKeyword(s string) bool {
	switch s {
	case "Continue", "Next", "Error", "Clear", "Clearall", "Record", "NoRecord":
		return true
	}
	return false
}

// validate checks what needs the whole template: a Start state, empty End
// and EOF states, and that every target state exists.
func (c *compiler) validate() error {
	t := c.t
	index := map[string]int{}
	for i, s := range t.states {
		index[s.name] = i
	}
	start, ok := index["Start"]
	if !ok {
		return c.fail(0, "every template needs a state called Start", "Missing state 'Start'")
	}
	for _, special := range []string{"End", "EOF"} {
		if i, ok := index[special]; ok && len(t.states[i].rules) > 0 {
			return c.fail(t.states[i].line, "End and EOF take no rules: the parse stops there", "Non-Empty '%s' state", special)
		}
	}
	_, t.hasEOF = index["EOF"]
	// Put Start first and drop End and EOF, which are never entered as
	// rule lists, then resolve targets by name.
	var states []state
	states = append(states, t.states[start])
	for i, s := range t.states {
		if i != start && s.name != "End" && s.name != "EOF" {
			states = append(states, s)
		}
	}
	newIndex := map[string]int{}
	for i, s := range states {
		newIndex[s.name] = i
	}
	for _, p := range c.pending {
		src := t.states[p.state]
		r := &src.rules[p.rule]
		switch p.target {
		case "End":
			r.next = toEnd
		case "EOF":
			r.next = toEOF
		default:
			i, ok := newIndex[p.target]
			if !ok {
				return c.fail(r.line, "declare that state or fix the name", "State '%s' not found, referenced in state '%s'", p.target, src.name)
			}
			r.next = i
		}
	}
	t.states = states
	for _, s := range t.states {
		for _, r := range s.rules {
			t.maxCaps = max(t.maxCaps, len(r.assign))
		}
	}
	return nil
}
