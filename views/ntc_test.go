package views_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vc/records"
	"vc/templates"
	"vc/views"
)

// ntcDir is the ntc-templates checkout: $NTC_TEMPLATES_DIR, else
// shared/ntc-templates beside the repository (or its worktree's folder).
func ntcDir(t *testing.T) string {
	t.Helper()
	for _, d := range []string{os.Getenv("NTC_TEMPLATES_DIR"), "../../shared/ntc-templates", "../../../shared/ntc-templates"} {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "tests")); err == nil {
			return d
		}
	}
	t.Skip("no ntc-templates checkout with its tests (set NTC_TEMPLATES_DIR)")
	return ""
}

// TestViewsOnNTCCases reads ntc-templates' own sample outputs of every
// command a built-in view sends, on every platform it has one for
// (cisco_xe's through the IOS samples, cisco_asa's too), with
// ntc-templates' templates: each view gives rows, and fills its fields
// somewhere on each platform.
func TestViewsOnNTCCases(t *testing.T) {
	dir := ntcDir(t)
	lib, err := templates.NewLibrary(templates.Options{NTCDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := views.Load("")
	if err != nil {
		t.Fatal(err)
	}
	tried := 0
	for _, v := range cat.List() {
		for _, pn := range v.PlatformNames() {
			samplePlat := pn
			if pn == "cisco_xe" {
				samplePlat = "cisco_ios"
			}
			for _, cmd := range v.Commands(pn) {
				folder := filepath.Join(dir, "tests", samplePlat, strings.ReplaceAll(cmd, " ", "_"))
				raws, _ := filepath.Glob(filepath.Join(folder, "*.raw"))
				for _, raw := range raws {
					b, err := os.ReadFile(raw)
					if err != nil {
						t.Fatal(err)
					}
					p, err := lib.ParseOutput(context.Background(), templates.Request{Platform: pn, Command: cmd}, string(b))
					if err != nil || len(p.Result.Records) == 0 {
						continue // a sample of another layout of the command (or none to read)
					}
					tried++
					set := &records.Set{Columns: append([]string{"device"}, p.Result.Fields()...), Title: cmd}
					for _, rec := range p.Result.Records {
						set.Rows = append(set.Rows, append([]any{"dev"}, rec...))
					}
					out, _ := v.Apply(views.Input{Records: set, Devices: []views.Device{{Name: "dev", Platform: pn, Vendor: "x"}}})
					rel, _ := filepath.Rel(dir, raw)
					if len(out.Rows) == 0 {
						// A view that requires a field drops records
						// without it (interfaces with no address in ip):
						// a sample may have none.
						report := t.Errorf
						if len(v.Require) > 0 {
							report = t.Logf
						}
						report("%s %s on %s (%s): no rows from %d records", v.Name, cmd, pn, rel, len(p.Result.Records))
						continue
					}
					// Fields of this command, filled in some row.
					src := v.Platforms[pn]
					for fi, f := range v.Fields {
						mapped := false
						for _, s := range src.Commands {
							if s.Command == cmd && s.Fields[f.Name] != nil {
								mapped = true
							}
						}
						if !mapped || (v.PerDevice && len(src.Commands) > 1) {
							continue
						}
						filled := false
						for _, r := range out.Rows {
							filled = filled || (r[fi+1] != nil && r[fi+1] != "")
						}
						if !filled {
							t.Logf("%s %s on %s (%s): %s empty in every row", v.Name, cmd, pn, rel, f.Name)
						}
					}
				}
			}
		}
	}
	if tried == 0 {
		t.Fatal("no ntc-templates sample of any view's command")
	}
	t.Logf("%d ntc-templates samples read through the views", tried)
}
