package capture

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestChanges(t *testing.T) {
	s, runs := history(t)
	ctx := context.Background()

	all, err := Changes(ctx, s, time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	// Run 1: four first captures; run 2: the two ARP tables; run 3: the
	// ARP tables and b's config. The clock never changes once normalized.
	if len(all) != 4+2+3 {
		t.Fatalf("%d changes: %+v", len(all), all)
	}
	for i := 1; i < len(all); i++ {
		if all[i].When.Before(all[i-1].When) {
			t.Errorf("changes out of order at %d", i)
		}
	}
	first := all[0]
	if first.Previous != 0 || first.Added == 0 || first.Removed != 0 {
		t.Errorf("a first capture: %+v", first)
	}

	since, err := Changes(ctx, s, t0.Add(2*time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(since) != 3 {
		t.Fatalf("since the third run: %+v", since)
	}
	for _, c := range since {
		if c.Run != 3 || !c.When.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("change %+v", c)
		}
		if c.Type == "show_running-config" {
			// One description changed: the churn lines (Current
			// configuration, Last configuration change, ntp clock-period)
			// do not count.
			if c.Added != 1 || c.Removed != 1 || c.Previous != runs[0][3].Version || c.Version != runs[2][3].Version {
				t.Errorf("config change %+v", c)
			}
		}
	}

	arp, err := Changes(ctx, s, t0.Add(time.Hour), "show_ip_arp")
	if err != nil {
		t.Fatal(err)
	}
	if len(arp) != 4 {
		t.Fatalf("ARP changes: %+v", arp)
	}
	for _, c := range arp {
		if c.Type != "show_ip_arp" || c.Previous == 0 || c.Added == 0 || c.Added != c.Removed {
			t.Errorf("ARP change %+v", c)
		}
	}
	if _, err := Changes(ctx, s, t0, "a/b"); !errors.Is(err, ErrInvalidType) {
		t.Errorf("bad type: %v", err)
	}
}
