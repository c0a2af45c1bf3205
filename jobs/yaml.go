package jobs

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// FileVersion is the version of the jobs file this vc writes and reads.
const FileVersion = 1

// fileHeader opens an exported file: what it is and how it comes back.
const fileHeader = `vc jobs. "vc job import FILE" reads this file back: all of it or, when
a job has a fault, none of it ("--dry-run" says what would change).
Durations are Go's (30s, 5m); select is what "select" takes; enabled
is true unless it says false.`

// Export writes jobs as a YAML file for people and git: one mapping per
// job, its fields in a fixed order, values left out when they are the
// default.
func Export(w io.Writer, jobs []*Job) error {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, j := range jobs {
		seq.Content = append(seq.Content, jobNode(j))
	}
	root := &yaml.Node{Kind: yaml.MappingNode, HeadComment: fileHeader}
	root.Content = append(root.Content, str("version"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(FileVersion)},
		str("jobs"), seq)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return fmt.Errorf("jobs: export: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("jobs: export: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func jobNode(j *Job) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) { m.Content = append(m.Content, str(k), v) }
	text := func(k, v string) {
		if v != "" {
			add(k, str(v))
		}
	}
	// Tags and templates are short words, on one line; commands and
	// stages one a line, as a diff in git reads best.
	list := func(k string, vs []string) {
		if len(vs) == 0 {
			return
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		if k == FieldTags || k == FieldTemplates {
			seq.Style = yaml.FlowStyle
		}
		for _, v := range vs {
			seq.Content = append(seq.Content, str(v))
		}
		add(k, seq)
	}
	flag := func(k string, on bool) {
		if on {
			add(k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		}
	}
	dur := func(k string, d time.Duration) {
		if d > 0 {
			add(k, str(d.String()))
		}
	}
	text(FieldSlug, j.Slug)
	text(FieldName, j.Name)
	text(FieldDescription, j.Description)
	list(FieldTags, j.Tags)
	if j.Disabled {
		add(FieldEnabled, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"})
	}
	text(FieldSync, j.Sync)
	text(FieldView, j.View)
	text(FieldSelect, j.Select)
	list(FieldCommands, j.Commands)
	list(FieldStages, j.Stages)
	text(FieldCaptureType, j.CaptureType)
	dur(FieldTimeout, j.Timeout)
	dur(FieldConnectTimeout, j.ConnectTimeout)
	dur(FieldRunTimeout, j.RunTimeout)
	if j.Workers > 0 {
		add(FieldWorkers, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(j.Workers)})
	}
	text(FieldCred, j.Cred)
	list(FieldTemplates, j.Templates)
	if j.MinScore > 0 {
		add(FieldMinScore, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(j.MinScore, 'f', -1, 64)})
	}
	flag(FieldForceSave, j.ForceSave)
	flag(FieldScrub, j.Scrub)
	flag(FieldRaw, j.Raw)
	flag(FieldNoCapture, j.NoCapture)
	if j.MaxOutput > 0 {
		add(FieldMaxOutput, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(j.MaxOutput, 10)})
	}
	return m
}

// Parse reads a jobs file as Export writes it and checks every job with
// c. It returns the jobs, or a *FileError with every fault found, each a
// *FieldError with the job, the field and its line: a file is taken
// whole or not at all.
func Parse(name string, data []byte, c Checks) ([]*Job, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &FileError{File: name, Errors: []error{err}}
	}
	var errs []error
	fail := func(line int, job, field string, err error) {
		errs = append(errs, &FieldError{Job: job, Field: field, Line: line, Err: err})
	}
	if len(doc.Content) == 0 {
		return nil, &FileError{File: name, Errors: []error{fmt.Errorf("empty: no jobs")}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &FileError{File: name, Errors: []error{&FieldError{Line: root.Line,
			Err: fmt.Errorf("not a jobs file: want version: %d and jobs: (a list), as job export writes", FileVersion)}}}
	}
	var items *yaml.Node
	version := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "version":
			version = true
			if v.Value != strconv.Itoa(FileVersion) {
				fail(v.Line, "", "version", fmt.Errorf("%s is not a version this vc reads (%d)", quote(v.Value), FileVersion))
			}
		case "jobs":
			if v.Kind != yaml.SequenceNode {
				fail(v.Line, "", "jobs", fmt.Errorf("not a list of jobs"))
				continue
			}
			items = v
		default:
			fail(k.Line, "", k.Value, fmt.Errorf("unknown key; a jobs file has version and jobs"))
		}
	}
	if !version {
		fail(root.Line, "", "version", fmt.Errorf("missing (version: %d)", FileVersion))
	}
	if items == nil {
		fail(root.Line, "", "jobs", fmt.Errorf("missing: no jobs"))
	}
	var jobs []*Job
	seen := map[string]int{}
	if items != nil {
		for n, item := range items.Content {
			j, lines, jerrs := parseJob(n+1, item)
			errs = append(errs, jerrs...)
			if j == nil {
				continue
			}
			if first, dup := seen[j.Slug]; dup && j.Slug != "" {
				fail(lines[FieldSlug], j.Slug, FieldSlug, fmt.Errorf("the file has this job twice (first at line %d)", first))
				continue
			}
			seen[j.Slug] = lines[FieldSlug]
			// What the fields name is checked too, but a field that is
			// wrong already is not said twice.
			bad := map[string]bool{}
			for _, err := range jerrs {
				if fe, ok := err.(*FieldError); ok {
					bad[fe.Field] = true
				}
			}
			for _, err := range j.Check(c) {
				fe, ok := err.(*FieldError)
				if ok && bad[fe.Field] {
					continue
				}
				if ok {
					fe.Job = label(j, n+1)
					if fe.Line = lines[fe.Field]; fe.Line == 0 {
						fe.Line = item.Line
					}
				}
				errs = append(errs, err)
			}
			jobs = append(jobs, j)
		}
	}
	if len(errs) > 0 {
		return nil, &FileError{File: name, Errors: errs}
	}
	return jobs, nil
}

// label names the nth job of a file in errors: its slug, or its place.
func label(j *Job, n int) string {
	if j.Slug != "" {
		return j.Slug
	}
	return "#" + strconv.Itoa(n)
}

// parseJob reads one job's mapping: each field's value goes through Set,
// as job edit's do. lines says where each field is.
func parseJob(n int, item *yaml.Node) (*Job, map[string]int, []error) {
	j := &Job{}
	lines := map[string]int{}
	label := "#" + strconv.Itoa(n)
	if item.Kind != yaml.MappingNode {
		return nil, lines, []error{&FieldError{Job: label, Line: item.Line, Err: fmt.Errorf("not a job: want a mapping of fields (slug: ..., select: ..., commands: ...)")}}
	}
	// The slug first, so every error names the job.
	for i := 0; i+1 < len(item.Content); i += 2 {
		if k, v := item.Content[i], item.Content[i+1]; k.Value == FieldSlug && v.Kind == yaml.ScalarNode {
			label = quote(v.Value)
			if ValidSlug(v.Value) == nil {
				j.Slug, label = v.Value, v.Value
			}
		}
	}
	var errs []error
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		field := k.Value
		if _, dup := lines[field]; dup {
			errs = append(errs, &FieldError{Job: label, Field: field, Line: k.Line, Err: fmt.Errorf("given twice")})
			continue
		}
		lines[field] = v.Line
		if !slices.Contains(Fields, field) {
			errs = append(errs, &FieldError{Job: label, Field: field, Line: k.Line, Err: fmt.Errorf("unknown field; fields are %s", strings.Join(Fields, ", "))})
			continue
		}
		values, at, err := nodeValues(field, v)
		if err == nil {
			err = j.set(field, values)
		}
		if err != nil {
			errs = append(errs, &FieldError{Job: label, Field: field, Line: at, Err: err})
		}
	}
	if _, ok := lines[FieldSlug]; !ok {
		errs = append(errs, &FieldError{Job: label, Field: FieldSlug, Line: item.Line, Err: fmt.Errorf("missing: every job has a slug (arista-arp)")})
	}
	return j, lines, errs
}

// nodeValues are a field's values as text: a scalar is one, a list's
// items each one, nothing (field:) none; line is where a fault is (the
// item of a list at fault, else the value).
func nodeValues(field string, v *yaml.Node) (values []string, line int, err error) {
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		if IsList(field) {
			return nil, v.Line, nil
		}
		return []string{""}, v.Line, nil
	case v.Kind == yaml.ScalarNode:
		return []string{v.Value}, v.Line, nil
	case v.Kind == yaml.SequenceNode && IsList(field):
		out := make([]string, 0, len(v.Content))
		for _, it := range v.Content {
			if it.Kind != yaml.ScalarNode {
				return nil, it.Line, fmt.Errorf("a list of text, not nested lists or mappings")
			}
			out = append(out, it.Value)
		}
		return out, v.Line, nil
	case v.Kind == yaml.SequenceNode:
		return nil, v.Line, fmt.Errorf("takes one value, not a list")
	}
	return nil, v.Line, fmt.Errorf("want text or a list of text")
}
