package inventory

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"vc/records"
	"vc/store"
)

func fleet() []*store.Device {
	var ds []*store.Device
	for i := 1; i <= 4; i++ {
		ds = append(ds, &store.Device{Name: fmt.Sprintf("usa-leaf-%03d", i), Site: "usa", Role: "leaf", Vendor: "arista", Platform: "arista_eos", Status: "active", Tags: []string{"pci"}})
	}
	ds = append(ds,
		&store.Device{Name: "usa-spine-001", Site: "usa", Role: "spine", Vendor: "arista", Platform: "arista_eos", Status: "active"},
		&store.Device{Name: "usa-spine-002", Site: "usa", Role: "spine", Vendor: "arista", Platform: "arista_eos", Status: "active"},
		&store.Device{Name: "emea-leaf-001", Site: "emea", Role: "leaf", Vendor: "cisco", Platform: "cisco_ios", Status: "active", Tags: []string{"lab"}},
		&store.Device{Name: "apac-core-01", Site: "apac", Role: "core", Vendor: "juniper", Platform: "juniper_junos", Status: "offline"},
	)
	return ds
}

// TestExplain: a value no device has is named, with the values there are
// and the likeliest first.
func TestExplain(t *testing.T) {
	for src, want := range map[string]string{
		`site == "USA"`:                          `no site "USA" (did you mean usa?); sites: apac, emea, usa`,
		`"apec" == site`:                         `no site "apec" (did you mean apac?); sites: apac, emea, usa`,
		`role in ["leaf", "spin"]`:               `no role "spin" (did you mean spine?); roles: core, leaf, spine`,
		`"PCI" in tags && status == "actve"`:     "no tag \"PCI\" (did you mean pci?); tags: lab, pci\nno status \"actve\" (did you mean active?); statuses: active, offline",
		`vendor == "nokia" || vendor == "nokia"`: `no vendor "nokia"; vendors: arista, cisco, juniper`,
		`platform == "eos"`:                      `no platform "eos" (did you mean arista_eos?); platforms: arista_eos, cisco_ios, juniper_junos`,
		`name == "usa-leaf-009"`:                 `no name "usa-leaf-009" (did you mean usa-leaf-001, usa-leaf-002 or usa-leaf-003?); names: apac-core-01, emea-leaf-001, usa-leaf-001, usa-leaf-002, usa-leaf-003, usa-leaf-004, usa-spine-001, usa-spine-002`,
		`site == "usa" && role == "core"`:        "",
		`site == `:                               "",
		`port == 22`:                             "",
	} {
		if got := Explain(src, fleet()); got != want {
			t.Errorf("%s:\n got %s\nwant %s", src, got, want)
		}
	}
	if got := Explain(`role == "x"`, []*store.Device{{Name: "a"}}); got != `no role "x"; no device has a role` {
		t.Errorf("no roles: %s", got)
	}
	var many []*store.Device
	for i := range 25 {
		many = append(many, &store.Device{Name: fmt.Sprintf("d%02d", i), Site: fmt.Sprintf("s%02d", i)})
	}
	if got := Explain(`site == "x"`, many); !strings.HasSuffix(got, "s18, s19, … (5 more)") {
		t.Errorf("a long list is cut: %s", got)
	}
}

// TestCompileUnknownField: Compile knows no devices, and still says
// which field was likely meant, or to quote text.
func TestCompileUnknownField(t *testing.T) {
	for src, want := range map[string]string{
		"usa":               `unknown name usa (not a field; text to compare with is quoted: name == "usa")`,
		`vendr == "arista"`: `unknown name vendr (did you mean vendor?)`,
		`Site == "usa"`:     `unknown name Site (did you mean site?)`,
	} {
		_, err := Compile(src)
		var fe *UnknownFieldError
		var ee *records.ExprError
		if !errors.As(err, &fe) || !errors.As(err, &ee) || ee.Message != want {
			t.Errorf("%s: %v", src, err)
		}
	}
}
