package console

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"vc/jobs"
	"vc/records"
	"vc/store"
)

func jobMigrateCommands() []*Command {
	return []*Command{
		{
			Name: "job migrate", Group: groupJobs,
			Flags: []Flag{
				{Name: "dir", Value: "DIR", Help: "the folder of VelocityCollector job files (*.json)"},
				{Name: "ids", Value: "FILE", Help: "a CSV of kind,id,name: the predecessor's platform, site and role ids and their names"},
				{Name: "dry-run", Help: "say what each file becomes and what is not carried over, change nothing"},
				{Name: "replace", Help: "replace jobs that exist already (default: refuse them)"},
			},
			Summary: "import VelocityCollector's JSON job files (format 2.0) as jobs, all or nothing",
			Help: "Each file becomes a job: job_id its slug (a number: the file's name), commands.command its command,\n" +
				"capture_type its capture type, validation.min_score its min-score (0 to 100 is read as a percentage),\n" +
				"a tfsm_filter naming a template exactly that template, execution.max_workers its workers and\n" +
				"execution.timeout (seconds) its command timeout. device_filter becomes a select expression:\n" +
				"  vendor, status     vendor == \"arista\", status == \"active\" (names as vc's inventory spells them)\n" +
				"  name_pattern       name matches, ignoring case as SQLite's LIKE did: % and _ (or * and ?) as wildcards\n" +
				"                     over the whole name, else any part of it\n" +
				"  platform_id, site_id, role_id\n" +
				"                     the predecessor's database ids. vc's records have names: --ids FILE gives them\n" +
				"                     (kind,id,name rows, e.g. from sqlite3 -csv: select 'site',id,name from sites), and\n" +
				"                     the name must be in the inventory. An id without a name becomes a test of a custom\n" +
				"                     field (fields.legacy_site_id == \"3\"), which devices imported with that column\n" +
				"                     match; when no device has the field the job is imported disabled.\n" +
				"What cannot be carried over (paging_disable: vc pages by platform; output_directory: vc keeps\n" +
				"captures; fields it has no setting for) is listed for each file. A file that cannot be read is\n" +
				"reported, and then nothing of the folder is imported.",
			Examples: []string{"job migrate --dir ~/.vcollector/jobs --dry-run", "job migrate --dir ~/.vcollector/jobs --ids ids.csv"},
			Run:      runJobMigrate,
		},
	}
}

func runJobMigrate(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	dir := c.String("dir", "")
	if dir == "" {
		return nil, usagef("job migrate: give the folder of job files with --dir DIR")
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("job migrate: no *.json job files in %s", dir)
	}
	slices.Sort(names)
	var files []jobs.LegacyFile
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		files = append(files, jobs.LegacyFile{Name: filepath.Base(n), Data: data})
	}
	look, err := e.legacyLookup(ctx, c.String("ids", ""))
	if err != nil {
		return nil, err
	}
	migrated := jobs.Migrate(files, look, e.jobChecks(ctx))
	set := &records.Set{Columns: []string{"file", "job", "status", "select", "commands", "notes"}}
	var bad []error
	var js []*jobs.Job
	for _, m := range migrated {
		if m.Err != nil {
			bad = append(bad, fmt.Errorf("%s: %w", m.File, m.Err))
			set.Rows = append(set.Rows, []any{m.File, nil, "bad", nil, nil, m.Err.Error()})
			continue
		}
		status := "ok"
		if m.Job.Disabled {
			status = "disabled"
		}
		set.Rows = append(set.Rows, []any{m.File, m.Job.Slug, status, m.Job.Select, strings.Join(m.Job.Commands, "; "), len(m.Notes)})
		js = append(js, m.Job)
	}
	// What was not carried over, file by file, on stderr with the
	// verdict; the table is the data.
	for _, m := range migrated {
		for _, n := range m.Notes {
			e.saidf("%s: %s", m.File, n)
		}
	}
	if len(bad) > 0 {
		if err := e.print(set); err != nil {
			return nil, err
		}
		return nil, &inputError{fmt.Errorf("%d of %d files cannot be migrated; nothing was imported:\n  %w",
			len(bad), len(files), errors.Join(bad...))}
	}
	dry := c.Bool("dry-run")
	changes, err := jobs.Save(ctx, e.Store, js, jobs.SaveOptions{Replace: c.Bool("replace"), DryRun: dry})
	if err != nil {
		return nil, jobError(err)
	}
	e.sayChanges(changes, dir, dry)
	return set, nil
}

// legacyLookup gathers what migration maps the predecessor's values to:
// the --ids file, the inventory's names and custom fields, the templates.
func (e *Env) legacyLookup(ctx context.Context, idsFile string) (jobs.LegacyLookup, error) {
	look := jobs.LegacyLookup{Names: map[string][]string{}, Fields: map[string]bool{}}
	if idsFile != "" {
		f, err := os.Open(idsFile)
		if err != nil {
			return look, err
		}
		defer f.Close()
		if look.IDs, err = jobs.ReadLegacyIDs(f); err != nil {
			return look, usagef("job migrate --ids %s: %v", idsFile, err)
		}
	}
	err := e.Store.View(ctx, func(t *store.Tx) error {
		for kind, k := range map[string]store.Kind{"vendor": store.KindVendor, "platform": store.KindPlatform, "site": store.KindSite, "role": store.KindRole} {
			recs, err := t.ListKind(k)
			if err != nil {
				return err
			}
			for _, r := range recs {
				look.Names[kind] = append(look.Names[kind], r.Key())
			}
		}
		return nil
	})
	if err != nil {
		return look, err
	}
	devs, err := e.Devices(ctx)
	if err != nil {
		return look, err
	}
	for _, d := range devs {
		for f := range d.Fields {
			look.Fields[f] = true
		}
	}
	lib, err := e.library()
	if err != nil {
		return look, err
	}
	entries, err := lib.List("")
	if err != nil {
		return look, err
	}
	for _, en := range entries {
		look.Templates = append(look.Templates, strings.TrimSuffix(en.Name, ".textfsm"))
	}
	return look, nil
}
