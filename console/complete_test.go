package console

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vc/records"
	"vc/store"
)

func suggestTexts(e *Env, before string) []string {
	sugs, _ := e.suggest(before)
	out := make([]string, len(sugs))
	for i, s := range sugs {
		out[i] = s.Text
	}
	return out
}

// completionEnv is a session whose snapshot holds n devices over a few
// sites and platforms, without a store behind it: completion reads only
// the snapshot.
func completionEnv(t testing.TB, n int) *Env {
	e, _, _ := testEnv(t.(*testing.T), t.TempDir(), nil)
	sn := snapshot{ready: true, vault: true, values: map[string][]string{}, kinds: map[store.Kind][]string{}}
	for i := range n {
		sn.devices = append(sn.devices, fmt.Sprintf("%s-leaf-%06d", []string{"apac", "emea", "usa"}[i%3], i))
	}
	slices.Sort(sn.devices)
	sn.values["site"] = []string{"apac", "emea", "usa"}
	sn.values["vendor"] = []string{"arista", "cisco", "juniper"}
	sn.values["platform"] = []string{"arista_eos", "cisco_ios", "juniper_junos"}
	sn.kinds[store.KindSite] = sn.values["site"]
	sn.kinds[store.KindPlatform] = sn.values["platform"]
	sn.creds = []string{"lab", "ops"}
	sn.fieldNames = []string{"rack"}
	sn.jobs = []string{"arista-arp", "configs", "netbox-nightly"}
	sn.views = []string{"arp", "facts", "lldp"}
	sn.schedules = []string{"1", "2"}
	e.snap = sn
	return e
}

func TestCompleter(t *testing.T) {
	e := completionEnv(t, 10)
	e.last = &records.Set{Columns: []string{"device", "ip_address", "mac_address", "age"}, Rows: [][]any{{"usa-leaf-000002", "10.0.0.1", "aabb.cc00.0001", "5"}}}
	for _, tc := range []struct {
		before string
		want   []string // each must be offered
		none   bool     // nothing is offered
	}{
		{before: "sel", want: []string{"select", "selection"}},
		{before: "device ", want: []string{"add", "list", "show", "edit", "rm", "import", "export"}},
		{before: "device sh", want: []string{"show"}},
		{before: "exec --ti", want: []string{"--timeout"}},
		{before: "select ven", want: []string{"vendor"}},
		{before: `select vendor == "`, want: []string{`"arista"`, `"cisco"`, `"juniper"`}},
		{before: `select site == "usa" && platform in ["`, want: []string{`"arista_eos"`}},
		{before: "select fields.r", want: []string{"fields.rack"}},
		{before: `select name == "usa-leaf-00000`, want: []string{`"usa-leaf-000002"`}},
		{before: "device show usa-leaf-00000", want: []string{"usa-leaf-000002", "usa-leaf-000005"}},
		{before: "device edit usa-leaf-000002 si", want: []string{"site="}},
		{before: "device edit usa-leaf-000002 site=e", want: []string{"emea"}},
		{before: "site show u", want: []string{"usa"}},
		{before: "cred show ", want: []string{"lab", "ops"}},
		{before: "exec show ip arp |> ", want: []string{"where", "sort", "cols", "count"}},
		{before: "exec show ip arp |> cols device,ip", want: []string{"ip_address"}},
		{before: "exec show ip arp |> sort a", want: []string{"age"}},
		{before: "exec show ip arp |> where mac", want: []string{"mac_address"}},
		{before: "exec show ip arp |> count ", want: []string{"by"}},
		{before: "help dev", want: []string{"device"}},
		{before: "run ar", want: []string{"arista-arp"}},
		{before: "run configs n", want: []string{"netbox-nightly"}},
		{before: "job show c", want: []string{"configs"}},
		{before: "job rename ", want: []string{"arista-arp", "configs"}},
		{before: "schedule add ", want: []string{"arista-arp", "configs", "netbox-nightly"}},
		{before: "schedule rm ", want: []string{"1", "2"}},
		{before: "get f", want: []string{"facts"}},
		{before: "views show l", want: []string{"lldp"}},
		{before: "set vault-", want: []string{"vault-timeout"}},
		{before: "select vendor == \"arista\"; ex", want: []string{"exec", "exit"}},
		{before: "", none: true},
		{before: "exec show ", none: true},
	} {
		got := suggestTexts(e, tc.before)
		if tc.none {
			if len(got) > 0 {
				t.Errorf("%q: offered %v, want nothing", tc.before, got)
			}
			continue
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %q not offered; got %v", tc.before, w, got)
			}
		}
	}
}

// TestCompleterAt100k: completion reads the snapshot, never the store,
// and stays well under 10 ms with 100,000 devices.
func TestCompleterAt100k(t *testing.T) {
	e := completionEnv(t, 100_000)
	// A store that cannot be opened proves completion never opens it.
	e.Store = nil
	for _, before := range []string{"device show usa-leaf-0999", `select site == "`, "select pla", "device show "} {
		start := time.Now()
		got := suggestTexts(e, before)
		if len(got) == 0 {
			t.Errorf("%q: nothing offered", before)
		}
		if len(got) > maxSuggestions {
			t.Errorf("%q: %d suggestions", before, len(got))
		}
		t.Logf("%q: %d suggestions in %s", before, len(got), time.Since(start))
	}
}

func BenchmarkCompleteAt100k(b *testing.B) {
	e := completionEnv(&testing.T{}, 100_000)
	for b.Loop() {
		_, _ = e.suggest("device show usa-leaf-0999")
		_, _ = e.suggest(`select site == "u`)
	}
}

// TestSnapshotRefresh: the snapshot follows the store's writes.
func TestSnapshotRefresh(t *testing.T) {
	e, _, _ := testEnv(t, t.TempDir(), nil)
	ctx := context.Background()
	e.refreshSnapshot(ctx)
	if !e.snap.fresh {
		t.Error("no store yet: the snapshot should say so")
	}
	mustRun(t, e, "device add sw1 ip=10.0.0.1 site=ams1 platform=cisco_ios")
	e.refreshSnapshot(ctx)
	if !slices.Contains(e.snap.devices, "sw1") || !slices.Contains(e.snap.values["site"], "ams1") {
		t.Errorf("snapshot after a write: %+v", e.snap)
	}
	if got := suggestTexts(e, `select site == "a`); !slices.Contains(got, `"ams1"`) {
		t.Errorf("site values: %v", got)
	}
	if strings.Contains(e.prompt(), "[") {
		t.Errorf("no vault yet, the prompt says %q", e.prompt())
	}
	mustRun(t, e, `job create arp --command "show ip arp" --select '*'`)
	mustRun(t, e, `schedule add arp --cron @daily`)
	e.refreshSnapshot(ctx)
	if got := suggestTexts(e, "run a"); !slices.Contains(got, "arp") {
		t.Errorf("job slugs after job create: %v", got)
	}
	if got := suggestTexts(e, "schedule disable "); !slices.Contains(got, "1") {
		t.Errorf("schedule ids after schedule add: %v", got)
	}
	if got := suggestTexts(e, "get "); !slices.Contains(got, "facts") {
		t.Errorf("views: %v", got)
	}
}

// TestHelpAsked: a line ending in ? asks for help on the command its
// words name, however many words follow it.
func TestHelpAsked(t *testing.T) {
	e, _, _ := testEnv(t, t.TempDir(), nil)
	for line, want := range map[string]string{
		"?":                    "help",
		"exec show version ?":  "help exec",
		"device sync netbox ?": "help device sync",
		"job ?":                "help job",
		"select ven?":          "help select",
		"nosuch thing ?":       "help nosuch",
	} {
		if got, ok := e.helpAsked(line); !ok || got != want {
			t.Errorf("helpAsked(%q) = %q, %v; want %q", line, got, ok, want)
		}
	}
	if _, ok := e.helpAsked(`echo "what?`); ok {
		t.Error("a ? inside an open quote asked for help")
	}
}
