package history

import (
	"context"
	"fmt"
	"runtime"

	"vc/capture"
	"vc/run"
	"vc/store"
)

// Captures keeps runs' outputs with the capture package: each device's
// output of each command, once per distinct content, and the latest as a
// plain file under home/collections.
type Captures struct {
	Home  string
	Store *store.Store
}

// captureBatch is one run's outputs, prepared.
type captureBatch struct {
	c        *Captures
	prepared []capture.Prepared
	// at says, for each prepared output, which device and output it is.
	at     [][2]int
	stored []capture.Stored
}

// TypeFor is the capture type of a command a device of a platform ran:
// the run's own type when it has one (a job's, a view's), else the
// command's name; a device that ran several commands under a type of the
// run's keeps each as TYPE.COMMAND (a view asks Junos three things for
// its facts, IOS one).
func TypeFor(spec run.Spec, platform, command string) string {
	cmds := spec.Commands
	if pc, ok := spec.ByPlatform[platform]; ok {
		cmds = pc
	}
	switch {
	case spec.CaptureType == "":
		return capture.TypeOf(command)
	case len(cmds) > 1:
		return spec.CaptureType + "." + capture.TypeOf(command)
	}
	return spec.CaptureType
}

// Prepare chooses the outputs to keep: those a device gave without
// complaint, and of those that failed validation only the ones
// --force-save asks for. The hashing and compressing runs on every core.
func (c *Captures) Prepare(r *run.Run) Batch {
	spec := r.Spec
	if spec.NoCapture {
		return nil
	}
	b := &captureBatch{c: c}
	var items []capture.Item
	for di, d := range r.Devices {
		for oi, o := range d.Outputs {
			if o.Failed != "" || (o.Invalid && !spec.ForceSave) {
				continue
			}
			items = append(items, capture.Item{Device: d.Name, Platform: d.Platform, Type: TypeFor(spec, d.Platform, o.Command),
				Command: o.Command, Text: o.Text, Run: r.ID, Time: r.End, Scrub: spec.Scrub, Forced: o.Invalid})
			b.at = append(b.at, [2]int{di, oi})
		}
	}
	if len(items) == 0 {
		return nil
	}
	b.prepared = capture.Prepare(items, runtime.GOMAXPROCS(0))
	return b
}

// Put stores the outputs and notes in each which version holds it.
func (b *captureBatch) Put(tx *store.Tx, r *run.Run) error {
	stored, err := capture.Put(tx, b.prepared)
	if err != nil {
		return err
	}
	for i, st := range stored {
		at := b.at[i]
		o := &r.Devices[at[0]].Outputs[at[1]]
		o.Capture, o.Changed = st.Version, st.Changed
	}
	b.stored = stored
	return nil
}

// After writes the plain files of what changed.
func (b *captureBatch) After(ctx context.Context) error {
	if _, err := capture.WriteFiles(ctx, b.c.Home, b.c.Store, b.prepared, b.stored); err != nil {
		return fmt.Errorf("collections: %w", err)
	}
	return nil
}
