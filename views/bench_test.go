package views_test

import (
	"context"
	"fmt"
	"testing"

	"vc/records"
	"vc/templates"
	"vc/views"
)

// BenchmarkApplyARP reads a thousand devices' ARP tables (the lab's, the
// same 10 devices' tables under a hundred names each) through the arp
// view, as get arp does after its run.
func BenchmarkApplyARP(b *testing.B) {
	l := startLab(b, 10)
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		b.Fatal(err)
	}
	cat, _ := views.Load("")
	v, _ := cat.Get("arp")
	in := labRun(b, l, lib, v.ByPlatform())
	var big views.Input
	var secs []*records.Set
	for _, sec := range in.Records.Sections() {
		s := &records.Set{Columns: sec.Columns, Title: sec.Title, Raw: sec.Raw}
		for k := range 100 {
			for _, r := range sec.Rows {
				c := append([]any(nil), r...)
				c[0] = fmt.Sprintf("%s-%d", r[0], k)
				s.Rows = append(s.Rows, c)
			}
		}
		secs = append(secs, s)
	}
	for k := range 100 {
		for _, d := range in.Devices {
			d.Name = fmt.Sprintf("%s-%d", d.Name, k)
			big.Devices = append(big.Devices, d)
		}
	}
	big.Records = records.Chain(secs...)
	b.ResetTimer()
	for range b.N {
		set, _ := v.Apply(big)
		b.ReportMetric(float64(len(set.Rows)), "rows")
	}
}

// BenchmarkShapeARP lays out the lab's ARP tables through the arp view's
// shaper, as a run's parse workers do for get arp: the rows a second,
// with the parsing left out.
func BenchmarkShapeARP(b *testing.B) {
	l := startLab(b, 30)
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		b.Fatal(err)
	}
	cat, _ := views.Load("")
	v, _ := cat.Get("arp")
	type output struct {
		device, platform, command string
		fields                    []string
		records                   [][]any
	}
	var outs []output
	var devs []views.Device
	for _, d := range l.Devices() {
		devs = append(devs, views.Device{Name: d.Name, Platform: d.Platform, Vendor: d.Vendor, Site: d.Site, Role: d.Role})
		for _, cmd := range v.ByPlatform()[d.Platform] {
			p, err := lib.ParseOutput(context.Background(), templates.Request{Platform: d.Platform, Command: cmd}, labExec(b, d, cmd))
			if err != nil {
				continue
			}
			outs = append(outs, output{d.Name, d.Platform, cmd, p.Result.Fields(), p.Result.Records})
		}
	}
	shape := v.Shaper(devs).Worker()
	rows := 0
	b.ResetTimer()
	for range b.N {
		for _, o := range outs {
			rows += len(shape(o.device, o.platform, o.command, o.fields, o.records))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
}
