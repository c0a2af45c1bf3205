package lab

import (
	"encoding/json"
	"testing"
)

// parseCase is one output that an ntc-templates template must parse, and
// how many records it must yield.
type parseCase struct {
	platform, command string
	want              func(m *model) int
}

func count(m *model, kinds ...ifKind) int {
	n := 0
	for i := range m.ifaces {
		for _, k := range kinds {
			if m.ifaces[i].kind == k {
				n++
			}
		}
	}
	return n
}

func one(*model) int         { return 1 }
func arps(m *model) int      { return len(m.arps) }
func nbrs(m *model) int      { return len(m.nbrs) }
func physical(m *model) int  { return len(m.physical()) }
func allIfaces(m *model) int { return len(m.ifaces) }

var parseCases = []parseCase{
	{"arista_eos", "show version", one},
	{"arista_eos", "show clock", one},
	{"arista_eos", "show ip arp", arps},
	{"arista_eos", "show mac address-table", arps},
	{"arista_eos", "show interfaces status", physical},
	{"arista_eos", "show ip interface brief", func(m *model) int { return count(m, ifSVI, ifLoopback, ifMgmt) }},
	{"arista_eos", "show lldp neighbors", nbrs},

	{"cisco_ios", "show version", one},
	{"cisco_ios", "show clock", one},
	{"cisco_ios", "show ip arp", func(m *model) int { return len(m.arps) + count(m, ifSVI, ifMgmt) }},
	{"cisco_ios", "show mac address-table", func(m *model) int { return len(m.arps) + 2 }},
	{"cisco_ios", "show interfaces status", physical},
	{"cisco_ios", "show ip interface brief", allIfaces},
	{"cisco_ios", "show lldp neighbors", nbrs},

	{"cisco_nxos", "show version", one},
	{"cisco_nxos", "show clock", one},
	{"cisco_nxos", "show ip arp", arps},
	{"cisco_nxos", "show mac address-table", func(m *model) int { return len(m.arps) + count(m, ifSVI) }},
	{"cisco_nxos", "show interface status", physical},
	{"cisco_nxos", "show ip interface brief", func(m *model) int { return count(m, ifSVI, ifLoopback, ifMgmt) }},
	{"cisco_nxos", "show lldp neighbors", nbrs},

	{"cisco_xr", "show version", one},
	{"cisco_xr", "show arp", func(m *model) int { return len(m.arps) + count(m, ifSVI) }},
	{"cisco_xr", "show ip interface brief", allIfaces},
	{"cisco_xr", "show lldp neighbors", nbrs},

	{"juniper_junos", "show version", one},
	{"juniper_junos", "show arp no-resolve", arps},
	{"juniper_junos", "show ethernet-switching table", arps},
	{"juniper_junos", "show lldp neighbors", nbrs},

	{"linux", "arp -a", arps},
	{"linux", "ip address show", allIfaces},
}

// TestTemplatesParseOutputs checks that ntc-templates, chosen through its
// index as vc will choose them, parse every output into the records the
// device holds: every ARP entry, every port, every neighbour.
func TestTemplatesParseOutputs(t *testing.T) {
	needPython(t, "textfsm", "python3-textfsm")
	dir := ntcTemplates(t)
	l := startLab(t, testOptions(6, PlatformNames()...))

	type item struct {
		Platform string `json:"platform"`
		Command  string `json:"command"`
		Raw      string `json:"raw"`
	}
	var items []item
	var wants []int
	for _, c := range parseCases {
		d := devOf(t, l, c.platform)
		out, _ := execOut(t, d, c.command)
		items = append(items, item{c.platform, c.command, crlfToLF(out)})
		wants = append(wants, c.want(buildModel(l.device(d.Name), revisions{})))
	}
	req, _ := json.Marshal(map[string]any{"templates": dir, "items": items})
	out, err := runPython(t.Context(), "textfsm_parse.py", req)
	if err != nil {
		t.Fatal(err)
	}
	var res []struct {
		Template string
		Headers  []string
		Rows     [][]any
		Error    *string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("helper output: %v: %s", err, out)
	}
	for i, c := range parseCases {
		r := res[i]
		switch {
		case r.Error != nil:
			t.Errorf("%s %q: template %s: %s\n%s", c.platform, c.command, r.Template, *r.Error, head(items[i].Raw, 12))
		case r.Template == "":
			t.Errorf("%s %q: no template in the index", c.platform, c.command)
		case len(r.Rows) != wants[i]:
			t.Errorf("%s %q: %s parsed %d records, want %d\n%s", c.platform, c.command, r.Template, len(r.Rows), wants[i], head(items[i].Raw, 12))
		case emptyRecord(r.Rows):
			t.Errorf("%s %q: %s parsed a record with every field empty", c.platform, c.command, r.Template)
		}
	}
}

func emptyRecord(rows [][]any) bool {
	for _, row := range rows {
		empty := true
		for _, v := range row {
			switch v := v.(type) {
			case string:
				empty = empty && v == ""
			case []any:
				empty = empty && len(v) == 0
			}
		}
		if empty {
			return true
		}
	}
	return false
}

// head returns the first n lines of s, for failure messages.
func head(s string, n int) string {
	out := ""
	for i, line := range splitLines(s) {
		if i == n {
			break
		}
		out += line + "\n"
	}
	return out
}
