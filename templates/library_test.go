package templates

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestMatchAbbreviations(t *testing.T) {
	lib, err := NewLibrary(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ platform, command, want string }{
		{"cisco_ios", "show ip interface brief", "cisco_ios_show_ip_interface_brief.textfsm"},
		{"cisco_ios", "sh ip int br", "cisco_ios_show_ip_interface_brief.textfsm"},
		{"cisco_ios", "  sh   ip  int br ", "cisco_ios_show_ip_interface_brief.textfsm"},
		{"cisco_ios", "sh ip arp", "cisco_ios_show_ip_arp.textfsm"},
		{"cisco_ios", "show arp", "cisco_ios_show_ip_arp.textfsm"},
		{"cisco_ios", "show ip arp vrf red", "cisco_ios_show_ip_arp.textfsm"},
		{"cisco_ios", "sh mac address-table", "cisco_ios_show_mac_address-table.textfsm"},
		{"arista_eos", "sh int status", "arista_eos_show_interfaces_status.textfsm"},
		{"juniper_junos", "show ethernet-switching table", "juniper_junos_show_ethernet-switching_table.textfsm"},
		{"juniper_junos", "show arp no-resolve", "juniper_junos_show_arp.textfsm"},
		{"cisco_xr", "show ipv4 interface brief", "cisco_xr_show_ip_interface_brief.textfsm"},
		{"linux", "uname -a", "linux_uname_-a.textfsm"},
	}
	for _, tt := range tests {
		sel, err := lib.Match(tt.platform, tt.command)
		if err != nil {
			t.Errorf("%s %q: %v", tt.platform, tt.command, err)
			continue
		}
		if sel.Templates[0] != tt.want || sel.Layer != LayerBuiltin || sel.Line == 0 {
			t.Errorf("%s %q: got %+v, want %s", tt.platform, tt.command, sel, tt.want)
		}
		if !strings.Contains(sel.Why, "line") || !strings.Contains(sel.Why, tt.platform) {
			t.Errorf("explanation %q names neither line nor platform", sel.Why)
		}
	}
	for _, miss := range [][2]string{{"cisco_ios", "show archive"}, {"cisco_ios", "show running-config"}, {"nokia_sros", "show version"}} {
		if sel, err := lib.Match(miss[0], miss[1]); !errors.Is(err, ErrNoTemplate) {
			t.Errorf("%s %q: got %+v, %v; want ErrNoTemplate", miss[0], miss[1], sel, err)
		}
	}
}

func TestExpandCompletion(t *testing.T) {
	for in, want := range map[string]string{
		"sh[[ow]] ip int[[erface]] br[[ief]]": "sh(o(w)?)? ip int(e(r(f(a(c(e)?)?)?)?)?)? br(i(e(f)?)?)?",
		"show version":                        "show version",
		"di[[splay]] (\\S+) [[x]]":            "di(s(p(l(a(y)?)?)?)?)? (\\S+) (x)?",
	} {
		if got := expandCompletion(in); got != want {
			t.Errorf("expandCompletion(%q) = %q, want %q", in, got, want)
		}
	}
}

// writeTemplates lays out a templates folder for a test.
func writeTemplates(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLayersOverrideAndMerge(t *testing.T) {
	ntc := writeTemplates(t, map[string]string{
		"index": "Template, Hostname, Platform, Command\n\n" +
			"acme_show_ports.textfsm:acme_show_ports_extra.textfsm, .*, acme, sh[[ow]] po[[rts]]\n" +
			"cisco_ios_show_clock.textfsm, .*, cisco_ios, sh[[ow]] clo[[ck]]\n",
		"acme_show_ports.textfsm":       "Value Key PORT (\\S+)\nValue STATE (up|down)\n\nStart\n  ^${PORT} is ${STATE} -> Record\n",
		"acme_show_ports_extra.textfsm": "Value Key PORT (\\S+)\nValue SPEED (\\d+)\n\nStart\n  ^${PORT} speed ${SPEED} -> Record\n",
		"cisco_ios_show_clock.textfsm":  "Value ALL (.*)\n\nStart\n  ^${ALL} -> Record\n",
	})
	user := writeTemplates(t, map[string]string{
		"cisco_ios_show_clock.textfsm": "Value TIME (\\S+)\n\nStart\n  ^\\*?${TIME} -> Record\n",
	})
	lib, err := NewLibrary(Options{NTCDir: ntc, UserDir: user})
	if err != nil {
		t.Fatal(err)
	}

	// ntc's index wins over the built-in one; the user's file of the same
	// name wins over ntc's.
	res, sel, err := lib.Parse("cisco_ios", "sh clock", "*10:00:00.000 UTC Mon Mar 3 2025\n")
	if err != nil {
		t.Fatal(err)
	}
	if sel.Layer != LayerNTC || !strings.Contains(sel.Why, "user") {
		t.Errorf("selection %+v", sel)
	}
	if got := res.Records[0][0]; got != "10:00:00.000" || res.Header[0] != "TIME" {
		t.Errorf("user template not used: %v %v", res.Header, res.Records)
	}
	if src, layer, err := lib.Source("cisco_ios_show_clock.textfsm"); err != nil || layer != LayerUser || !strings.Contains(src, "TIME") {
		t.Errorf("Source: %q %s %v", src, layer, err)
	}

	// Two templates on one index line merge on their Key, as clitable does.
	res, _, err = lib.Parse("acme", "sh po", "e1 is up\ne2 is down\ne2 speed 10\ne1 speed 100\ne3 speed 1\n")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"e1", "up", "100"}, {"e2", "down", "10"}}
	if strings.Join(res.Header, ",") != "PORT,STATE,SPEED" || len(res.Records) != 2 ||
		res.Records[0][2] != want[0][2] || res.Records[1][2] != want[1][2] {
		t.Errorf("merged %v %v, want %v", res.Header, res.Records, want)
	}
	if res.Template != "acme_show_ports.textfsm:acme_show_ports_extra.textfsm" {
		t.Errorf("Template %q", res.Template)
	}

	entries, err := lib.List("clock")
	if err != nil {
		t.Fatal(err)
	}
	var clock *Entry
	for i := range entries {
		if entries[i].Name == "cisco_ios_show_clock.textfsm" {
			clock = &entries[i]
		}
	}
	if clock == nil || clock.Layer != LayerUser || len(clock.Overrides) != 2 || clock.Command == "" {
		t.Errorf("List entry %+v", clock)
	}
	if _, err := lib.Template("../etc/passwd"); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("path outside the folders: %v", err)
	}
}

func TestTemplateErrorsAreCachedAndNamed(t *testing.T) {
	user := writeTemplates(t, map[string]string{"broken.textfsm": "Value A (\\S+)\n\nStart\n  ^${B}\n"})
	lib, err := NewLibrary(Options{UserDir: user, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, err := lib.Template("broken.textfsm")
		var te *TemplateError
		if !errors.As(err, &te) || te.Line != 4 || te.Hint == "" || !strings.Contains(err.Error(), "broken.textfsm line 4") {
			t.Fatalf("got %v", err)
		}
	}
}

// TestConcurrentParse shares one Template across goroutines (run with
// -race): a parse keeps its state to itself.
func TestConcurrentParse(t *testing.T) {
	tpl := builtinTemplate(t, "cisco_ios_show_ip_arp.textfsm")
	lib, err := NewLibrary(Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n" +
		"Internet  10.0.0.1                 5   0050.56a1.0001  ARPA   Vlan10\n" +
		"Internet  10.0.0.2                 -   0050.56a1.0002  ARPA   Vlan20\n"
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for range 200 {
				var res *Result
				var err error
				if g%2 == 0 {
					res, err = tpl.Parse(text)
				} else {
					res, _, err = lib.Parse("cisco_ios", "sh ip arp", text)
				}
				if err != nil {
					errs <- err
					return
				}
				if len(res.Records) != 2 || res.Records[1][2] != "-" {
					errs <- errors.New("wrong records in goroutine")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestScore(t *testing.T) {
	tpl := builtinTemplate(t, "cisco_ios_show_ip_interface_brief.textfsm")
	full := "Interface  IP-Address  OK? Method Status  Protocol\nGi0/0  10.0.0.1  YES NVRAM  up  up\n\n"
	res, err := tpl.Parse(full)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Score; s.Records != 1 || s.Lines != 2 || s.Unmatched != 0 || s.Value != 1 || s.Filled != 1 {
		t.Errorf("full score %+v", s)
	}
	// A template whose rules skip lines it does not know scores lower.
	tpl2, err := CompileString("partial", "Value A (\\d+)\n\nStart\n  ^n ${A} -> Record\n")
	if err != nil {
		t.Fatal(err)
	}
	res, err = tpl2.Parse("n 1\nnoise\nn 2\nnoise\n")
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Score; s.Records != 2 || s.Unmatched != 2 || len(s.UnmatchedLines) != 2 || s.UnmatchedLines[0] != 2 || math.Abs(s.Value-0.65) > 1e-9 {
		t.Errorf("partial score %+v", s)
	}
	res, err = tpl2.Parse("nothing here\n")
	if err != nil || res.Score.Value != 0 || len(res.Records) != 0 {
		t.Errorf("no records: %+v %v", res.Score, err)
	}
}

func TestImport(t *testing.T) {
	src := writeTemplates(t, map[string]string{
		"index":          "Template, Hostname, Platform, Command\n\nacme_x.textfsm, .*, acme, sh[[ow]] x\n",
		"acme_x.textfsm": "Value A (\\S+)\n\nStart\n  ^${A} -> Record\n",
		"not_a_template": "ignored",
	})
	dest := filepath.Join(t.TempDir(), "ntc")
	n, err := Import(src, dest)
	if err != nil || n != 1 {
		t.Fatalf("Import: %d, %v", n, err)
	}
	lib, err := NewLibrary(Options{NTCDir: NTCDir("", dest)})
	if err != nil {
		t.Fatal(err)
	}
	if _, sel, err := lib.Parse("acme", "sh x", "a\n"); err != nil || sel.Layer != LayerNTC {
		t.Fatalf("after import: %+v %v", sel, err)
	}
	// A collection with a broken template is refused, and the old one kept.
	bad := writeTemplates(t, map[string]string{
		"index":          "Template, Hostname, Platform, Command\n",
		"broken.textfsm": "Value A (\\S+)\n\nStart\n  ^${B}\n",
	})
	if _, err := Import(bad, dest); !errors.Is(err, ErrTemplate) {
		t.Fatalf("broken import: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dest, "acme_x.textfsm")); err != nil {
		t.Fatalf("previous collection lost: %v", err)
	}
	if NTCDir("/from/env", dest) != "/from/env" || NTCDir("", t.TempDir()) != "" {
		t.Error("NTCDir precedence")
	}
}

func TestResultJSON(t *testing.T) {
	tpl, err := CompileString("j", "Value Z (\\S+)\nValue List A (\\S+)\nValue List B (x)\n\nStart\n  ^${Z} ${A}( ${B})?\n")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tpl.Parse("z1 a1\nz2 a2 x\n")
	if err != nil {
		t.Fatal(err)
	}
	b, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"z":"z2","a":["a1","a2"],"b":[null,"x"]}]`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
}
