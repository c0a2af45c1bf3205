package lab

import "strings"

// command is one thing a device understands. words are its keywords in
// full; "<word>" takes one argument and "<rest>" all remaining words.
type command struct {
	words string
	// priv hides the command in user mode, as IOS hides show
	// running-config from a user who has not typed enable.
	priv bool
	// data marks outputs worth faulting: a hang or drop strikes there, not
	// during session preparation.
	data bool
	run  func(s *shell, args []string) string
	// runStatus, in place of run, also gives the exit status, for a
	// shell's commands that can fail.
	runStatus func(s *shell, args []string) (string, int)
}

// lookup is the result of reading a command line against a command table.
type lookup struct {
	cmd  *command
	args []string
	// problem is set when no command matched; at is the index of the
	// offending word, or len(words) when the line ended too early.
	problem problem
	at      int
}

type problem int

const (
	problemNone problem = iota
	problemInvalid
	problemIncomplete
	problemAmbiguous
)

// find matches words against the commands visible in the given mode,
// accepting unique prefixes of keywords where the platform does, the way a
// network CLI parser walks its keyword tree.
func find(p *platform, words []string, privileged bool) lookup {
	split := p.keywords()
	alive := make([]*command, 0, len(p.commands))
	for i := range p.commands {
		c := &p.commands[i]
		if c.priv && !privileged {
			continue
		}
		alive = append(alive, c)
	}
	args := map[*command][]string{}
	for i, w := range words {
		lw := w
		if p.abbreviate {
			lw = strings.ToLower(w)
		}
		chosen, ambiguous := chooseKeyword(p, alive, split, i, lw)
		if ambiguous {
			return lookup{problem: problemAmbiguous, at: i}
		}
		var next []*command
		for _, c := range alive {
			kw := split[c]
			switch {
			case takesRest(kw, i):
				args[c] = append(args[c], w)
				next = append(next, c)
			case i >= len(kw):
			case chosen != "" && kw[i] == chosen:
				next = append(next, c)
			case chosen == "" && kw[i] == "<word>":
				args[c] = append(args[c], w)
				next = append(next, c)
			}
		}
		if len(next) == 0 {
			return lookup{problem: problemInvalid, at: i}
		}
		alive = next
	}
	for _, c := range alive {
		kw := split[c]
		if len(kw) == len(words) || takesRest(kw, len(words)) {
			return lookup{cmd: c, args: args[c]}
		}
	}
	return lookup{problem: problemIncomplete, at: len(words)}
}

// keywords are the platform's commands' keywords, split once for the
// lab's life: every line typed looks them all up.
func (p *platform) keywords() map[*command][]string {
	p.kwOnce.Do(func() {
		p.kw = make(map[*command][]string, len(p.commands))
		for i := range p.commands {
			c := &p.commands[i]
			p.kw[c] = strings.Fields(c.words)
		}
	})
	return p.kw
}

// takesRest says whether keyword list kw swallows word i into "<rest>".
func takesRest(kw []string, i int) bool {
	for j := 0; j <= i && j < len(kw); j++ {
		if kw[j] == "<rest>" {
			return true
		}
	}
	return false
}

// chooseKeyword picks the literal keyword at position i that w names: an
// exact match wins, else the only keyword w is a prefix of. It returns ""
// when no literal keyword fits.
func chooseKeyword(p *platform, alive []*command, split map[*command][]string, i int, w string) (string, bool) {
	seen := map[string]bool{}
	for _, c := range alive {
		kw := split[c]
		if i >= len(kw) || strings.HasPrefix(kw[i], "<") || takesRest(kw, i) {
			continue
		}
		if kw[i] == w {
			return w, false
		}
		if p.abbreviate && strings.HasPrefix(kw[i], w) {
			seen[kw[i]] = true
		}
	}
	if len(seen) > 1 {
		return "", true
	}
	for k := range seen {
		return k, false
	}
	return "", false
}

// complaint renders what the platform says about a line it cannot run.
// offset is the column where the line started on screen (the prompt's
// length), so that the caret sits under the offending word.
func complaint(p *platform, line string, l lookup, offset int) string {
	words := strings.Fields(line)
	caret := func(msg string) string {
		if !p.caretErrors {
			return msg
		}
		col := offset + len(line)
		if l.at < len(words) {
			col = offset + wordOffset(line, l.at)
		}
		return strings.Repeat(" ", col) + "^\n" + msg
	}
	switch l.problem {
	case problemAmbiguous:
		if strings.Contains(p.ambiguous, "{line}") {
			return strings.ReplaceAll(p.ambiguous, "{line}", strings.TrimSpace(line))
		}
		return caret(p.ambiguous)
	case problemIncomplete:
		if strings.Contains(p.incomplete, "'^'") {
			return caret(p.incomplete)
		}
		return p.incomplete
	}
	if strings.Contains(p.invalid, "{word}") {
		w := words[0]
		if l.at < len(words) {
			w = words[l.at]
		}
		return strings.ReplaceAll(p.invalid, "{word}", w)
	}
	if p.unknownFirst != "" && l.at == 0 {
		return caret(p.unknownFirst)
	}
	return caret(p.invalid)
}

// wordOffset is the byte offset of word i in line.
func wordOffset(line string, i int) int {
	off := 0
	for n := 0; ; n++ {
		for off < len(line) && line[off] == ' ' {
			off++
		}
		if n == i {
			return off
		}
		for off < len(line) && line[off] != ' ' {
			off++
		}
	}
}
