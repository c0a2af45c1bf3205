package capture

import (
	"context"
	"errors"
	"testing"
)

func TestSearch(t *testing.T) {
	s, _ := history(t)
	ctx := context.Background()

	ms, err := Search(ctx, s, Query{Pattern: "snmp-server community"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Device != "b" || ms[0].Type != "show_running-config" || ms[0].Count != 1 ||
		len(ms[0].Lines) != 1 || ms[0].Lines[0].Text != "snmp-server community lab-ro RO" {
		t.Fatalf("text search: %+v", ms)
	}
	if n := ms[0].Lines[0].Number; n < 100 {
		t.Errorf("line number %d", n)
	}

	ms, err = Search(ctx, s, Query{Pattern: `/^interface GigabitEthernet1\/0\/4[0-9]$/`, MaxLines: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Count != 9 || len(ms[0].Lines) != 3 || ms[0].Lines[0].Text != "interface GigabitEthernet1/0/40" {
		t.Fatalf("regex search: %+v", ms)
	}
	if ms[0].Lines[1].Number <= ms[0].Lines[0].Number {
		t.Error("lines out of order")
	}

	ms, err = Search(ctx, s, Query{Pattern: "/(?i)internet/", Type: "show_ip_arp"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Device != "a" || ms[1].Device != "a-b" || ms[0].Count != 10 {
		t.Fatalf("type search: %+v", ms)
	}
	ms, err = Search(ctx, s, Query{Pattern: "Internet", Devices: []string{"a-b", "zz"}})
	if err != nil || len(ms) != 1 || ms[0].Device != "a-b" {
		t.Fatalf("device search: %+v %v", ms, err)
	}
	if ms, err := Search(ctx, s, Query{Pattern: "no such text anywhere"}); err != nil || len(ms) != 0 {
		t.Errorf("no match: %+v %v", ms, err)
	}

	for _, bad := range []string{"", "//", "/(/"} {
		if _, err := Search(ctx, s, Query{Pattern: bad}); !errors.Is(err, ErrPattern) {
			t.Errorf("pattern %q: %v", bad, err)
		}
	}
	if _, err := Search(ctx, s, Query{Pattern: "x", Type: "../x"}); !errors.Is(err, ErrInvalidType) {
		t.Errorf("bad type: %v", err)
	}
	// A lone slash is text.
	if _, err := Search(ctx, s, Query{Pattern: "/"}); err != nil {
		t.Errorf("lone slash: %v", err)
	}
}
