package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// drivers are the engine's platform names as of this writing; the store
// cannot import the engine, and the console passes the real list.
var drivers = []string{"arista_eos", "cisco_ios", "cisco_nxos", "cisco_xe", "cisco_xr", "generic", "juniper_junos", "linux"}

func TestSuggest(t *testing.T) {
	for name, want := range map[string][]string{
		"ios":        {"cisco_ios"},
		"eos":        {"arista_eos"},
		"junos":      {"juniper_junos"},
		"nxos":       {"cisco_nxos"},
		"xe":         {"cisco_xe"},
		"Cisco-IOS":  {"cisco_ios"},
		"ciscoios":   {"cisco_ios"},
		"cisco_iso":  {"cisco_ios"},
		"arist_eos":  {"arista_eos"},
		"nxso":       {"cisco_nxos"},
		"junso":      {"juniper_junos"},
		"linx":       {"linux"},
		"juniper":    {"juniper_junos"},
		"cisco":      {"cisco_ios", "cisco_nxos", "cisco_xe", "cisco_xr"},
		"nokia_sros": nil,
		"fortinet":   nil,
		"":           nil,
	} {
		if got := Suggest(name, drivers); !slices.Equal(got, want) {
			t.Errorf("Suggest(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"ios", "ios", 0}, {"ios", "eos", 1},
		{"iso", "ios", 1}, {"kitten", "sitting", 3}, {"ca", "abc", 3},
	} {
		if d := editDistance(c.a, c.b); d != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}

// TestImpliedPlatform: a device may not bring into being a platform vc has
// no driver for, which is mostly a typo; one added on purpose is fine.
func TestImpliedPlatform(t *testing.T) {
	s, err := Open(t.TempDir(), Options{KnownPlatforms: drivers})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	add := func(e Entity) ([]string, error) {
		var created []string
		err := s.Update(ctx, func(tx *Tx) error {
			var err error
			if created, err = Ensure(tx, e); err != nil {
				return err
			}
			return Put(tx, e)
		})
		return created, err
	}
	dev := func(name, platform string) *Device {
		d := NewDevice(name)
		d.Address, d.Platform = "10.0.0.9", platform
		return d
	}

	_, err = add(dev("sw9", "ios"))
	const want = `platform "ios" has no driver in vc (did you mean cisco_ios?); add it first with platform add ios if it is your own`
	var nd *NoDriverError
	if !errors.As(err, &nd) || err.Error() != want || !errors.Is(err, ErrNoDriver) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("device with platform ios: %v\nwant %s", err, want)
	}
	_, err = add(dev("sw9", "nokia_sros"))
	if err == nil || !strings.Contains(err.Error(), `platform "nokia_sros" has no driver in vc (drivers: arista_eos, cisco_ios,`) {
		t.Errorf("device with platform nokia_sros: %v", err)
	}
	err = s.View(ctx, func(tx *Tx) error {
		if tx.Has(KindPlatform, "ios") || tx.Has(KindDevice, "sw9") {
			t.Error("a refused device left records behind")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A driver the store has no record of yet is created, as before.
	if created, err := add(dev("sw10", "cisco_xe")); err != nil || !slices.Equal(created, []string{"platform cisco_xe"}) {
		t.Errorf("device with platform cisco_xe: %v, %v", created, err)
	}
	// A platform of one's own is added first, and devices may then use it.
	ios, _ := Named(KindPlatform, "ios")
	if _, err := add(ios); err != nil {
		t.Fatal(err)
	}
	if _, err := add(dev("sw9", "ios")); err != nil {
		t.Errorf("device with platform ios, once added: %v", err)
	}

	// Without a list of drivers, any name goes.
	free, _ := testStore(t)
	if err := free.Update(ctx, func(tx *Tx) error { _, err := Ensure(tx, dev("sw9", "ios")); return err }); err != nil {
		t.Errorf("no driver list: %v", err)
	}
}
