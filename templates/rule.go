package templates

import "strings"

// parseRule reads '^REGEX [-> ACTION]'. It returns the target state name,
// resolved once every state is known.
func (c *compiler) parseRule(raw string, num int) (rule, string, error) {
	line := strings.TrimFunc(raw, isPySpace)
	r := rule{line: num, next: stayInState}
	match, action, hasAction := splitAction(line)
	r.match = match
	regex := match
	if len(c.varMap) > 0 {
		var err error
		if regex, err = c.substitute(match, num); err != nil {
			return rule{}, "", err
		}
	}
	re, err := compileRegex(regex)
	if err != nil {
		return rule{}, "", c.fail(num, "fix the pattern (Python re syntax)", "Invalid regular expression: '%s': %v", regex, err)
	}
	r.re = re
	for _, n := range re.names {
		ix := -1
		for i, v := range c.t.values {
			if v.name == n {
				ix = i
				break
			}
		}
		r.assign = append(r.assign, ix)
	}
	if !hasAction {
		return r, "", nil
	}
	ln, rec, target, ok := parseAction(action)
	if !ok {
		return rule{}, "", c.fail(num, "write '-> [Next|Continue|Error][.Record|.NoRecord|.Clear|.Clearall] [STATE]'", "Badly formatted rule '%s'", line)
	}
	r.lineOp, r.recordOp = ln, rec
	switch {
	case ln == opContinue && target != "":
		return rule{}, "", c.fail(num, "Continue keeps the line in this state; use Next to change state", "Action 'Continue' with new state %s specified", target)
	case ln == opError:
		if target != "" {
			r.hasMsg = true
			r.errMsg = strings.TrimSuffix(strings.TrimPrefix(target, `"`), `"`)
		}
		return r, "", nil
	case target != "" && !startsWithWord(target):
		return rule{}, "", c.fail(num, "only an Error action takes a quoted message", "Alphanumeric characters only in state names")
	}
	return r, target, nil
}

// splitAction finds the last whitespace-then-'->' in a rule, as the greedy
// match in Python textfsm does.
func splitAction(line string) (match, action string, ok bool) {
	for k := len(line) - 3; k >= 0; k-- {
		if line[k+1] == '-' && line[k+2] == '>' && isPySpaceByte(line[k]) {
			return line[:k], line[k+3:], true
		}
	}
	return line, "", false
}

func isPySpaceByte(b byte) bool {
	return (b >= '\t' && b <= '\r') || b == ' ' || (b >= 0x1c && b <= 0x1f)
}

func startsWithWord(s string) bool {
	for _, r := range s {
		return isPyWord(r)
	}
	return false
}

// parseAction reads what follows '->': an operator (Line, Line.Record or
// Record), an optional new state (a word, or a quoted message for Error),
// or a new state alone.
func parseAction(a string) (lineOp, recordOp, string, bool) {
	if a == "" {
		return opNext, opNoRecord, "", true
	}
	rest := strings.TrimLeftFunc(a, isPySpace)
	if rest == a {
		return 0, 0, "", false
	}
	tok, tail := rest, ""
	if k := strings.IndexFunc(rest, isPySpace); k >= 0 {
		tok, tail = rest[:k], rest[k:]
	}
	if ln, rec, ok := parseOperator(tok); ok {
		if tail == "" {
			return ln, rec, "", true
		}
		target := strings.TrimLeftFunc(tail, isPySpace)
		if isStateOrMessage(target) {
			return ln, rec, target, true
		}
		return 0, 0, "", false
	}
	if isStateOrMessage(rest) {
		return opNext, opNoRecord, rest, true
	}
	return 0, 0, "", false
}

func parseOperator(tok string) (lineOp, recordOp, bool) {
	records := map[string]recordOp{"Record": opRecord, "NoRecord": opNoRecord, "Clear": opClear, "Clearall": opClearall}
	if rec, ok := records[tok]; ok {
		return opNext, rec, true
	}
	head, recName, dotted := strings.Cut(tok, ".")
	lines := map[string]lineOp{"Next": opNext, "Continue": opContinue, "Error": opError}
	ln, ok := lines[head]
	if !ok {
		return 0, 0, false
	}
	if !dotted {
		return ln, opNoRecord, true
	}
	rec, ok := records[recName]
	return ln, rec, ok
}

func isStateOrMessage(s string) bool {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return true
	}
	return isWord(s)
}

// substitute expands $NAME, ${NAME} and $$ the way Python's
// string.Template.substitute does, which is what textfsm uses: an unknown
// name or a lone '$' is an error, not silently kept.
func (c *compiler) substitute(s string, num int) (string, error) {
	var b strings.Builder
	for {
		k := strings.IndexByte(s, '$')
		if k < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:k])
		s = s[k+1:]
		var name string
		switch {
		case strings.HasPrefix(s, "$"):
			b.WriteByte('$')
			s = s[1:]
			continue
		case strings.HasPrefix(s, "{"):
			n := identLen(s[1:])
			if n == 0 || len(s) <= n+1 || s[n+1] != '}' {
				return "", c.fail(num, "write ${NAME} with a declared value name, or $$ for a literal '$' (end of line)", "invalid variable substitution at '$%s'", clip(s))
			}
			name, s = s[1:n+1], s[n+2:]
		default:
			n := identLen(s)
			if n == 0 {
				return "", c.fail(num, "write $$ for the end-of-line anchor: a single '$' starts a ${NAME} substitution", "invalid variable substitution at '$%s'", clip(s))
			}
			name, s = s[:n], s[n:]
		}
		v, ok := c.varMap[name]
		if !ok {
			return "", c.fail(num, "declare it with a Value line or fix the name (names are case-sensitive)", "undefined variable '%s'", name)
		}
		b.WriteString(v)
	}
}

// identLen measures a Python identifier as string.Template reads one:
// ASCII letters, digits and '_', not starting with a digit.
func identLen(s string) int {
	n := 0
	for n < len(s) {
		ch := s[n]
		if ch == '_' || (ch|0x20) >= 'a' && (ch|0x20) <= 'z' || (n > 0 && ch >= '0' && ch <= '9') {
			n++
			continue
		}
		break
	}
	return n
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
