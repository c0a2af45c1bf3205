package capture

import (
	"errors"
	"slices"
	"testing"
	"time"

	"vc/store"
)

// history stores three runs: a and a-b (a prefix of another name) change
// their ARP table every run; clock churns only; b's config once changes.
func history(t *testing.T) (*store.Store, [][]Stored) {
	s := newStore(t)
	var runs [][]Stored
	for run := range 3 {
		at := t0.Add(time.Duration(run) * time.Hour)
		_, st := putItems(t, s,
			Item{Device: "a", Command: "show ip arp", Text: arpTable("a", 10, run), Run: uint64(run + 1), Time: at},
			Item{Device: "a-b", Command: "show ip arp", Text: arpTable("a-b", 10, run), Run: uint64(run + 1), Time: at},
			Item{Device: "a", Platform: "cisco_ios", Command: "show clock", Text: at.Format("15:04:05.000 MST Mon Jan 2 2006") + "\n", Run: uint64(run + 1), Time: at},
			Item{Device: "b", Platform: "cisco_ios", Command: "show running-config", Text: config("cisco_ios", "b", run/2, at), Run: uint64(run + 1), Time: at},
		)
		runs = append(runs, st)
	}
	return s, runs
}

func TestReading(t *testing.T) {
	s, runs := history(t)
	view(t, s, func(tx *store.Tx) error {
		types, err := Types(tx)
		if err != nil {
			return err
		}
		if want := []string{"show_clock", "show_ip_arp", "show_running-config"}; !slices.Equal(types, want) {
			t.Errorf("types %v, want %v", types, want)
		}

		v, err := Latest(tx, "show_ip_arp", "a")
		if err != nil {
			return err
		}
		if v.ID != runs[2][0].Version || v.Device != "a" || v.Type != "show_ip_arp" || v.FirstRun != 3 {
			t.Errorf("latest %+v", v)
		}
		if text, err := Text(tx, v); err != nil || text != arpTable("a", 10, 2) {
			t.Errorf("latest text: %v", err)
		}
		if text, err := TextByHash(tx, runs[0][1].Hash); err != nil || text != arpTable("a-b", 10, 0) {
			t.Errorf("text by hash: %v", err)
		}

		vs, err := Versions(tx, "show_ip_arp", "a")
		if err != nil {
			return err
		}
		if len(vs) != 3 || vs[0].ID != runs[2][0].Version || vs[2].ID != runs[0][0].Version {
			t.Errorf("versions of a: %v", ids(vs))
		}
		clock, err := Versions(tx, "show_clock", "a")
		if err != nil {
			return err
		}
		if len(clock) != 1 || clock[0].LastRun != 3 || !clock[0].LastSeen.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("clock versions: %+v", clock)
		}

		all, err := LatestAll(tx, "")
		if err != nil {
			return err
		}
		var got []string
		for _, v := range all {
			got = append(got, v.Type+" "+v.Device)
		}
		want := []string{"show_clock a", "show_ip_arp a", "show_ip_arp a-b", "show_running-config b"}
		if !slices.Equal(got, want) {
			t.Errorf("latest of all: %v, want %v", got, want)
		}
		if all[0].LastRun != 3 {
			t.Errorf("latest of all misses the last sighting: %+v", all[0])
		}
		arp, err := LatestAll(tx, "show_ip_arp")
		if err != nil {
			return err
		}
		if len(arp) != 2 || arp[0].ID != runs[2][0].Version || arp[1].ID != runs[2][1].Version {
			t.Errorf("latest ARP: %v", ids(arp))
		}
		if none, err := LatestAll(tx, "show_version"); err != nil || len(none) != 0 {
			t.Errorf("latest of an unknown type: %v %v", none, err)
		}

		at, err := At(tx, "show_ip_arp", "a", t0.Add(90*time.Minute))
		if err != nil || at.ID != runs[1][0].Version {
			t.Errorf("at 1h30: %d %v, want %d", at.ID, err, runs[1][0].Version)
		}
		at, err = At(tx, "show_ip_arp", "a", t0.Add(time.Hour))
		if err != nil || at.ID != runs[1][0].Version {
			t.Errorf("at 1h: %d %v", at.ID, err)
		}
		at, err = At(tx, "show_running-config", "b", t0.Add(time.Hour))
		if err != nil || at.ID != runs[0][3].Version || at.LastRun != 2 {
			t.Errorf("config at 1h: %+v %v", at, err)
		}
		if _, err := At(tx, "show_ip_arp", "a", t0.Add(-time.Second)); !errors.Is(err, ErrNotFound) {
			t.Errorf("before the first: %v", err)
		}

		byID, err := ByID(tx, runs[0][3].Version)
		if err != nil || byID.Device != "b" || byID.LastRun != 2 {
			t.Errorf("by id: %+v %v", byID, err)
		}
		clockByID, err := ByID(tx, runs[0][2].Version)
		if err != nil || clockByID.LastRun != 3 {
			t.Errorf("clock by id: %+v %v", clockByID, err)
		}

		for _, err := range []error{
			second(Latest(tx, "show_ip_arp", "c")),
			second(Latest(tx, "show_ip_arp", "a-")),
			second(Versions(tx, "show_ip_arp", "nope")),
			second(ByID(tx, 999)),
			second(TextByHash(tx, "00")),
			second(TextByHash(tx, runs[0][0].Hash[:62]+"00")),
		} {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("want ErrNotFound, got %v", err)
			}
		}
		return nil
	})
}

func second[T any](_ T, err error) error { return err }

func ids(vs []Version) []uint64 {
	var out []uint64
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}
