package console

import (
	"fmt"
	"time"
	"vc/run"

	"github.com/schollz/progressbar/v3"
)

// progress is the live bar a run shows on stderr: done/total, failures,
// rate and elapsed time. It shows nothing when stderr is not a terminal,
// so redirected output stays clean.
type progress struct {
	e      *Env
	bar    *progressbar.ProgressBar
	failed int
	stop   chan struct{}
	done   chan struct{}
}

// newProgress returns the bar as a run's observer; it appears when the
// run starts.
func (e *Env) newProgress() *progress { return &progress{e: e} }

// Started shows the bar, on a terminal, for runs of more than one device.
func (p *progress) Started(total int) {
	if !p.e.ErrTTY || total < 2 {
		return
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.e.Err),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("dev"),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(false),
		progressbar.OptionSetDescription("running"),
	)
	p.bar, p.stop, p.done = bar, make(chan struct{}), make(chan struct{})
	// The bar only redraws when a device finishes; a ticker keeps the
	// elapsed time moving, and shows the last count, while devices hang.
	go func() {
		defer close(p.done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				_ = bar.RenderBlank()
			}
		}
	}()
}

// Finished counts one more device done.
func (p *progress) Finished(d *run.Device) {
	if p.bar == nil {
		return
	}
	if !d.OK() {
		p.failed++
		p.bar.Describe(fmt.Sprintf("running, %d failed", p.failed))
	}
	_ = p.bar.Add(1)
}

// finish clears the bar, leaving the terminal as it was.
func (p *progress) finish() {
	if p.bar == nil {
		return
	}
	close(p.stop)
	<-p.done
	_ = p.bar.Finish()
	_ = p.bar.Clear()
}
