package templates

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// semCase is one case of testdata/semantics.json: a template, an input,
// and what Python textfsm made of them (semantics_cases.py writes it).
type semCase struct {
	Name          string   `json:"name"`
	Template      string   `json:"template"`
	Input         string   `json:"input"`
	TemplateError string   `json:"template_error"`
	ErrorLine     int      `json:"error_line"`
	ParseError    string   `json:"parse_error"`
	Header        []string `json:"header"`
	Records       []any    `json:"records"`
}

// TestSemantics holds the engine to Python textfsm on the subtle parts:
// Filldown/Fillup, List items that are None or maps of nested groups,
// Continue, Clear/Clearall, Error, EOF and End, ${VAR} and $$, Python's
// regex dialect, its line splitting, and template errors with their line.
func TestSemantics(t *testing.T) {
	b, err := os.ReadFile("testdata/semantics.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []semCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			tpl, err := CompileString(c.Name, c.Template)
			if c.TemplateError != "" {
				var te *TemplateError
				if !errors.As(err, &te) {
					t.Fatalf("compiled (err %v); Python says: %s", err, c.TemplateError)
				}
				if c.ErrorLine != 0 && te.Line != c.ErrorLine {
					t.Errorf("error on line %d, Python says line %d: %v", te.Line, c.ErrorLine, err)
				}
				if !errors.Is(err, ErrTemplate) {
					t.Errorf("error %v does not wrap ErrTemplate", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			res, err := tpl.Parse(c.Input)
			if c.ParseError != "" {
				var pe *ParseError
				if !errors.As(err, &pe) || !errors.Is(err, ErrParse) {
					t.Fatalf("parse error %v; Python says: %s", err, c.ParseError)
				}
				if !strings.Contains(c.ParseError, "Input Line: "+pe.Input) {
					t.Errorf("error at input %q; Python says: %s", pe.Input, c.ParseError)
				}
				if pe.Msg != "" && !strings.Contains(c.ParseError, pe.Msg) {
					t.Errorf("message %q; Python says: %s", pe.Msg, c.ParseError)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if !reflect.DeepEqual(res.Header, c.Header) && len(c.Header)+len(res.Header) > 0 {
				t.Errorf("header %v, Python %v", res.Header, c.Header)
			}
			got := make([]any, len(res.Records))
			for i, r := range res.Records {
				got[i] = normalize([]any(r))
			}
			want := normalize(c.Records)
			if want == nil {
				want = []any{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("records\n got  %#v\n want %#v", got, want)
			}
		})
	}
}
