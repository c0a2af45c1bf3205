package engine

import (
	"testing"
	"time"
)

// TestDefaultTimeouts: connecting and logging in are bounded by 10 s
// each by default, as exec --connect-timeout's help promises; a plan that
// sets only Connect gets the same bound for the handshake.
func TestDefaultTimeouts(t *testing.T) {
	d := DefaultTimeouts()
	if d.Connect != 10*time.Second || d.Handshake != 10*time.Second || d.Prompt != 15*time.Second || d.Command != 30*time.Second {
		t.Errorf("defaults %+v", d)
	}
	if got := (Timeouts{}).withDefaults(); got != d {
		t.Errorf("zero timeouts became %+v", got)
	}
	if got := (Timeouts{Connect: 3 * time.Second}).withDefaults(); got.Handshake != 3*time.Second {
		t.Errorf("connect 3s: handshake %s", got.Handshake)
	}
}
