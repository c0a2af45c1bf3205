package lab

import (
	"errors"
	"testing"
)

// Shards of a fleet serve the fleet a single lab would: the same devices,
// each once, and the same outputs, neighbours in another shard included.
func TestShards(t *testing.T) {
	o := testOptions(12, "arista_eos", "cisco_nxos")
	whole := startLab(t, o)
	want := whole.Devices()
	var got []Device
	for k := range 3 {
		so := o
		so.Shard = Shard{Index: k, Count: 3}
		got = append(got, startLab(t, so).Devices()...)
	}
	if len(got) != len(want) {
		t.Fatalf("shards serve %d devices, the whole lab %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Platform != want[i].Platform || got[i].Site != want[i].Site {
			t.Fatalf("device %d: shards serve %+v, the whole lab %+v", i, got[i], want[i])
		}
	}
	for _, i := range []int{0, 5, 11} {
		for _, cmd := range []string{"show lldp neighbors detail", "show ip arp"} {
			a, _ := execOut(t, want[i], cmd)
			b, _ := execOut(t, got[i], cmd)
			if a != b {
				t.Errorf("%s %q: the shard answers\n%s\nthe whole lab\n%s", want[i].Name, cmd, b, a)
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	if s, err := ParseShard("2/3"); err != nil || s != (Shard{Index: 1, Count: 3}) {
		t.Errorf("ParseShard(2/3) = %+v, %v", s, err)
	}
	for _, bad := range []string{"", "2", "0/3", "4/3", "a/b", "1/0"} {
		if _, err := ParseShard(bad); !errors.Is(err, ErrOptions) {
			t.Errorf("ParseShard(%q) error %v, want ErrOptions", bad, err)
		}
	}
	o := testOptions(2)
	o.Shard = Shard{Index: 0, Count: 3}
	if err := o.validate(); !errors.Is(err, ErrOptions) {
		t.Errorf("3 shards of 2 devices: %v, want ErrOptions", err)
	}
}

// TestPrewarm: a prewarmed lab has every device's model before Start
// returns, and serves the outputs a lab that builds them on demand does.
func TestPrewarm(t *testing.T) {
	o := testOptions(9, "arista_eos", "cisco_nxos", "linux")
	cold := startLab(t, o)
	o.Prewarm = true
	warm := startLab(t, o)
	for _, d := range warm.devs {
		d.modelMu.Lock()
		built := d.model != nil
		d.modelMu.Unlock()
		if !built {
			t.Errorf("%s: no model after a prewarmed start", d.Name)
		}
	}
	for i, d := range warm.Devices() {
		if d.Platform == "linux" {
			continue
		}
		a, _ := execOut(t, cold.Devices()[i], "show ip arp")
		b, _ := execOut(t, d, "show ip arp")
		if a != b {
			t.Errorf("%s: prewarmed, show ip arp differs", d.Name)
		}
	}
}
