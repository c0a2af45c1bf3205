package capture

import (
	"fmt"
	"time"

	"github.com/aymanbagabas/go-udiff"
)

// DefaultContext is how many unchanged lines a diff shows around each
// change when the caller does not say (diff -u's habit).
const DefaultContext = 3

// Side is one of the two outputs a diff compares; its device, type and
// time label the diff's ---/+++ lines.
type Side struct {
	Device, Type string
	Time         time.Time
	Text         string
}

// Label names a side as its plain file would be (TYPE/DEVICE.txt), then
// the time, tab-separated as diff -u dates its files.
func (s Side) Label() string {
	name := s.Device
	if s.Type != "" {
		name = s.Type + "/" + s.Device + ".txt"
	}
	if s.Time.IsZero() {
		return name
	}
	return name + "\t" + s.Time.UTC().Format("2006-01-02 15:04:05 MST")
}

// Diff is a unified diff and what it counts.
type Diff struct {
	// Text is the diff in unified format, plain (colour is render's);
	// empty when the sides are the same.
	Text string
	// Added and Removed count the lines that only the new side, or only
	// the old one, has.
	Added, Removed int
}

// Unified diffs old against new in unified format with context lines of
// context around each change (negative: DefaultContext). Two versions of
// one device and the outputs of two devices are diffed the same way.
func Unified(old, new Side, context int) (Diff, error) {
	if context < 0 {
		context = DefaultContext
	}
	edits := udiff.Lines(old.Text, new.Text)
	u, err := udiff.ToUnifiedDiff(old.Label(), new.Label(), old.Text, edits, context)
	if err != nil {
		// The edits come from the same texts; this would be the library's bug.
		return Diff{}, fmt.Errorf("capture diff: %w", err)
	}
	var d Diff
	for _, h := range u.Hunks {
		for _, l := range h.Lines {
			switch l.Kind {
			case udiff.Insert:
				d.Added++
			case udiff.Delete:
				d.Removed++
			}
		}
	}
	if len(u.Hunks) > 0 {
		d.Text = u.String()
	}
	return d, nil
}

// lineCounts is how many lines new adds to old and removes from it,
// without making the diff's text.
func lineCounts(old, new string) (added, removed int) {
	for _, e := range udiff.Lines(old, new) {
		removed += countLines(old[e.Start:e.End])
		added += countLines(e.New)
	}
	return added, removed
}
