package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// clock is a settable time for stores under test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }
func (c *clock) tick()          { c.t = c.t.Add(time.Minute) }

func testStore(t *testing.T) (*Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, err := Open(t.TempDir(), Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func update(t *testing.T, s *Store, fn func(*Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func pw(name string) *Credential {
	return &Credential{Name: name, User: "admin", Kind: CredPassword, Sealed: []byte("sealed-" + name)}
}

func names(cs []*Credential) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestSchemaVersionMatchesMigrations(t *testing.T) {
	if SchemaVersion != len(migrations) {
		t.Fatalf("SchemaVersion %d but %d migrations", SchemaVersion, len(migrations))
	}
}

// TestMigrateFromInventoryOnly opens a schema-1 store (inventory only, as
// the foundation wrote it) and finds the credential buckets made.
func TestMigrateFromInventoryOnly(t *testing.T) {
	s, _ := testStore(t)
	update(t, s, func(tx *Tx) error {
		return Put(tx, &Device{Name: "sw1", Address: "10.0.0.1", Port: 22, Status: "active"})
	})
	db, err := bolt.Open(s.Path(), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketVault, bucketCred, bucketCredResult} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte{0, 0, 0, 0, 0, 0, 0, 1})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *Tx) error {
		if tx.VaultHeader() != nil {
			t.Error("a migrated store has no vault yet")
		}
		cs, err := tx.Creds()
		if len(cs) != 0 {
			t.Errorf("creds after migration: %v", names(cs))
		}
		if !tx.Has(KindDevice, "sw1") {
			t.Error("device lost in migration")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCredValidation(t *testing.T) {
	s, _ := testStore(t)
	for name, c := range map[string]*Credential{
		"bad name":           {Name: "-x", User: "a", Kind: CredPassword, Sealed: []byte("s")},
		"no user":            {Name: "x", Kind: CredPassword, Sealed: []byte("s")},
		"control in user":    {Name: "x", User: "a\nb", Kind: CredPassword, Sealed: []byte("s")},
		"bad kind":           {Name: "x", User: "a", Kind: "token", Sealed: []byte("s")},
		"password unsealed":  {Name: "x", User: "a", Kind: CredPassword},
		"agent with sealed":  {Name: "x", User: "a", Kind: CredAgent, Sealed: []byte("s")},
		"enable not sealed ": {Name: "x", User: "a", Kind: CredAgent, Enable: true},
	} {
		err := s.Update(context.Background(), func(tx *Tx) error { return tx.PutCred(c) })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
	update(t, s, func(tx *Tx) error { return tx.PutCred(&Credential{Name: "a", User: "me", Kind: CredAgent}) })
}

func TestOneDefault(t *testing.T) {
	s, _ := testStore(t)
	update(t, s, func(tx *Tx) error {
		a, b := pw("a"), pw("b")
		a.Default = true
		if err := tx.PutCred(a); err != nil {
			return err
		}
		b.Default = true
		if err := tx.PutCred(b); err != nil {
			return err
		}
		return nil
	})
	defaults := func() []string {
		var out []string
		_ = s.View(context.Background(), func(tx *Tx) error {
			cs, err := tx.Creds()
			for _, c := range cs {
				if c.Default {
					out = append(out, c.Name)
				}
			}
			return err
		})
		return out
	}
	if d := defaults(); !slices.Equal(d, []string{"b"}) {
		t.Fatalf("defaults %v, want [b]", d)
	}
	update(t, s, func(tx *Tx) error { return tx.SetDefaultCred("a") })
	if d := defaults(); !slices.Equal(d, []string{"a"}) {
		t.Fatalf("defaults %v, want [a]", d)
	}
	update(t, s, func(tx *Tx) error { return tx.SetDefaultCred("") })
	if d := defaults(); len(d) != 0 {
		t.Fatalf("defaults %v, want none", d)
	}
	err := s.Update(context.Background(), func(tx *Tx) error { return tx.SetDefaultCred("nosuch") })
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("default of a missing credential: %v", err)
	}
}

func TestOrderCreds(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	mk := func(n ...string) []*Credential {
		var cs []*Credential
		for _, x := range n {
			cs = append(cs, pw(x))
		}
		return cs
	}
	withDefault := func(cs []*Credential, name string) []*Credential {
		for _, c := range cs {
			c.Default = c.Name == name
		}
		return cs
	}
	tests := []struct {
		name  string
		dev   *Device
		creds []*Credential
		hist  []CredResult
		want  []string
	}{
		{"nothing known: by name", &Device{Name: "d"}, mk("c", "a", "b"), nil, []string{"c", "a", "b"}},
		{"no credentials", &Device{Name: "d", Cred: "x"}, nil, nil, []string{}},
		{"default before the rest", &Device{Name: "d"}, withDefault(mk("a", "b", "c"), "c"), nil, []string{"c", "a", "b"}},
		{"device's choice first", &Device{Name: "d", Cred: "b"}, withDefault(mk("a", "b", "c"), "c"), nil, []string{"b", "c", "a"}},
		{"a missing choice is skipped", &Device{Name: "d", Cred: "gone"}, mk("a", "b"), nil, []string{"a", "b"}},
		{
			"worked before default, latest first",
			&Device{Name: "d"}, withDefault(mk("a", "b", "c", "d"), "a"),
			[]CredResult{{Cred: "b", OK: 1, LastOK: at(1)}, {Cred: "d", OK: 5, LastOK: at(2)}},
			[]string{"d", "b", "a", "c"},
		},
		{
			"choice before what worked",
			&Device{Name: "d", Cred: "c"}, mk("a", "b", "c"),
			[]CredResult{{Cred: "b", OK: 1, LastOK: at(1)}},
			[]string{"c", "b", "a"},
		},
		{
			"the device's choice stays first even after it was refused",
			&Device{Name: "d", Cred: "a"}, mk("a", "b"),
			[]CredResult{{Cred: "a", Failed: 1, LastFailed: at(3)}, {Cred: "b", OK: 1, LastOK: at(1)}},
			[]string{"a", "b"},
		},
		{
			"worked then refused is no longer 'worked'; refused go last",
			&Device{Name: "d"}, withDefault(mk("a", "b", "c", "d"), "d"),
			[]CredResult{
				{Cred: "a", OK: 3, Failed: 1, LastOK: at(1), LastFailed: at(2)},
				{Cred: "b", Failed: 2, LastFailed: at(1)},
				{Cred: "c", OK: 1, Failed: 1, LastFailed: at(1), LastOK: at(2)},
			},
			[]string{"c", "d", "a", "b"},
		},
		{
			"the default refused here is still tried as the default",
			&Device{Name: "d"}, withDefault(mk("a", "b"), "b"),
			[]CredResult{{Cred: "b", Failed: 1, LastFailed: at(1)}},
			[]string{"b", "a"},
		},
		{
			"history of a removed credential is ignored",
			&Device{Name: "d"}, mk("a"),
			[]CredResult{{Cred: "gone", OK: 1, LastOK: at(1)}},
			[]string{"a"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := names(OrderCreds(tc.dev, tc.creds, tc.hist))
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("order %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRecordOutcomesAndOrder(t *testing.T) {
	s, c := testStore(t)
	ctx := context.Background()
	update(t, s, func(tx *Tx) error {
		for _, n := range []string{"sw1", "sw2"} {
			if err := Put(tx, &Device{Name: n, Address: "10.0.0.1", Port: 22, Status: "active"}); err != nil {
				return err
			}
		}
		def := pw("def")
		def.Default = true
		for _, cr := range []*Credential{pw("ops"), pw("lab"), def} {
			if err := tx.PutCred(cr); err != nil {
				return err
			}
		}
		return nil
	})
	record := func(dev, cred string, o Outcome) {
		t.Helper()
		c.tick()
		update(t, s, func(tx *Tx) error { return tx.RecordCredOutcome(dev, cred, o) })
	}
	record("sw1", "def", AuthFailed)
	record("sw1", "lab", AuthOK)
	record("sw1", "lab", AuthOK)
	record("sw1", "ops", AuthFailed)
	record("sw2", "lab", AuthOK)
	record("sw2", "ops", AuthOK)

	err := s.View(ctx, func(tx *Tx) error {
		h, err := tx.CredHistory("sw1")
		if err != nil {
			return err
		}
		if len(h) != 3 || h[1].Cred != "lab" || h[1].OK != 2 || h[1].Failed != 0 || !h[1].Worked() {
			t.Errorf("sw1 history %+v", h)
		}
		if h[2].Cred != "ops" || h[2].Failed != 1 || !h[2].FailedLast() || h[2].LastFailed.IsZero() {
			t.Errorf("sw1 ops %+v", h[2])
		}
		sw1, _ := Get[Device](tx, "sw1")
		order, err := tx.CredOrder(sw1)
		if err != nil {
			return err
		}
		if got := names(order); !slices.Equal(got, []string{"lab", "def", "ops"}) {
			t.Errorf("sw1 order %v", got)
		}
		sw2, _ := Get[Device](tx, "sw2")
		all, err := tx.CredOrders([]*Device{sw1, sw2})
		if err != nil {
			return err
		}
		if got := names(all["sw2"]); !slices.Equal(got, []string{"ops", "lab", "def"}) {
			t.Errorf("sw2 order %v", got)
		}
		counts, err := tx.CredDeviceCounts()
		if err != nil {
			return err
		}
		if counts["lab"] != 1 || counts["ops"] != 1 || counts["def"] != 0 {
			t.Errorf("counts %v", counts)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, bad := range []struct {
		dev, cred string
		o         Outcome
		want      error
	}{
		{"sw1", "ops", Outcome(0), ErrInvalid},
		{"sw1", "ops", Outcome(7), ErrInvalid},
		{"nosuch", "ops", AuthOK, ErrNotFound},
		{"sw1", "nosuch", AuthOK, ErrNotFound},
	} {
		err := s.Update(ctx, func(tx *Tx) error { return tx.RecordCredOutcome(bad.dev, bad.cred, bad.o) })
		if !errors.Is(err, bad.want) {
			t.Errorf("record %s/%s/%v: got %v, want %v", bad.dev, bad.cred, bad.o, err, bad.want)
		}
	}
}

func TestHistoryFollowsDevicesAndCredentials(t *testing.T) {
	s, c := testStore(t)
	ctx := context.Background()
	update(t, s, func(tx *Tx) error {
		for _, n := range []string{"sw1", "sw2"} {
			if err := Put(tx, &Device{Name: n, Address: "10.0.0.1", Port: 22, Status: "active", Cred: "ops"}); err != nil {
				return err
			}
		}
		for _, cr := range []*Credential{pw("ops"), pw("lab")} {
			if err := tx.PutCred(cr); err != nil {
				return err
			}
		}
		return nil
	})
	c.tick()
	update(t, s, func(tx *Tx) error {
		for _, d := range []string{"sw1", "sw2"} {
			for _, cr := range []string{"ops", "lab"} {
				if err := tx.RecordCredOutcome(d, cr, AuthOK); err != nil {
					return err
				}
			}
		}
		return nil
	})

	// Renaming a device takes its history along; removing it forgets it.
	update(t, s, func(tx *Tx) error { return tx.Rename(KindDevice, "sw1", "core1") })
	update(t, s, func(tx *Tx) error { _, err := tx.Remove(KindDevice, "sw2", false); return err })
	hist := func(dev string) []string {
		var out []string
		_ = s.View(ctx, func(tx *Tx) error {
			h, err := tx.CredHistory(dev)
			for _, r := range h {
				out = append(out, r.Cred)
			}
			return err
		})
		return out
	}
	if h := hist("core1"); !slices.Equal(h, []string{"lab", "ops"}) {
		t.Fatalf("renamed device's history %v", h)
	}
	if h := hist("sw1"); h != nil {
		t.Fatalf("old name kept history %v", h)
	}
	if h := hist("sw2"); h != nil {
		t.Fatalf("removed device kept history %v", h)
	}

	// A credential a device prefers is not removed without force.
	err := s.Update(ctx, func(tx *Tx) error { _, err := tx.RemoveCred("ops", false); return err })
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("remove preferred credential: %v", err)
	}
	update(t, s, func(tx *Tx) error {
		detached, err := tx.RemoveCred("ops", true)
		if !slices.Equal(detached, []string{"core1"}) {
			t.Errorf("detached %v", detached)
		}
		return err
	})
	if h := hist("core1"); !slices.Equal(h, []string{"lab"}) {
		t.Fatalf("history after removing ops: %v", h)
	}
	_ = s.View(ctx, func(tx *Tx) error {
		d, _ := Get[Device](tx, "core1")
		if d.Cred != "" {
			t.Errorf("device still prefers removed credential %q", d.Cred)
		}
		return nil
	})
	update(t, s, func(tx *Tx) error { _, err := tx.RemoveCred("lab", false); return err })
	if h := hist("core1"); h != nil {
		t.Fatalf("history after removing every credential: %v", h)
	}
}

func TestVaultHeaderRoundTrip(t *testing.T) {
	s, _ := testStore(t)
	update(t, s, func(tx *Tx) error {
		if tx.VaultHeader() != nil {
			t.Error("new store has a vault header")
		}
		return tx.PutVaultHeader([]byte(`{"v":1}`))
	})
	_ = s.View(context.Background(), func(tx *Tx) error {
		if got := string(tx.VaultHeader()); got != `{"v":1}` {
			t.Errorf("header %q", got)
		}
		return nil
	})
}
