package templates

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestBuiltinAgainstNTC parses every ntc-templates test case of the lab
// platforms that the built-in index selects a template for, and compares
// the fields both define with ntc's expected records: the built-ins use
// ntc's field names, so a user switching collections sees the same columns
// holding the same values.
func TestBuiltinAgainstNTC(t *testing.T) {
	_, testsDir := ntcDir(t)
	lib, err := NewLibrary(Options{})
	if err != nil {
		t.Fatal(err)
	}
	platforms := map[string]bool{"arista_eos": true, "cisco_ios": true, "cisco_nxos": true, "cisco_xr": true, "juniper_junos": true, "linux": true}
	used := map[string]int{}
	known := builtinNTCDifferences()
	for _, c := range ntcCases(t, testsDir) {
		if !platforms[c.platform] {
			continue
		}
		sel, err := lib.Match(c.platform, c.command)
		if err != nil {
			continue
		}
		rel, _ := filepath.Rel(testsDir, c.name())
		diff := compareShared(lib, sel, c)
		used[sel.Templates[0]]++
		if why, ok := known[rel]; ok {
			if diff == "" {
				t.Errorf("%s: now matches; drop it from builtinNTCDifferences (%s)", rel, why)
			}
			continue
		}
		if diff != "" {
			t.Errorf("%s with %s: %s", rel, sel.Templates[0], diff)
		}
	}
	// Every built-in template is held to something: ntc's cases above or
	// a lab-format sample in testdata/builtin.
	for _, c := range builtinCases(t) {
		if sel, err := lib.Match(c.platform, c.command); err == nil {
			used[sel.Templates[0]] += 0
		}
	}
	all, err := fs.Glob(builtinFS, "builtin/*.textfsm")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if _, ok := used[path.Base(p)]; !ok {
			t.Errorf("built-in template %s has no test case", path.Base(p))
		}
	}
	var names []string
	for n, k := range used {
		names = append(names, fmt.Sprintf("%s:%d", n, k))
	}
	sort.Strings(names)
	t.Logf("built-in templates checked against ntc cases: %s", strings.Join(names, " "))
}

func compareShared(lib *Library, sel Selection, c ntcCase) string {
	raw, err := os.ReadFile(c.raw)
	if err != nil {
		return err.Error()
	}
	want, err := loadExpected(c.yml)
	if err != nil {
		return err.Error()
	}
	res, err := clitableParseWith(lib, sel.Templates, string(raw))
	if err != nil {
		return "parse: " + err.Error()
	}
	got := normalize(res.Maps()).([]any)
	if len(got) != len(want) {
		return fmt.Sprintf("%d records, want %d", len(got), len(want))
	}
	shared := 0
	for i := range want {
		g, w := got[i].(map[string]any), want[i].(map[string]any)
		for k, gv := range g {
			wv, ok := w[k]
			if !ok {
				continue
			}
			shared++
			if !reflect.DeepEqual(gv, wv) {
				return fmt.Sprintf("record %d field %s: got %q, want %q", i, k, gv, wv)
			}
		}
	}
	if len(want) > 0 && shared == 0 {
		return "no field in common with ntc's template"
	}
	return ""
}

// builtinNTCDifferences lists ntc cases the built-in templates read
// differently on purpose, with the reason.
func builtinNTCDifferences() map[string]string {
	chassis := "ntc gives a record per part; the built-in one record, the chassis's serial number and description"
	stack := "a switch stack: ntc lists every member's model and serial from the per-switch section; the built-in reads the chassis lines"
	return map[string]string{
		"cisco_ios/show_interfaces_status/cisco_ios_show_interfaces_status":        "a hand-edited line ('notconnect: TD 1') that no IOS prints; the built-in rejects it with its Error rule",
		"cisco_ios/show_version/cisco_ios_show_version1":                           stack,
		"cisco_ios/show_version/cisco_ios_show_version4":                           stack,
		"cisco_ios/show_version/cisco_ios_show_version5":                           stack,
		"cisco_ios/show_version/cisco_ios_show_version_special_build":              stack,
		"cisco_ios/show_version/cisco_ios_show_version_01":                         "'ROM: System Bootstrap, Version 12.3(8r)YH6': ntc's rommon is the word 'System', the built-in's the version",
		"cisco_nxos/show_interface_status/cisco_nxos_show_interface_status_tunnel": "tunnel interfaces print Reason columns instead of Vlan/Duplex/Speed; the built-in reads the switch-port layout only",
		"cisco_nxos/show_lldp_neighbors/cisco_nxos_show_lldp_neighbors_multiline":  "a Device ID alone on its line with trailing spaces: ntc's template loses it, the built-in keeps it",
		// The templates added for the views read what the views need.
		"juniper_junos/show_chassis_hardware/juniper_junos_show_chassis_hardware":                 chassis,
		"juniper_junos/show_chassis_hardware/juniper_junos_show_chassis_hardware2":                chassis,
		"juniper_junos/show_chassis_hardware/juniper_junos_show_chassis_hardware4":                chassis,
		"juniper_junos/show_chassis_hardware/juniper_junos_show_chassis_hardware_add_fpc_info":    chassis,
		"juniper_junos/show_chassis_hardware/juniper_junos_show_chassis_hardware_dac_no_revision": chassis,
		"juniper_junos/show_interfaces/juniper_junos_show_interfaces":                             "ntc lists logical interfaces as records of their own; the built-in gives one record per physical interface",
		"juniper_junos/show_interfaces/juniper_junos_show_interfaces2":                            "an SRX 'Type: Ethernet, Link-level type' line where ntc takes the second type; the built-in the first",
		"arista_eos/show_lldp_neighbors_detail/arista_eos_show_lldp_neighbors_detail":             "ports with no neighbour: ntc keeps one record per port listed, the built-in one per neighbour",
		"cisco_ios/show_ip_interface/cisco_ios_show_ip_interface":                                 "a VRF line in a wording the built-in does not read ('VPN Routing/Forwarding' after other words)",
		"cisco_ios/show_lldp_neighbors_detail/cisco_ios_show_lldp_neighbors_detail5":              "a chassis id with spaces (a PLC) that the built-in, reading a single word, leaves empty",
		"cisco_xr/admin_show_inventory/cisco_xr_admin_show_inventory3":                            "an older 'Name: ... Descr: ...' layout without quotes that the built-in does not read",
	}
}
