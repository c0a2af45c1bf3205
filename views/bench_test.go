package views_test

import (
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
