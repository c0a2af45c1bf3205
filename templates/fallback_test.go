package templates

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// xr791 is IOS XR 7.9.1 (LNT) on XRd, in testdata/builtin so that
// TestBuiltinCases holds the built-in template to Python's records for it.
const xr791 = "testdata/builtin/cisco_xr/show_version/xrd_7.9.1.raw"

// xr791Bare is the same release with no hardware lines after the build
// information: ntc's template reads that one.
const xr791Bare = `Cisco IOS XR Software, Version 7.9.1 LNT
Copyright (c) 2013-2023 by Cisco Systems, Inc.

Build Information:
 Built By     : swtools
 Built On     : Tue Mar 28 22:23:09 UTC 2023
 Build Host   : iox-ucs-061
 Workspace    : /auto/srcarchive13/prod/7.9.1/8000/ws
 Version      : 7.9.1
 Label        : 7.9.1

core-1 uptime is 3 weeks, 2 days, 4 hours, 10 minutes
`

// TestFallbackXR: ntc's cisco_xr_show_version raises a State Error on the
// XRd output ("cisco XRd Control Plane" matches none of its rules, and its
// catch-all is "^. -> Error"); vc's built-in template of the same name
// reads it. ParseOutput must come back with the built-in's records and say
// why, where the chosen template alone leaves the device unparsed.
func TestFallbackXR(t *testing.T) {
	tdir, _ := ntcDir(t)
	lib, err := NewLibrary(Options{NTCDir: tdir})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(xr791)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)

	cands, err := lib.Candidates("cisco_xr", "show version")
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 2 {
		t.Fatalf("candidates %+v", cands)
	}
	ntc, builtin := cands[0], cands[1]
	if ntc.Layer != LayerNTC || ntc.Files[0] != LayerNTC || ntc.Templates[0] != "cisco_xr_show_version.textfsm" {
		t.Errorf("first candidate %+v", ntc)
	}
	// The built-in index line names the same file name, which ntc's file
	// hides: it is offered with the built-in file.
	if builtin.Layer != LayerBuiltin || builtin.Files[0] != LayerBuiltin || builtin.Templates[0] != "cisco_xr_show_version.textfsm" ||
		!strings.Contains(builtin.Why, "hides") {
		t.Errorf("second candidate %+v", builtin)
	}
	if m, err := lib.Match("cisco_xr", "show version"); err != nil || m.Line != ntc.Line || m.Layer != LayerNTC {
		t.Errorf("Match %+v, %v: want the first candidate", m, err)
	}

	// The chosen template really fails, in our engine as in Python's.
	ntcTpl, err := lib.layer(LayerNTC).template("cisco_xr_show_version.textfsm")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ntcTpl.Parse(text)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.RuleLine != 25 || pe.Input != "cisco XRd Control Plane" {
		t.Fatalf("ntc template on XRd: %v, want a State Error at rule line 25", err)
	}
	t.Run("python", func(t *testing.T) {
		python := "/usr/bin/python3"
		if err := exec.Command(python, "-c", "import textfsm").Run(); err != nil {
			t.Skipf("no Python textfsm: %v", err)
		}
		out, err := exec.Command(python, filepath.Join("testdata", "ntc_parse.py"), tdir, "cisco_xr", "show version", xr791).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "State Error raised. Rule Line: 25. Input Line: cisco XRd Control Plane") {
			t.Errorf("Python textfsm: %v\n%s", err, out)
		}
	})

	p, err := lib.ParseOutput(t.Context(), Request{Platform: "cisco_xr", Command: "sh ver"}, text)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Fallback || p.Selection.Layer != LayerBuiltin || p.Selection.Files[0] != LayerBuiltin {
		t.Fatalf("parsed with %+v, fallback %v", p.Selection, p.Fallback)
	}
	rec := p.Result.Maps()
	if len(rec) != 1 || rec[0]["version"] != "7.9.1 LNT" || rec[0]["build_host"] != "iox-ucs-061" || rec[0]["uptime"] != "3 weeks, 2 days, 4 hours, 10 minutes" {
		t.Errorf("records %v", rec)
	}
	for _, want := range []string{"ntc-templates index line", "State Error", "built-in index line", "score 1.00"} {
		if !strings.Contains(p.Why, want) {
			t.Errorf("Why %q lacks %q", p.Why, want)
		}
	}
	t.Logf("%s", p.Why)

	// templates match: every candidate with its score, records and error,
	// best first.
	ranked, err := lib.Rank(t.Context(), "cisco_xr", "show version", text, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ranked) != 2 || !ranked[0].Chosen || ranked[0].Priority != 1 || ranked[0].Records != 1 || ranked[0].Score != 1 ||
		ranked[1].Chosen || ranked[1].Priority != 0 || !errors.As(ranked[1].Err, &pe) || ranked[1].Result != nil {
		t.Errorf("ranked %+v", ranked)
	}

	// Where ntc's template reads the output, it is used: no search.
	p, err = lib.ParseOutput(t.Context(), Request{Platform: "cisco_xr", Command: "show version"}, xr791Bare)
	if err != nil || p.Fallback || p.Selection.Layer != LayerNTC || p.Result.Score.Records != 1 {
		t.Fatalf("bare output: %+v, %v", p, err)
	}
	ntcScore := p.Result.Score.Value
	// Unless it scores below MinScore and another scores higher: ntc's
	// leaves location and hardware empty (0.90), the built-in hardware
	// alone (0.925).
	p, err = lib.ParseOutput(t.Context(), Request{Platform: "cisco_xr", Command: "show version", MinScore: 0.95}, xr791Bare)
	if err != nil || !p.Fallback || p.Selection.Files[0] != LayerBuiltin || p.Result.Score.Value <= ntcScore ||
		!strings.Contains(p.Why, "below 0.95") {
		t.Fatalf("min score: %+v, %v", p, err)
	}
	// Given by name, a template is used as it is.
	if _, err := lib.ParseOutput(t.Context(), Request{Templates: []string{"cisco_xr_show_version.textfsm"}}, text); !errors.As(err, &pe) {
		t.Errorf("by name: %v, want ntc's State Error", err)
	}
}

// TestCandidatesOrder: each layer's first matching line by priority, then
// the further matching lines layer by layer; a line whose file another
// layer hides comes again with its own file; the same files only once.
func TestCandidatesOrder(t *testing.T) {
	tpl := "Value A (\\S+)\n\nStart\n  ^${A} -> Record\n"
	ntc := writeTemplates(t, map[string]string{
		"index":          "Template, Hostname, Platform, Command\n\nn_a.textfsm, .*, acme, sh[[ow]] thing\nshared.textfsm, .*, acme, sh.*\n",
		"n_a.textfsm":    tpl,
		"shared.textfsm": tpl,
	})
	user := writeTemplates(t, map[string]string{
		"index":          "Template, Hostname, Platform, Command\n\nu_a.textfsm, .*, acme, sh[[ow]] th[[ing]]\nu_b.textfsm, .*, acme, sh[[ow]] t\nn_a.textfsm, .*, acme, sh[[ow]] th\n",
		"u_a.textfsm":    tpl,
		"u_b.textfsm":    tpl,
		"shared.textfsm": tpl,
	})
	lib, err := NewLibrary(Options{NTCDir: ntc, UserDir: user, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	cands, err := lib.Candidates("acme", "show  thing")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cands {
		got = append(got, c.Layer+":"+strconv.Itoa(c.Line)+":"+c.Templates[0]+"@"+c.Files[0])
	}
	want := []string{
		"user:3:u_a.textfsm@user",
		"ntc-templates:3:n_a.textfsm@ntc-templates",
		"user:4:u_b.textfsm@user",
		// user line 5 reads ntc's n_a.textfsm, as ntc's line 3 does: once.
		"ntc-templates:4:shared.textfsm@user",
		"ntc-templates:4:shared.textfsm@ntc-templates",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("candidates\n got  %v\n want %v", got, want)
	}
	if _, err := lib.Candidates("acme", "list"); !errors.Is(err, ErrNoTemplate) {
		t.Errorf("no match: %v", err)
	}
}

// TestFallbackHotPath: when the first candidate fits, the others are not
// even compiled, and the choice is made once per platform and command.
func TestFallbackHotPath(t *testing.T) {
	tdir, _ := ntcDir(t)
	lib, err := NewLibrary(Options{NTCDir: tdir})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		p, err := lib.ParseOutput(t.Context(), Request{Platform: "cisco_xr", Command: "show version"}, xr791Bare)
		if err != nil || p.Fallback {
			t.Fatalf("%+v, %v", p, err)
		}
	}
	ch := lib.choices[choiceKey{platform: "cisco_xr", command: "show version"}]
	if len(lib.choices) != 1 || ch == nil || len(ch.cands) != 2 || ch.cands[0].ts == nil || ch.cands[1].ts != nil {
		t.Errorf("choices %v", lib.choices)
	}
}
