package templates

import (
	"errors"
	"testing"
)

// teamFiles is a user folder whose template has a List value of nested
// groups (a List of Records), once alone on an index line and once merged
// with a second template.
func teamFiles() map[string]string {
	return map[string]string{
		"index": "Template, Hostname, Platform, Command\n\n" +
			"acme_show_team.textfsm, .*, acme, sh[[ow]] te[[am]]\n" +
			"acme_show_team.textfsm:acme_show_lead.textfsm, .*, acme, sh[[ow]] cr[[ew]]\n",
		"acme_show_team.textfsm": "Value TEAM (\\S+)\nValue List MEMBERS ((?P<first>\\w+) (?P<last>\\w+))\n\n" +
			"Start\n  ^team ${TEAM}\n  ^\\s+member ${MEMBERS}\n",
		"acme_show_lead.textfsm": "Value TEAM (\\S+)\nValue LEAD (\\w+)\n\nStart\n  ^team ${TEAM} lead ${LEAD}\n",
	}
}

const teamOutput = "team red lead ada\n  member ada lovelace\n  member alan turing\n"

// TestOneParsePath: every way of asking parses a single template alike,
// keeping a List of Records as a list of maps; an index line naming two
// templates merges them as clitable does, items as Python's str() of them.
func TestOneParsePath(t *testing.T) {
	lib, err := NewLibrary(Options{UserDir: writeTemplates(t, teamFiles()), NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	native := `[{"team":"red","members":[{"first":"ada","last":"lovelace"},{"first":"alan","last":"turing"}]}]`
	ways := map[string]func() (*Result, error){
		"exec, parse --platform --command": func() (*Result, error) {
			p, err := lib.ParseOutput(t.Context(), Request{Platform: "acme", Command: "sh team"}, teamOutput)
			if err != nil {
				return nil, err
			}
			if p.Selection.Line != 3 || p.Selection.Layer != LayerUser {
				t.Errorf("selection %+v", p.Selection)
			}
			return p.Result, nil
		},
		"parse --template, templates test": func() (*Result, error) {
			p, err := lib.ParseOutput(t.Context(), Request{Templates: []string{"acme_show_team.textfsm"}}, teamOutput)
			if err != nil {
				return nil, err
			}
			if p.Selection.Layer != "" || p.Selection.Files[0] != LayerUser {
				t.Errorf("selection %+v", p.Selection)
			}
			return p.Result, nil
		},
		"ParseWith": func() (*Result, error) { return lib.ParseWith([]string{"acme_show_team.textfsm"}, teamOutput) },
		"Parse": func() (*Result, error) {
			res, _, err := lib.Parse("acme", "show team", teamOutput)
			return res, err
		},
		"Template.Parse": func() (*Result, error) {
			tpl, err := lib.Template("acme_show_team.textfsm")
			if err != nil {
				return nil, err
			}
			return tpl.Parse(teamOutput)
		},
	}
	for way, parse := range ways {
		res, err := parse()
		if err != nil {
			t.Errorf("%s: %v", way, err)
			continue
		}
		if b, err := res.JSON(); err != nil || string(b) != native {
			t.Errorf("%s: %s, %v\n want %s", way, b, err, native)
		}
	}

	merged := `[{"team":"red","members":["{'first': 'ada', 'last': 'lovelace'}","{'first': 'alan', 'last': 'turing'}"],"lead":"ada"}]`
	for way, req := range map[string]Request{
		"by index": {Platform: "acme", Command: "show crew"},
		"by name":  {Templates: []string{"acme_show_team.textfsm", "acme_show_lead.textfsm"}},
	} {
		p, err := lib.ParseOutput(t.Context(), req, teamOutput)
		if err != nil {
			t.Errorf("merged %s: %v", way, err)
			continue
		}
		if b, err := p.Result.JSON(); err != nil || string(b) != merged {
			t.Errorf("merged %s: %s, %v\n want %s", way, b, err, merged)
		}
	}

	for _, req := range []Request{{Platform: "acme", Command: "show nothing"}, {}} {
		if _, err := lib.ParseOutput(t.Context(), req, teamOutput); !errors.Is(err, ErrNoTemplate) {
			t.Errorf("%+v: %v, want ErrNoTemplate", req, err)
		}
	}
	if _, err := lib.ParseOutput(t.Context(), Request{Templates: []string{"nope.textfsm"}}, teamOutput); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("unknown name: %v", err)
	}
}
