package history

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"vc/run"
	"vc/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func sampleRun(n int) *run.Run {
	r := &run.Run{Spec: run.Spec{Commands: []string{"show ip arp", "show clock"}, Selection: `site == "usa"`, Origin: "exec", Stages: []string{"count"}},
		User: "ops", Start: time.Now().Add(-time.Minute), Status: run.StatusRunning}
	for i := range n {
		d := &run.Device{Name: "usa-leaf-" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Platform: "cisco_ios", Done: true,
			Elapsed: time.Duration(i) * time.Millisecond, Cred: "lab", Reused: i%2 == 0,
			Outputs: []run.Output{{Command: "show ip arp", Template: "cisco_ios_show_ip_arp.textfsm", Score: 0.97, Records: 300, Capture: uint64(i + 1), Changed: i%3 == 0},
				{Command: "show clock", ParseError: "template x line 3: boom"}}}
		if i%10 == 0 {
			d.Kind, d.Reason = "timeout", "timeout after 30s during command"
			d.Outputs = nil
		}
		r.Devices = append(r.Devices, d)
		r.Spec.Devices = append(r.Spec.Devices, d.Name)
	}
	return r
}

func TestCodecRoundTrip(t *testing.T) {
	r := sampleRun(1000)
	rb := roster(r.Devices)
	rk := rosterKey(rb)
	b, err := encodeDevices(r.Devices, rk)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeDevices(b, func(k []byte) []byte {
		if string(k) == string(rk) {
			return rb
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Devices {
		want := *r.Devices[i]
		want.Attempts = nil
		if !reflect.DeepEqual(got[i], &want) {
			t.Fatalf("device %d:\n got %+v\nwant %+v", i, got[i], &want)
		}
	}
	// A thousand devices cost a few bytes each.
	if per := len(b) / 1000; per > 20 {
		t.Errorf("%d bytes per device", per)
	}
	t.Logf("1000 devices: %d bytes", len(b))
	if _, err := decodeDevices(b[:len(b)/2], func([]byte) []byte { return rb }); err == nil {
		t.Error("a cut record decoded")
	}
	t.Logf("roster: %d bytes", len(rb))
}

// TestCodecFormat1 reads a devices record as vc wrote it before rosters
// (format 1, each device's name and platform in place): runs recorded
// then stay readable.
func TestCodecFormat1(t *testing.T) {
	// encodeDevices(sampleRun(12).Devices) of format 1.
	const v1 = "TI9NasMwEEZHkjOO7fS/pauCLpBSyK6XMRNHTtRYkbEUmkP1JD1VEUT1rPyY5/eBxEtzDrQeDPVroqqzofOt9aGM1hl/jjpev9RHM+nNR9C782RPe9155+i0UwNt54ktQRMO/lvbUdM0vv3vtena2rGlaXyP5hL74Op0093gu+NrNG4cKBp90YM9Gb351Fvv3bzc0cw7xoZxz3jP+MDYMv5ifGQ80AqEkgoKWAiBKApZAi5/yx+JsgJEgBoaoRAlMyqbVWpUIUt5bYpsboRCLFizyOY2NQtmMJu71CBbK7O5T03JmmU2D6lZMlNl85iaiq3V2TylF9cFPKc/GtauKkAEqOEvAAD//w=="
	b, err := base64.StdEncoding.DecodeString(v1)
	if err != nil {
		t.Fatal(err)
	}
	if rk, err := devicesRoster(b); err != nil || rk != nil {
		t.Fatalf("roster of a format 1 record: %q, %v", rk, err)
	}
	got, err := decodeDevices(b, func([]byte) []byte { t.Fatal("format 1 has no roster to find"); return nil })
	if err != nil {
		t.Fatal(err)
	}
	r := sampleRun(12)
	if len(got) != len(r.Devices) {
		t.Fatalf("%d devices, want %d", len(got), len(r.Devices))
	}
	for i := range r.Devices {
		want := *r.Devices[i]
		want.Attempts = nil
		if !reflect.DeepEqual(got[i], &want) {
			t.Fatalf("device %d:\n got %+v\nwant %+v", i, got[i], &want)
		}
	}
}

func TestRecordAndRecover(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	rec := NewRecorder(st, nil)
	r := sampleRun(5)
	for _, d := range r.Devices {
		d.Done = false
	}
	if err := rec.Begin(ctx, r); err != nil {
		t.Fatal(err)
	}
	if r.ID != 1 {
		t.Fatalf("id %d", r.ID)
	}
	r.Devices[0].Done = true
	if err := rec.Checkpoint(ctx, r, r.Devices[:1]); err != nil {
		t.Fatal(err)
	}
	// A live owner (this process) is left alone.
	if ids, err := Recover(ctx, st); err != nil || len(ids) != 0 {
		t.Fatalf("a live run was recovered: %v %v", ids, err)
	}
	// Make the owner one that is gone: another boot.
	err := st.Update(ctx, func(tx *store.Tx) error {
		var h header
		if err := json.Unmarshal(tx.Bucket(store.BucketRuns).Get(key(1)), &h); err != nil {
			return err
		}
		h.Owner.Boot = "another-boot"
		b, _ := json.Marshal(&h)
		return tx.Bucket(store.BucketRuns).Put(key(1), b)
	})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := Recover(ctx, st)
	if err != nil || len(ids) != 1 || ids[0] != 1 {
		t.Fatalf("recover: %v %v", ids, err)
	}
	got, err := Get(ctx, st, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != run.StatusInterrupted || !got.Devices[0].Done || got.Devices[1].Done {
		t.Fatalf("after recovery: %s, done %v %v", got.Status, got.Devices[0].Done, got.Devices[1].Done)
	}
	if ids, _ := Recover(ctx, st); len(ids) != 0 {
		t.Fatal("recovered twice")
	}
	if len(got.Spec.Devices) != 5 {
		t.Errorf("the device list comes back: %v", got.Spec.Devices)
	}
}

func TestOwnerAlive(t *testing.T) {
	self := Self()
	if !self.Alive() {
		t.Fatal("this process is not alive")
	}
	if self.Start == 0 && bootID() != "" {
		t.Error("no start time read from /proc")
	}
	reused := self
	reused.Start++
	if _, err := os.Stat("/proc/self/stat"); err == nil && reused.Alive() {
		t.Error("a pid reused by another process counts as alive")
	}
	if (Owner{PID: self.PID, Boot: "other"}).Alive() && bootID() != "" {
		t.Error("an owner from another boot is alive")
	}
	elsewhere := Owner{PID: 1, Host: "some-other-host"}
	if !elsewhere.Alive() {
		t.Error("an owner on another host cannot be judged dead")
	}
}

func TestListAndPrune(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	rec := NewRecorder(st, nil)
	for i, status := range []run.Status{run.StatusSuccess, run.StatusPartial, run.StatusFailed} {
		r := sampleRun(3)
		r.Start = time.Now().Add(time.Duration(i-10) * time.Hour)
		if err := rec.Begin(ctx, r); err != nil {
			t.Fatal(err)
		}
		r.Status, r.End = status, r.Start.Add(time.Second)
		if err := rec.End(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	all, err := List(ctx, st, Filter{})
	if err != nil || len(all) != 3 || all[0].ID != 3 {
		t.Fatalf("newest first: %+v %v", all, err)
	}
	part, _ := List(ctx, st, Filter{Status: []run.Status{run.StatusPartial}})
	if len(part) != 1 || part[0].ID != 2 || part[0].Failed != 1 || part[0].OK != 2 {
		t.Fatalf("partial: %+v", part)
	}
	if one, _ := List(ctx, st, Filter{Limit: 1}); len(one) != 1 {
		t.Fatal("limit")
	}
	n, err := Prune(ctx, st, time.Now().Add(-9*time.Hour+time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v", n, err)
	}
	if _, err := Get(ctx, st, 1); err == nil {
		t.Fatal("a pruned run is still there")
	}
	if last, err := Last(ctx, st); err != nil || last.ID != 3 {
		t.Fatalf("last: %v %v", last, err)
	}
}

func BenchmarkRecordEnd(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	rec := NewRecorder(st, nil)
	for b.Loop() {
		r := sampleRun(1000)
		if err := rec.Begin(ctx, r); err != nil {
			b.Fatal(err)
		}
		if err := rec.End(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
