package run

import (
	"context"
	"strings"

	"vc/engine"
	"vc/records"
)

// DryRun is what a run would do, connecting to nothing: per device its
// address, platform, driver, credentials in the order tried, the jump
// host, whether its host key is checked and the templates that would
// parse each command.
type DryRun struct {
	Records   *records.Set
	Warnings  []string
	Unchecked int
	Targets   int
}

// Plan resolves spec as Execute would and describes it.
func Plan(ctx context.Context, d Deps, spec Spec) (*DryRun, error) {
	if len(spec.Devices) == 0 {
		return nil, ErrNoDevices
	}
	p, err := resolve(ctx, d, spec)
	if err != nil {
		return nil, err
	}
	p.logins.Close()
	var pr *parser
	if !spec.Raw && d.Library != nil {
		// One parser for all targets: it chooses each platform's templates once.
		pr = newParser(d.Library, spec.Templates, spec.MinScore)
	}
	set := &records.Set{Columns: []string{"device", "address", "platform", "driver", "cred", "via", "hostkey", "template"}}
	for _, t := range p.engine.Targets {
		cred := "(none: add one with cred add)"
		if len(t.Creds) > 0 {
			names := make([]string, len(t.Creds))
			for i, c := range t.Creds {
				names[i] = c.Name
			}
			cred = strings.Join(names, " > ")
		}
		via := "direct"
		if t.Jump != nil {
			via = "jump " + t.Jump.Name
		}
		hostkey := "check"
		if t.IgnoreHostKey {
			hostkey = "ignore (not checked)"
		}
		tmpl := "(raw)"
		if pr != nil {
			tmpl = pr.templateNames(t.Platform, spec.Commands)
		}
		set.Rows = append(set.Rows, []any{t.Name, t.Addr(), t.Platform, engine.PlatformFor(t.Platform).Name, cred, via, hostkey, tmpl})
	}
	return &DryRun{Records: set, Warnings: p.warnings, Unchecked: p.unchecked, Targets: len(p.engine.Targets)}, nil
}
