package lab

import (
	"regexp"
	"testing"
)

// TestPeaks: a session is at work from its command line to the prompt
// after the output, a device waiting at its pager included; the peaks
// count such sessions per site and in all, and ResetPeaks starts over.
func TestPeaks(t *testing.T) {
	l := startLab(t, testOptions(6, "arista_eos"))
	if p := l.Peaks(); p.All != 0 || len(p.Sites) != 0 {
		t.Fatalf("peaks before any session: %+v", p)
	}
	var usa []Device
	for _, d := range l.Devices() {
		if d.Site == "usa" {
			usa = append(usa, d)
		}
	}
	if len(usa) != 2 {
		t.Fatalf("want 2 usa devices, got %v", usa)
	}
	prompt := func(d Device) string { return regexp.QuoteMeta(d.Name+"#") + "$" }

	// One after the other: one at work at a time.
	a, b := openTerm(t, usa[0], 5), openTerm(t, usa[1], 5)
	a.expect(prompt(usa[0]), wait)
	b.expect(prompt(usa[1]), wait)
	for _, x := range []struct {
		tm *term
		d  Device
	}{{a, usa[0]}, {b, usa[1]}} {
		x.tm.send("show clock\r")
		x.tm.expect(prompt(x.d), wait)
	}
	if p := l.Peaks(); p.Sites["usa"] != 1 || p.All != 1 {
		t.Errorf("sessions one after the other: %v", p)
	}

	// Both held at their pagers: two at work at once.
	a.send("show running-config\r")
	a.expect("--More--", wait)
	b.send("show running-config\r")
	b.expect("--More--", wait)
	if p := l.Peaks(); p.Sites["usa"] != 2 || p.All != 2 {
		t.Errorf("two sessions at their pagers: %v", p)
	}
	a.send("q")
	a.expect(prompt(usa[0]), wait)
	b.send("q")
	b.expect(prompt(usa[1]), wait)

	l.ResetPeaks()
	if p := l.Peaks(); p.All != 0 || len(p.Sites) != 0 {
		t.Errorf("peaks after a reset with nothing at work: %v", p)
	}
	// An exec request is at work too, at its device's site.
	var emea Device
	for _, d := range l.Devices() {
		if d.Site == "emea" {
			emea = d
			break
		}
	}
	execOut(t, emea, "show version")
	if p := l.Peaks(); p.Sites["emea"] != 1 || p.Sites["usa"] != 0 || p.All != 1 {
		t.Errorf("after one exec request at emea: %v", p)
	}
	if got := l.Peaks().String(); got != "peak sessions at work: emea 1 (1 in all)" {
		t.Errorf("String: %q", got)
	}
}
