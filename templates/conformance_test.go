package templates

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// ntcDir finds the ntc-templates checkout: $NTC_TEMPLATES_DIR, else the
// shared copy beside the repository.
func ntcDir(t testing.TB) (templatesDir, testsDir string) {
	t.Helper()
	root := os.Getenv("NTC_TEMPLATES_DIR")
	if root == "" {
		root = "../../../shared/ntc-templates"
		if _, err := os.Stat(root); err != nil {
			root = "/work/shared/ntc-templates"
		}
	}
	templatesDir = ntcTemplatesFolder(root)
	// The tests live beside ntc_templates/ in a checkout; with a bare
	// templates folder, look two levels up.
	for _, cand := range []string{filepath.Join(root, "tests"), filepath.Join(templatesDir, "..", "..", "tests")} {
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			testsDir = cand
			break
		}
	}
	if _, err := os.Stat(filepath.Join(templatesDir, "index")); err != nil || testsDir == "" {
		t.Skipf("ntc-templates collection with tests not found at %s (set NTC_TEMPLATES_DIR to a checkout)", root)
	}
	return templatesDir, testsDir
}

// ntcCase is one raw/yml pair, with platform and command taken from the
// folder names as ntc-templates' own test does.
type ntcCase struct {
	raw, yml, platform, command string
}

func (c ntcCase) name() string { return strings.TrimSuffix(c.raw, ".raw") }

func ntcCases(t testing.TB, testsDir string) []ntcCase {
	t.Helper()
	var cases []ntcCase
	err := filepath.WalkDir(testsDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".raw") {
			return err
		}
		yml := strings.TrimSuffix(p, ".raw") + ".yml"
		if _, err := os.Stat(yml); err != nil {
			return nil
		}
		dir := filepath.Dir(p)
		cases = append(cases, ntcCase{
			raw: p, yml: yml,
			platform: filepath.Base(filepath.Dir(dir)),
			command:  strings.ReplaceAll(filepath.Base(dir), "_", " "),
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].raw < cases[j].raw })
	return cases
}

// runNTCCase parses one case as ntc-templates' parse_output would and
// returns a difference, or "" when the records equal the expected ones.
func runNTCCase(lib *Library, c ntcCase) string {
	raw, err := os.ReadFile(c.raw)
	if err != nil {
		return err.Error()
	}
	want, err := loadExpected(c.yml)
	if err != nil {
		return err.Error()
	}
	res, err := clitableParse(lib, c.platform, c.command, string(raw))
	if err != nil {
		return "parse: " + err.Error()
	}
	got := normalize(res.Maps()).([]any)
	if len(got) != len(want) {
		return fmt.Sprintf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("record %d:\n got  %v\n want %v", i, got[i], want[i])
		}
	}
	return ""
}

// clitableParse parses as ntc-templates' parse_output does, through
// clitable, which turns every List item into a string even for a single
// template: the shape ntc's expected YAML (and Python's JSON in
// testdata/builtin) holds. vc's own path, ParseOutput, keeps a single
// template's values native.
func clitableParse(lib *Library, platform, command, text string) (*Result, error) {
	sel, err := lib.Match(platform, command)
	if err != nil {
		return nil, err
	}
	return clitableParseWith(lib, sel.Templates, text)
}

func clitableParseWith(lib *Library, names []string, text string) (*Result, error) {
	var ts []*Template
	for _, n := range names {
		t, err := lib.Template(n)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ParseMerged(ts, text)
}

func loadExpected(path string) ([]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		ParsedSample []any `yaml:"parsed_sample"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.ParsedSample == nil {
		return []any{}, nil
	}
	return normalize(doc.ParsedSample).([]any), nil
}

// normalize turns parser and YAML values into one shape for comparison.
func normalize(v any) any {
	switch x := v.(type) {
	case []map[string]any:
		out := make([]any, len(x))
		for i, m := range x {
			out[i] = normalize(m)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

// knownNTCDifferences lists the cases that do not match, with the reason.
// Each was checked against Python textfsm 1.1 (see the test's comment).
func knownNTCDifferences() map[string]string {
	return map[string]string{}
}

// TestNTCConformance runs every ntc-templates test case through the index
// and compares with the expected YAML.
func TestNTCConformance(t *testing.T) {
	tdir, testsDir := ntcDir(t)
	lib, err := NewLibrary(Options{NTCDir: tdir, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := ntcCases(t, testsDir)
	known := knownNTCDifferences()
	pass := 0
	for _, c := range cases {
		rel, _ := filepath.Rel(testsDir, c.name())
		diff := runNTCCase(lib, c)
		if diff == "" {
			pass++
			if why, ok := known[rel]; ok {
				t.Errorf("%s now passes; remove it from knownNTCDifferences (%s)", rel, why)
			}
			continue
		}
		if _, ok := known[rel]; ok {
			continue
		}
		t.Errorf("%s (%s / %s): %s", rel, c.platform, c.command, diff)
	}
	t.Logf("ntc-templates conformance: %d/%d cases pass", pass, len(cases))

	// Which engine runs the corpus's rules: the backtracker should take
	// nearly all, regexp2 only what needs Perl features.
	engines := map[string]int{}
	entries, err := lib.List("")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		tpl, err := lib.Template(e.Name)
		if err != nil {
			t.Errorf("%s: %v", e.Name, err)
			continue
		}
		for _, s := range tpl.states {
			for _, r := range s.rules {
				engines[r.re.engine()]++
			}
		}
	}
	t.Logf("rules by engine over %d templates: %v", len(entries), engines)
	if engines["fast"] < 10*(engines["regexp"]+engines["regexp2"]) {
		t.Errorf("the backtracker runs too few rules: %v", engines)
	}
}
