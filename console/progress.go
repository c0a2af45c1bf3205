package console

import (
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress is the live bar a run shows on stderr: done/total, failures,
// rate and elapsed time. It shows nothing when stderr is not a terminal,
// so redirected output stays clean.
type progress struct {
	bar  *progressbar.ProgressBar
	stop chan struct{}
	done chan struct{}
}

func (e *Env) newProgress(total int) *progress {
	if !e.ErrTTY || total < 2 {
		return &progress{}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(e.Err),
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
	p := &progress{bar: bar, stop: make(chan struct{}), done: make(chan struct{})}
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
	return p
}

// step counts one more device finished.
func (p *progress) step(failed int) {
	if p.bar == nil {
		return
	}
	if failed > 0 {
		p.bar.Describe(fmt.Sprintf("running, %d failed", failed))
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
