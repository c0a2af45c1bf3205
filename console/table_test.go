package console

import (
	"strings"
	"testing"
)

// TestEveryCommandDocumented: help and completion read the command table,
// so every entry must say what it does, how it is typed and show it.
func TestEveryCommandDocumented(t *testing.T) {
	for _, c := range commandTable().Commands() {
		if c.Summary == "" {
			t.Errorf("%s: no summary", c.Name)
		}
		if len(c.Examples) == 0 {
			t.Errorf("%s: no examples", c.Name)
		}
		if c.Group == "" {
			t.Errorf("%s: in no help group", c.Name)
		}
		used := false
		for _, ex := range c.Examples {
			used = used || strings.Contains(ex, strings.Fields(c.Name)[0])
		}
		if !used && len(c.Examples) > 0 {
			t.Errorf("%s: no example uses it", c.Name)
		}
		for _, f := range c.Flags {
			if f.Help == "" {
				t.Errorf("%s --%s: no help", c.Name, f.Name)
			}
		}
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{`a b  c`, []string{"a", "b", "c"}, ""},
		{`say "two words" 'and $more' x\ y`, []string{"say", "two words", "and $more", "x y"}, ""},
		{`"a \"quoted\" word"`, []string{`a "quoted" word`}, ""},
		{`it's`, nil, "column 3: unterminated ' quote"},
		{`a"b"c`, []string{"abc"}, ""},
	} {
		toks, err := words(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		var got []string
		for _, tk := range toks {
			got = append(got, tk.text)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitTop(t *testing.T) {
	for in, want := range map[string]string{
		`select a=="x;y"; exec show run | include ;`: `select a=="x;y"| exec show run | include |`,
		"echo 'a;b';echo c":                          "echo 'a;b'|echo c",
		"where name matches `a;b`":                   "where name matches `a;b`",
	} {
		var got []string
		for _, s := range splitTop(in, ";") {
			got = append(got, s.text)
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%q: got %q, want %q", in, strings.Join(got, "|"), want)
		}
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"site": "usa", "n": "3"}
	look := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	for in, want := range map[string]string{
		`select site == "$site"`:   `select site == "usa"`,
		`echo ${site}-leaf-00$n`:   `echo usa-leaf-003`,
		`echo '$site'`:             `echo '$site'`,
		`echo \$site`:              `echo $site`,
		`show run | include vlan$`: `show run | include vlan$`,
		`where x matches "^a$"`:    `where x matches "^a$"`,
	} {
		got, err := substitute(in, look)
		if err != nil || got != want {
			t.Errorf("%q: got %q (%v), want %q", in, got, err, want)
		}
	}
	if _, err := substitute("echo $nope", look); err == nil || !strings.Contains(err.Error(), "column 6: undefined variable $nope") {
		t.Errorf("undefined: %v", err)
	}
}
