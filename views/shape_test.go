package views_test

import (
	"context"
	"reflect"
	"testing"

	"vc/records"
	"vc/templates"
	"vc/views"
)

// TestShaperAsApply: every built-in view that gives a row per record,
// laid out by its Shaper output by output as a run's parse workers do,
// reads on a lab of every platform as Apply reads the templates' tables:
// the same rows, raw outputs and report.
func TestShaperAsApply(t *testing.T) {
	l := startLab(t, 12)
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := views.Load("")
	if err != nil {
		t.Fatal(err)
	}
	shaped := 0
	for _, v := range cat.List() {
		in := labRun(t, l, lib, v.ByPlatform())
		sh := v.Shaper(in.Devices)
		if v.PerDevice {
			if sh != nil {
				t.Errorf("%s gives a row per device, and has a Shaper", v.Name)
			}
			continue
		}
		shaped++
		t.Run(v.Name, func(t *testing.T) {
			want, wantRep := v.Apply(in)
			got, gotRep := v.Apply(shapedRun(t, in, lib, v.ByPlatform(), sh))
			if !reflect.DeepEqual(got.Columns, want.Columns) {
				t.Fatalf("columns %v, Apply's %v", got.Columns, want.Columns)
			}
			if len(got.Rows) != len(want.Rows) {
				t.Fatalf("%d rows, Apply's %d", len(got.Rows), len(want.Rows))
			}
			for i := range want.Rows {
				if !reflect.DeepEqual(got.Rows[i], want.Rows[i]) {
					t.Fatalf("row %d: %v, Apply's %v", i, got.Rows[i], want.Rows[i])
				}
			}
			if len(got.Raw) != len(want.Raw) {
				t.Errorf("%d raw outputs, Apply's %d", len(got.Raw), len(want.Raw))
			}
			if !reflect.DeepEqual(gotRep, wantRep) {
				t.Errorf("report %+v, Apply's %+v", gotRep, wantRep)
			}
		})
	}
	if shaped == 0 {
		t.Fatal("no view has a Shaper")
	}
}

// shapedRun is what a run with the shaper leaves: the outputs of in's
// raw sections parsed again, each laid out by the shaper as it parses, in
// one section in the devices' and commands' order, then the outputs no
// template parsed.
func shapedRun(t *testing.T, in views.Input, lib *templates.Library, cmds map[string][]string, sh *views.Shaper) views.Input {
	t.Helper()
	texts := map[[2]string]string{}
	for _, sec := range in.Records.Sections() {
		outs, _ := sec.DeviceOutputs()
		for _, o := range outs {
			texts[[2]string{o.Device, o.Command}] = o.Text
		}
	}
	shape := sh.Worker()
	table := &records.Set{Columns: sh.Columns(), Title: sh.Shaped()}
	var unparsed []records.Output
	for _, d := range in.Devices {
		for _, cmd := range cmds[d.Platform] {
			text := texts[[2]string{d.Name, cmd}]
			p, err := lib.ParseOutput(context.Background(), templates.Request{Platform: d.Platform, Command: cmd}, text)
			if err != nil {
				unparsed = append(unparsed, records.Output{Device: d.Name, Command: cmd, Text: text})
				continue
			}
			table.Rows = append(table.Rows, shape(d.Name, d.Platform, cmd, p.Result.Fields(), p.Result.Records)...)
			table.Raw = append(table.Raw, records.Output{Device: d.Name, Command: cmd, Text: text})
		}
	}
	secs := []*records.Set{table}
	if len(unparsed) > 0 {
		secs = append(secs, records.Outputs(unparsed))
	}
	return views.Input{Records: records.Chain(secs...), Devices: in.Devices}
}
