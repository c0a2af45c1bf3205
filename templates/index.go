package templates

import (
	"fmt"
	"strings"
	"sync"
)

// Index is an ntc-templates style index: a comma-separated table whose
// header names the columns (Template, Hostname, Platform, Command), read
// the way Python textfsm's clitable reads it. Columns other than Template
// are Python regexes matched at the start of the attribute; Command may use
// sh[[ow]] completion. Rows are tried in order and the first match wins.
type Index struct {
	name   string // where the index came from, for explanations
	header []string
	rows   []*indexRow
}

type indexRow struct {
	line      int
	templates []string
	cells     map[string]string // column -> pattern, after [[...]] expansion
	raw       map[string]string // column -> text as written, for explanations

	once     sync.Once
	compiled map[string]*pyRegex
	err      error
}

// ParseIndex reads an index. name says where it came from ("ntc-templates
// /path/index"), for Match's explanations and error messages.
func ParseIndex(name, text string) (*Index, error) {
	ix := &Index{name: name}
	lines := templateLines(text)
	i := 0
	for ; i < len(lines); i++ {
		head := strings.TrimSpace(strings.SplitN(lines[i], "#", 2)[0])
		if head == "" {
			continue
		}
		for _, h := range strings.Split(head, ",") {
			h = strings.TrimSpace(h)
			for _, old := range ix.header {
				if old == h {
					return nil, fmt.Errorf("index %s line %d: duplicate header entry %q", name, i+1, h)
				}
			}
			ix.header = append(ix.header, h)
		}
		i++
		break
	}
	hasTemplate := false
	for _, h := range ix.header {
		hasTemplate = hasTemplate || h == "Template"
	}
	if !hasTemplate {
		return nil, fmt.Errorf("index %s: no 'Template' column in the header line", name)
	}
	for ; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, ",")
		if len(cols) != len(ix.header) {
			continue // clitable drops such lines silently, blank ones included
		}
		row := &indexRow{line: i + 1, cells: map[string]string{}, raw: map[string]string{}}
		for j, h := range ix.header {
			v := strings.TrimSpace(cols[j])
			if h == "Template" {
				row.templates = strings.Split(v, ":")
				continue
			}
			row.raw[h] = v
			if h == "Command" {
				v = expandCompletion(v)
			}
			row.cells[h] = v
		}
		ix.rows = append(ix.rows, row)
	}
	return ix, nil
}

// expandCompletion turns abc[[xyz]] into abc(x(y(z)?)?)?, as clitable does,
// so 'sh ip int br' matches 'sh[[ow]] ip int[[erface]] br[[ief]]'.
func expandCompletion(s string) string {
	var b strings.Builder
	for {
		k := strings.Index(s, "[[")
		if k < 0 || len(s) < k+5 {
			b.WriteString(s)
			return b.String()
		}
		end := strings.Index(s[k+3:], "]]")
		if end < 0 {
			b.WriteString(s)
			return b.String()
		}
		word := s[k+2 : k+3+end]
		b.WriteString(s[:k])
		b.WriteString("(")
		for i, r := range word {
			if i > 0 {
				b.WriteString("(")
			}
			b.WriteRune(r)
		}
		b.WriteString(strings.Repeat(")?", len([]rune(word))))
		s = s[k+3+end+2:]
	}
}

// compile compiles a row's patterns on first use: an index of a thousand
// rows costs nothing until a command for its platform comes along.
func (r *indexRow) compile(ixName string) error {
	r.once.Do(func() {
		r.compiled = map[string]*pyRegex{}
		for col, pat := range r.cells {
			if pat == "" || isPlainWord(pat) {
				continue
			}
			re, err := compileRegex(pat)
			if err != nil {
				r.err = fmt.Errorf("index %s line %d: column %s: bad pattern %q: %w", ixName, r.line, col, pat, err)
				return
			}
			r.compiled[col] = re
		}
	})
	return r.err
}

// isPlainWord reports a pattern without regex syntax, which matches as a
// plain prefix: most Platform cells are.
func isPlainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c == ' ' || c >= '0' && c <= '9' || (c|0x20) >= 'a' && (c|0x20) <= 'z') {
			return false
		}
	}
	return true
}

// matchCell applies one column's pattern as re.match does: at the start of
// the attribute, not necessarily to its end.
// A pattern that needs regexp2 may give up (ErrTimeout) after MatchTimeout.
func (r *indexRow) matchCell(ixName, col, attr string) (bool, error) {
	pat := r.cells[col]
	if pat == "" {
		return true, nil
	}
	if re := r.compiled[col]; re != nil {
		ok, err := re.match(attr, nil)
		if err != nil {
			return false, fmt.Errorf("index %s line %d: column %s: pattern %q on %q: %w", ixName, r.line, col, pat, attr, err)
		}
		return ok, nil
	}
	return strings.HasPrefix(attr, pat), nil
}

// IndexMatch is the row of an index that selected templates, and why.
type IndexMatch struct {
	Index     string   // the index's name
	Line      int      // the row's line in the index
	Templates []string // template names, several when the row merges them
	Why       string   // human explanation
}

// Lookup returns the first row whose columns match attrs (column name ->
// value, e.g. Platform and Command; a column not in attrs is not checked).
func (ix *Index) Lookup(attrs map[string]string) (IndexMatch, bool, error) {
	ms, err := ix.lookup(attrs, 1)
	if err != nil || len(ms) == 0 {
		return IndexMatch{}, false, err
	}
	return ms[0], true, nil
}

// LookupAll returns every row whose columns match attrs, in index order:
// the first is Lookup's, the others what clitable would never reach. A row
// whose pattern is broken ends the list with its error, after the rows
// found before it.
func (ix *Index) LookupAll(attrs map[string]string) ([]IndexMatch, error) {
	return ix.lookup(attrs, -1)
}

// lookup finds up to limit matching rows (-1: all).
func (ix *Index) lookup(attrs map[string]string, limit int) ([]IndexMatch, error) {
	var out []IndexMatch
	for _, r := range ix.rows {
		if len(out) == limit {
			break
		}
		// Cheap test first: plain platform cells need no compiling.
		if p, ok := attrs["Platform"]; ok && isPlainWord(r.cells["Platform"]) && !strings.HasPrefix(p, r.cells["Platform"]) {
			continue
		}
		if err := r.compile(ix.name); err != nil {
			return out, err
		}
		ok := true
		for col, v := range attrs {
			if _, has := r.cells[col]; !has {
				continue
			}
			m, err := r.matchCell(ix.name, col, v)
			if err != nil {
				return out, err
			}
			if !m {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		var why []string
		for _, col := range ix.header {
			if v, asked := attrs[col]; asked && r.raw[col] != "" {
				why = append(why, fmt.Sprintf("%s %q matches %q", strings.ToLower(col), v, r.raw[col]))
			}
		}
		out = append(out, IndexMatch{
			Index: ix.name, Line: r.line, Templates: append([]string(nil), r.templates...),
			Why: fmt.Sprintf("%s line %d: %s", ix.name, r.line, strings.Join(why, ", ")),
		})
	}
	return out, nil
}

// Templates lists every template name the index refers to, in index order.
func (ix *Index) Templates() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range ix.rows {
		for _, t := range r.templates {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}
