package netbox

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"vc/inventory"
	"vc/inventory/netbox/netboxtest"
	"vc/store"
)

// drivers stands for engine.PlatformNames(), which the console passes.
var drivers = []string{"arista_eos", "cisco_ios", "cisco_nxos", "cisco_xe", "cisco_xr", "generic", "juniper_junos", "linux"}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{KnownPlatforms: drivers})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// syncOnce does what the console does: a dry run plans in a read-only
// transaction; a sync plans and applies in one writable transaction.
func syncOnce(t *testing.T, st *store.Store, snap *Snapshot, o SyncOptions, dry bool) *Plan {
	t.Helper()
	p, err := trySync(st, snap, o, dry)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func trySync(st *store.Store, snap *Snapshot, o SyncOptions, dry bool) (*Plan, error) {
	var p *Plan
	ctx := context.Background()
	if dry {
		err := st.View(ctx, func(tx *store.Tx) error {
			var err error
			p, err = PlanSync(tx, snap, o)
			return err
		})
		return p, err
	}
	err := st.Update(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = PlanSync(tx, snap, o); err != nil {
			return err
		}
		return p.Apply(tx)
	})
	return p, err
}

func deviceMap(t *testing.T, st *store.Store) map[string]*store.Device {
	t.Helper()
	out := map[string]*store.Device{}
	err := st.View(context.Background(), func(tx *store.Tx) error {
		ds, err := store.List[store.Device](tx)
		for _, d := range ds {
			out[d.Name] = d
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(m map[string]*store.Device) string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func mapPlatforms(t *testing.T, st *store.Store, pairs ...string) {
	t.Helper()
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		for i := 0; i+1 < len(pairs); i += 2 {
			if err := MapPlatform(tx, pairs[i], pairs[i+1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func skipReason(p *Plan, name string) error {
	for _, s := range p.Skipped {
		if s.Name == name {
			return s.Reason
		}
	}
	return nil
}

// sample starts the stand-in with the sample fleet and a store whose
// NetBox-style platform slugs are mapped to vc's.
func sample(t *testing.T, o netboxtest.Options) (*netboxtest.Server, *Client, *store.Store) {
	t.Helper()
	s := startNetBox(t, o)
	c, _ := newClient(t, s, nil)
	st := newStore(t)
	mapPlatforms(t, st, "ios", "cisco_ios", "junos", "juniper_junos")
	return s, c, st
}

func TestDryRunThenApply(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	snap := fetch(t, c)

	dry := syncOnce(t, st, snap, SyncOptions{}, true)
	if got := deviceMap(t, st); len(got) != 0 {
		t.Fatalf("a dry run wrote %s", names(got))
	}
	if err := st.View(context.Background(), func(tx *store.Tx) error {
		states, err := SyncStates(tx)
		if len(states) != 0 {
			t.Errorf("a dry run remembered a sync: %+v", states)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := "4 created, 0 updated, 0 unchanged, 2 skipped, 1 value dropped, new: role core, role leaf, role spine, site ams1, site lon1"
	if got := dry.Summary(); got != want {
		t.Errorf("summary\n%s\nwant\n%s", got, want)
	}
	if !errors.Is(skipReason(dry, "lon1-oob1"), ErrNoPrimaryIP) || !errors.Is(skipReason(dry, "lon1-pdu1"), ErrNoPlatform) {
		t.Errorf("skipped %v", dry.Skipped)
	}
	if len(dry.Dropped) != 1 || dry.Dropped[0].Device != "ams1-leaf2" || dry.Dropped[0].Field != "fields.notes" ||
		!strings.Contains(dry.Dropped[0].String(), `device ams1-leaf2 (NetBox id 2) fields.notes: character 10 is the control character '\n'`) {
		t.Errorf("dropped %v", dry.Dropped)
	}

	p := syncOnce(t, st, snap, SyncOptions{}, false)
	if p.Summary() != want {
		t.Errorf("applied %s", p.Summary())
	}
	got := deviceMap(t, st)
	if names(got) != "ams1-leaf1,ams1-leaf2,ams1-spine1,lon1-core1" {
		t.Fatalf("devices %s", names(got))
	}
	d := got["ams1-leaf1"]
	if d.Address != "10.1.0.1" || d.Port != 22 || d.Platform != "arista_eos" || d.Site != "ams1" || d.Role != "leaf" ||
		d.Vendor != "arista" || d.Status != "active" || strings.Join(d.Tags, ",") != "pci,prod" {
		t.Errorf("ams1-leaf1 %+v", d)
	}
	for k, v := range map[string]string{"rack_unit": "12", "owner": "noc", "monitored": "true", "rack_ref": "R07", MarkField: s.URL() + "/dcim/devices/1/"} {
		if d.Fields[k] != v {
			t.Errorf("ams1-leaf1 fields.%s = %q, want %q", k, d.Fields[k], v)
		}
	}
	if got["ams1-leaf2"].Address != "2001:db8:1::2" || got["ams1-leaf2"].Fields["notes"] != "" {
		t.Errorf("ams1-leaf2 %+v", got["ams1-leaf2"])
	}
	if got["ams1-spine1"].Address != "10.1.0.10" || got["ams1-spine1"].Fields["monitored"] != "false" || got["ams1-spine1"].Platform != "cisco_ios" {
		t.Errorf("ams1-spine1 %+v", got["ams1-spine1"])
	}
	if got["lon1-core1"].Status != "planned" || got["lon1-core1"].Platform != "juniper_junos" {
		t.Errorf("lon1-core1 %+v", got["lon1-core1"])
	}
	if err := st.View(context.Background(), func(tx *store.Tx) error {
		states, err := SyncStates(tx)
		if len(states) != 1 || states[0].URL != s.URL() || len(states[0].IDs) != 6 || states[0].Synced.IsZero() {
			t.Errorf("sync state %+v", states)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// The same NetBox again changes nothing, and moves no generation.
	var gen uint64
	_ = st.View(context.Background(), func(tx *store.Tx) error { gen = tx.Generation(); return nil })
	again := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if !again.Empty() || again.Unchanged != 4 || again.Summary() != "0 created, 0 updated, 4 unchanged, 2 skipped, 1 value dropped" {
		t.Errorf("resync: %s", again.Summary())
	}
	_ = st.View(context.Background(), func(tx *store.Tx) error {
		if tx.Generation() != gen {
			t.Errorf("an unchanged sync moved the generation from %d to %d", gen, tx.Generation())
		}
		return nil
	})
}

func TestNoDriver(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{})
	c, _ := newClient(t, s, nil)
	st := newStore(t)
	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if len(p.Create) != 2 || len(p.NoDriver) != 2 {
		t.Fatalf("plan %s, no driver %v", p.Summary(), p.NoDriver)
	}
	var nd *store.NoDriverError
	reason := skipReason(p, "ams1-spine1")
	if !errors.As(reason, &nd) || nd.Platform != "ios" || !strings.Contains(reason.Error(), "map NetBox's platform ios to a vc platform") {
		t.Errorf("ams1-spine1: %v", reason)
	}
	if f := p.NoDriver[0]; f.Platform != "ios" || f.Devices != 1 || f.Slugs[0] != "ios" {
		t.Errorf("fault %+v", f)
	}

	// A mapping brings them in; it must itself name a platform vc can drive.
	err := st.Update(context.Background(), func(tx *store.Tx) error { return MapPlatform(tx, "ios", "cisco_iso") })
	if !errors.As(err, &nd) || !strings.Contains(err.Error(), "cisco_ios") {
		t.Errorf("a typo: %v", err)
	}
	mapPlatforms(t, st, "ios", "cisco_ios", "junos", "juniper_junos", "eos", "arista_eos")
	p = syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if len(p.Create) != 2 || len(p.NoDriver) != 0 || p.Unchanged != 2 {
		t.Errorf("after mapping: %s", p.Summary())
	}

	err = st.Update(context.Background(), func(tx *store.Tx) error {
		if err := UnmapPlatform(tx, "eos"); err != nil {
			return err
		}
		if err := UnmapPlatform(tx, "eos"); !errors.Is(err, ErrMappingNotFound) {
			t.Errorf("unmapping twice: %v", err)
		}
		if err := MapPlatform(tx, "bad slug", "linux"); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("a bad slug: %v", err)
		}
		list, err := PlatformMaps(tx)
		if len(list) != 2 || list[0] != (PlatformMap{"ios", "cisco_ios"}) || list[1] != (PlatformMap{"junos", "juniper_junos"}) {
			t.Errorf("mappings %v", list)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUpdateKeepsWhatNetBoxDoesNotSay(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	// The person tunes the device in vc.
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		d, err := store.Get[store.Device](tx, "ams1-leaf1")
		if err != nil {
			return err
		}
		d.Port, d.Cred, d.HostKey = 2222, "", "ignore"
		d.Fields["contact"] = "alice"
		return store.Put(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update("ams1-leaf1", func(d *netboxtest.Device) {
		d.IP4, d.Status, d.Tags = "10.1.0.99/24", "inventory", []string{"prod"}
		d.CustomFields = map[string]any{"rack_unit": 12, "monitored": true, "rack_ref": nil}
	}); err != nil {
		t.Fatal(err)
	}
	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if len(p.Update) != 1 {
		t.Fatalf("plan %s", p.Summary())
	}
	want := []inventory.FieldChange{
		{Field: "ip", Old: "10.1.0.1", New: "10.1.0.99"},
		{Field: "status", Old: "active", New: "offline"},
		{Field: "tags", Old: "pci;prod", New: "prod"},
		{Field: "fields.owner", Old: "noc", New: ""},
		{Field: "fields.rack_ref", Old: "R07", New: ""},
	}
	if u := p.Update[0]; u.Device != "ams1-leaf1" || u.NetBoxID != 1 || u.Rename != "" || u.Adopted || !equalChanges(u.Fields, want) {
		t.Errorf("update %+v\nwant %v", u, want)
	}
	d := deviceMap(t, st)["ams1-leaf1"]
	if d.Address != "10.1.0.99" || d.Port != 2222 || d.HostKey != "ignore" || d.Fields["contact"] != "alice" ||
		d.Fields["owner"] != "" || d.Fields["rack_unit"] != "12" || d.Status != "offline" {
		t.Errorf("after the update %+v", d)
	}
}

func equalChanges(a, b []inventory.FieldChange) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRenamedInNetBox(t *testing.T) {
	// The stand-in renames ams1-leaf1 once the first listing ends: the
	// second sync finds it under its new name.
	_, c, st := sample(t, netboxtest.Options{Faults: netboxtest.Faults{Rename: &netboxtest.Rename{From: "ams1-leaf1", To: "ams1-leaf9"}}})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	// A device the person added that jumps through the renamed one.
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		d := store.NewDevice("inside1")
		d.Address, d.Jump = "192.0.2.1", "ams1-leaf1"
		return store.Put(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	before := deviceMap(t, st)["ams1-leaf1"]

	p := syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	if len(p.Create) != 0 || len(p.Remove) != 0 || len(p.Update) != 1 {
		t.Fatalf("a rename planned as %s", p.Summary())
	}
	if u := p.Update[0]; u.Device != "ams1-leaf1" || u.Rename != "ams1-leaf9" ||
		!equalChanges(u.Fields, []inventory.FieldChange{{Field: "name", Old: "ams1-leaf1", New: "ams1-leaf9"}}) {
		t.Errorf("update %+v", u)
	}
	if !strings.Contains(p.Summary(), "1 updated (1 renamed)") {
		t.Errorf("summary %s", p.Summary())
	}
	got := deviceMap(t, st)
	after := got["ams1-leaf9"]
	if got["ams1-leaf1"] != nil || after == nil || !after.Created.Equal(before.Created) || after.Fields[MarkField] != before.Fields[MarkField] {
		t.Fatalf("after the rename: %s", names(got))
	}
	if got["inside1"].Jump != "ams1-leaf9" {
		t.Errorf("the jump host was not followed: %q", got["inside1"].Jump)
	}
}

func TestSwappedNames(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	for _, r := range [][2]string{{"ams1-leaf1", "tmp"}, {"ams1-leaf2", "ams1-leaf1"}, {"tmp", "ams1-leaf2"}} {
		if err := s.Rename(r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if len(p.Update) != 2 || len(p.Create) != 0 {
		t.Fatalf("a swap planned as %s", p.Summary())
	}
	got := deviceMap(t, st)
	if names(got) != "ams1-leaf1,ams1-leaf2,ams1-spine1,lon1-core1" {
		t.Fatalf("devices %s", names(got))
	}
	if !strings.HasSuffix(got["ams1-leaf1"].Fields[MarkField], "/2/") || got["ams1-leaf1"].Address != "2001:db8:1::2" ||
		!strings.HasSuffix(got["ams1-leaf2"].Fields[MarkField], "/1/") || got["ams1-leaf2"].Address != "10.1.0.1" {
		t.Errorf("not swapped: %+v %+v", got["ams1-leaf1"], got["ams1-leaf2"])
	}
}

func TestRenameOntoATakenName(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		d := store.NewDevice("ams1-leaf9")
		d.Address = "192.0.2.9"
		return store.Put(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Rename("ams1-leaf1", "ams1-leaf9"); err != nil {
		t.Fatal(err)
	}
	p := syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	reason := skipReason(p, "ams1-leaf9")
	if !errors.Is(reason, ErrNameTaken) || !strings.Contains(reason.Error(), "NetBox renamed ams1-leaf1 to ams1-leaf9") {
		t.Errorf("skip %v; plan %s", reason, p.Summary())
	}
	got := deviceMap(t, st)
	if got["ams1-leaf1"] == nil || got["ams1-leaf9"].Address != "192.0.2.9" || got["ams1-leaf9"].Fields[MarkField] != "" {
		t.Errorf("after a refused rename: %s", names(got))
	}
	if len(p.Remove) != 0 {
		t.Errorf("a skipped device is pruned: %v", p.Remove)
	}
}

func TestPrune(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		hand := store.NewDevice("manual1")
		hand.Address = "192.0.2.10"
		other := store.NewDevice("elsewhere1")
		other.Address = "192.0.2.11"
		other.Fields = map[string]string{MarkField: "https://other-netbox.example.com/dcim/devices/2/"}
		if err := store.Put(tx, hand); err != nil {
			return err
		}
		return store.Put(tx, other)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("ams1-leaf2"); err != nil {
		t.Fatal(err)
	}

	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if len(p.Remove) != 1 || p.Remove[0] != (Removal{Device: "ams1-leaf2", NetBoxID: 2}) ||
		!strings.Contains(p.Summary(), "1 gone from NetBox (kept; prune removes them)") {
		t.Fatalf("without prune: %s %v", p.Summary(), p.Remove)
	}
	if got := deviceMap(t, st); got["ams1-leaf2"] == nil {
		t.Errorf("removed without prune")
	}

	dry := syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, true)
	if dry.Empty() || !strings.Contains(dry.Summary(), "1 removed") {
		t.Errorf("prune dry run: %s", dry.Summary())
	}
	if got := deviceMap(t, st); got["ams1-leaf2"] == nil {
		t.Errorf("removed by a dry run")
	}

	syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	got := deviceMap(t, st)
	if names(got) != "ams1-leaf1,ams1-spine1,elsewhere1,lon1-core1,manual1" {
		t.Errorf("after prune: %s", names(got))
	}
}

func TestPruneKeepsJumpHosts(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		d := store.NewDevice("inside1")
		d.Address, d.Jump = "192.0.2.1", "ams1-leaf2"
		return store.Put(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	// ams1-leaf1 jumps through ams1-leaf2 too, but goes with it.
	if err := st.Update(context.Background(), func(tx *store.Tx) error {
		d, err := store.Get[store.Device](tx, "ams1-spine1")
		if err != nil {
			return err
		}
		d.Jump = "ams1-leaf1"
		return store.Put(tx, d)
	}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"ams1-leaf1", "ams1-leaf2", "ams1-spine1"} {
		if err := s.Remove(n); err != nil {
			t.Fatal(err)
		}
	}
	p := syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	if len(p.Kept) != 1 || p.Kept[0].Device != "ams1-leaf2" || !errors.Is(p.Kept[0].Reason, ErrInUse) ||
		!strings.Contains(p.Kept[0].Reason.Error(), "device inside1") {
		t.Errorf("kept %v", p.Kept)
	}
	if got := deviceMap(t, st); names(got) != "ams1-leaf2,inside1,lon1-core1" {
		t.Errorf("after prune: %s", names(got))
	}
}

func TestPruneRefusesAnEmptyNetBox(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if err := s.SetDevices([]netboxtest.Device{}); err != nil {
		t.Fatal(err)
	}
	_, err := trySync(st, fetch(t, c), SyncOptions{Prune: true}, false)
	if !errors.Is(err, ErrPruneAll) || !strings.Contains(err.Error(), "all 4") {
		t.Errorf("got %v", err)
	}
	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if len(p.Remove) != 4 || len(deviceMap(t, st)) != 4 {
		t.Errorf("without prune: %s", p.Summary())
	}
}

func TestPruneWithFilters(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	// A filtered sync the first time prunes nothing: it does not know what
	// it brought before.
	p := syncOnce(t, st, fetch(t, c, "site=ams1"), SyncOptions{Prune: true}, false)
	if len(p.Remove) != 0 || p.Unchanged != 3 {
		t.Errorf("first filtered sync: %s", p.Summary())
	}
	for _, n := range []string{"ams1-leaf2", "lon1-core1"} {
		if err := s.Remove(n); err != nil {
			t.Fatal(err)
		}
	}
	// The same filters, in another order, are the same scope.
	p = syncOnce(t, st, fetch(t, c, "site=ams1"), SyncOptions{Prune: true}, false)
	if len(p.Remove) != 1 || p.Remove[0].Device != "ams1-leaf2" {
		t.Errorf("filtered prune: %s %v", p.Summary(), p.Remove)
	}
	if got := deviceMap(t, st); names(got) != "ams1-leaf1,ams1-spine1,lon1-core1" {
		t.Errorf("after the filtered prune: %s", names(got))
	}
	p = syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	if len(p.Remove) != 1 || p.Remove[0].Device != "lon1-core1" {
		t.Errorf("unfiltered prune: %s %v", p.Summary(), p.Remove)
	}
	if err := st.View(context.Background(), func(tx *store.Tx) error {
		states, err := SyncStates(tx)
		if len(states) != 2 {
			t.Errorf("states %+v", states)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func TestAdoptAndTakeOver(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	// The person added ams1-leaf1 by hand before NetBox came along.
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		d := store.NewDevice("ams1-leaf1")
		d.Address, d.Port = "10.1.0.1", 2200
		_, err := store.Ensure(tx, d)
		if err != nil {
			return err
		}
		return store.Put(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	p := syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	if len(p.Update) != 1 || !p.Update[0].Adopted || p.Update[0].Device != "ams1-leaf1" || len(p.Create) != 3 {
		t.Fatalf("adopting: %s %+v", p.Summary(), p.Update)
	}
	if d := deviceMap(t, st)["ams1-leaf1"]; d.Port != 2200 || !strings.HasSuffix(d.Fields[MarkField], "/dcim/devices/1/") {
		t.Errorf("adopted %+v", d)
	}

	// NetBox deletes ams1-leaf2 and makes it anew, with a new id.
	old := s.Devices()[1]
	if err := s.Remove(old.Name); err != nil {
		t.Fatal(err)
	}
	old.ID = 50
	if _, err := s.Add(old); err != nil {
		t.Fatal(err)
	}
	p = syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	if len(p.Update) != 1 || len(p.Create) != 0 || len(p.Remove) != 0 ||
		!equalChanges(p.Update[0].Fields, []inventory.FieldChange{{Field: "fields." + MarkField, Old: s.URL() + "/dcim/devices/2/", New: s.URL() + "/dcim/devices/50/"}}) {
		t.Errorf("taking over: %s %+v", p.Summary(), p.Update)
	}
}

func TestOtherNetBoxsDevice(t *testing.T) {
	_, c, st := sample(t, netboxtest.Options{})
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		d := store.NewDevice("ams1-leaf1")
		d.Address = "10.1.0.1"
		d.Fields = map[string]string{MarkField: "https://other-netbox.example.com/dcim/devices/1/"}
		return store.Put(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if reason := skipReason(p, "ams1-leaf1"); !errors.Is(reason, ErrOtherInstance) || !strings.Contains(reason.Error(), "other-netbox.example.com") {
		t.Errorf("skip %v", reason)
	}
	// The same NetBox by another scheme and a default port is the same.
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		d, err := store.Get[store.Device](tx, "ams1-leaf1")
		if err != nil {
			return err
		}
		d.Fields[MarkField] = strings.Replace(c.Source(nil).DeviceURL(1), "http://", "https://", 1)
		return store.Put(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	p = syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if len(p.Update) != 1 || p.Update[0].Adopted || skipReason(p, "ams1-leaf1") != nil {
		t.Errorf("same NetBox over https: %s %+v", p.Summary(), p.Update)
	}
}

func TestSkips(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Devices: []netboxtest.Device{
		{ID: 10, Name: "dup", Site: "ams1", Role: "leaf", Platform: "linux", IP4: "10.0.0.10/32"},
		{ID: 11, Name: "dup", Site: "lon1", Role: "leaf", Platform: "linux", IP4: "10.0.0.11/32"},
		{ID: 12, Name: "", Site: "ams1", Role: "leaf", Platform: "linux", IP4: "10.0.0.12/32"},
		{ID: 13, Name: "core sw 1", Site: "ams1", Role: "leaf", Platform: "linux", IP4: "10.0.0.13/32"},
		{ID: 14, Name: "retired1", Site: "ams1", Role: "leaf", Platform: "linux", IP4: "10.0.0.14/32", Status: "retired"},
		{ID: 15, Name: "gone1", Site: "ams1", Role: "leaf", Platform: "linux", IP4: "10.0.0.15/32", Status: "decommissioning"},
		{ID: 16, Name: "odd1", Site: "ams1", Role: "leaf", Platform: "linux", Manufacturer: "_odd", IP4: "10.0.0.16/32",
			Tags: []string{"ok", "-bad"}, CustomFields: map[string]any{"_hidden": "x", "esc": "a\x1b[31mb", MarkField: "https://x/", "list": []any{"a", 2, true}, "json": map[string]any{"k": []any{1, 2}}}},
	}})
	c, _ := newClient(t, s, nil)
	st := newStore(t)
	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	for _, sk := range p.Skipped {
		t.Logf("%s", sk)
	}
	for id, want := range map[int64]error{10: ErrDuplicateName, 11: ErrDuplicateName, 12: ErrNoName, 14: ErrUnknownStatus} {
		found := false
		for _, sk := range p.Skipped {
			if sk.NetBoxID == id {
				found = true
				if !errors.Is(sk.Reason, want) {
					t.Errorf("id %d: %v, want %v", id, sk.Reason, want)
				}
			}
		}
		if !found {
			t.Errorf("id %d not skipped", id)
		}
	}
	if reason := skipReason(p, "core sw 1"); !errors.Is(reason, store.ErrInvalid) || !strings.Contains(reason.Error(), "name:") {
		t.Errorf("core sw 1: %v", reason)
	}
	if len(p.Skipped) != 5 {
		t.Errorf("%d skipped", len(p.Skipped))
	}
	got := deviceMap(t, st)
	if got["gone1"].Status != "decommissioned" {
		t.Errorf("decommissioning came as %q", got["gone1"].Status)
	}
	odd := got["odd1"]
	if odd.Vendor != "linux" || strings.Join(odd.Tags, ",") != "ok" || odd.Fields["list"] != "a,2,true" || odd.Fields["json"] != `{"k":[1,2]}` ||
		odd.Fields["esc"] != "" || odd.Fields[MarkField] != s.URL()+"/dcim/devices/16/" {
		t.Errorf("odd1 %+v", odd)
	}
	var dropped []string
	for _, d := range p.Dropped {
		dropped = append(dropped, d.Field)
	}
	if strings.Join(dropped, " ") != "vendor tags fields._hidden fields.esc fields.netbox_url" {
		t.Errorf("dropped %v", p.Dropped)
	}
}

func TestEveryShapeSyncsAlike(t *testing.T) {
	var want map[string]*store.Device
	for _, v := range []string{netboxtest.V35, netboxtest.V37, netboxtest.V4} {
		_, c, st := sample(t, netboxtest.Options{Version: v})
		syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
		got := deviceMap(t, st)
		for _, d := range got {
			delete(d.Fields, MarkField)
			d.Stamps = store.Stamps{}
		}
		if len(got) != 4 || got["ams1-spine1"].Role != "spine" {
			t.Errorf("%s: %s", v, names(got))
		}
		if want == nil {
			want = got
			continue
		}
		for n, d := range want {
			if g := got[n]; g == nil || g.Address != d.Address || g.Role != d.Role || g.Platform != d.Platform ||
				strings.Join(g.Tags, ",") != strings.Join(d.Tags, ",") || len(g.Fields) != len(d.Fields) {
				t.Errorf("%s: %s is %+v, want %+v", v, n, g, d)
			}
		}
	}
}

func TestOptions(t *testing.T) {
	_, c, st := sample(t, netboxtest.Options{})
	p := syncOnce(t, st, fetch(t, c), SyncOptions{PreferIPv6: true, TagNames: true}, true)
	for _, d := range p.Create {
		switch d.Name {
		case "ams1-spine1":
			if d.Address != "2001:db8:1::10" {
				t.Errorf("IPv6 not preferred: %s", d.Address)
			}
		case "ams1-leaf1":
			if d.Address != "10.1.0.1" || strings.Join(d.Tags, ",") != "Pci,Prod" {
				t.Errorf("ams1-leaf1 %s %v", d.Address, d.Tags)
			}
		}
	}
}

func TestPagedSync(t *testing.T) {
	s := startNetBox(t, netboxtest.Options{Devices: netboxtest.Fleet(120), MaxPageSize: 25})
	c, _ := newClient(t, s, nil)
	st := newStore(t)
	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	if len(p.Create) != 120 || len(deviceMap(t, st)) != 120 {
		t.Errorf("%s", p.Summary())
	}
}

func TestStalePlan(t *testing.T) {
	_, c, st := sample(t, netboxtest.Options{})
	snap := fetch(t, c)
	var p *Plan
	err := st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		p, err = PlanSync(tx, snap, SyncOptions{})
		if err == nil {
			if aerr := p.Apply(tx); aerr == nil {
				t.Errorf("applied in a read-only transaction")
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		d := store.NewDevice("ams1-leaf1")
		d.Address = "192.0.2.1"
		return store.Put(tx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx *store.Tx) error { return p.Apply(tx) })
	if !errors.Is(err, ErrStalePlan) {
		t.Errorf("got %v", err)
	}
}

func TestPruneFreesANameForARename(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	// NetBox deletes ams1-leaf2 and gives its name to ams1-leaf1.
	if err := s.Remove("ams1-leaf2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Rename("ams1-leaf1", "ams1-leaf2"); err != nil {
		t.Fatal(err)
	}
	// Without prune the old ams1-leaf2 stays, and holds the name.
	p := syncOnce(t, st, fetch(t, c), SyncOptions{}, true)
	if !errors.Is(skipReason(p, "ams1-leaf2"), ErrNameTaken) {
		t.Errorf("without prune: %s %v", p.Summary(), p.Skipped)
	}
	p = syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	if len(p.Remove) != 1 || len(p.Update) != 1 || p.Update[0].Rename != "ams1-leaf2" {
		t.Fatalf("with prune: %s %v %v", p.Summary(), p.Remove, p.Skipped)
	}
	got := deviceMap(t, st)
	if names(got) != "ams1-leaf2,ams1-spine1,lon1-core1" || got["ams1-leaf2"].Address != "10.1.0.1" {
		t.Errorf("after: %s", names(got))
	}
}

func TestPruneJumpRing(t *testing.T) {
	s, c, st := sample(t, netboxtest.Options{})
	syncOnce(t, st, fetch(t, c), SyncOptions{}, false)
	// ams1-leaf1 and ams1-leaf2 jump through each other; both leave NetBox.
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		for _, pair := range [][2]string{{"ams1-leaf1", "ams1-leaf2"}, {"ams1-leaf2", "ams1-leaf1"}} {
			d, err := store.Get[store.Device](tx, pair[0])
			if err != nil {
				return err
			}
			d.Jump = pair[1]
			if err := store.Put(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"ams1-leaf1", "ams1-leaf2"} {
		if err := s.Remove(n); err != nil {
			t.Fatal(err)
		}
	}
	p := syncOnce(t, st, fetch(t, c), SyncOptions{Prune: true}, false)
	if len(p.Remove) != 0 || len(p.Kept) != 2 {
		t.Errorf("a ring: remove %v kept %v", p.Remove, p.Kept)
	}
}
